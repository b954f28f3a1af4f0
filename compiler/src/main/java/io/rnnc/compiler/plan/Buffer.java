package io.rnnc.compiler.plan;

/**
 * An activation or scratch array of the generated class, allocated once for the spec's batch.
 *
 * @param name     field name
 * @param kind     the array's element type
 * @param size     the element count, value and expression
 * @param perChunk true if every chunk of a batch has its own (activations, gradients of the layers); false for
 *                 buffers only the public model (chunk 0) uses (generation)
 * @param shape    the layout, e.g. {@code "[T + 1, n, H0] h_t in slot t+1; slot 0 = initial state"}
 */
public record Buffer(String name, Kind kind, Size size, boolean perChunk, String shape) {

    /** Element type of a buffer. */
    public enum Kind {
        /** The model's precision: {@code float} or {@code double}. */
        ELEMENT,
        /** {@code int}: token ids, beam bookkeeping. */
        INT,
        /** {@code double} whatever the precision: scores accumulated over steps. */
        DOUBLE
    }

    public long elements() {
        return size.value();
    }

    @Override
    public String toString() {
        return name;
    }
}
