package io.rnnc.compiler.plan;

/**
 * An activation or scratch array of the generated class, allocated once for the spec's batch.
 *
 * @param name     field name
 * @param kind     the array's element type
 * @param size     the element count as a constant expression over the plan's constants, e.g. {@code "(T + 1) * B * H0"}
 * @param elements the same count evaluated
 * @param shape    the layout, e.g. {@code "[T + 1, B, H0], slot 0 = initial state"}
 */
public record Buffer(String name, Kind kind, String size, long elements, String shape) {

    /** Element type of a buffer. */
    public enum Kind {
        /** The model's precision: {@code float} or {@code double}. */
        ELEMENT,
        /** {@code int}: token ids, beam bookkeeping. */
        INT,
        /** {@code double} whatever the precision: scores accumulated over steps. */
        DOUBLE
    }
}
