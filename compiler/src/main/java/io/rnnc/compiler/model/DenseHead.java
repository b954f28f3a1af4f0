package io.rnnc.compiler.model;

/**
 * The dense output head {@code logits = h @ fc.weight.T + fc.bias}, applied to the top layer's h.
 *
 * @param prefix {@code ""} or {@code "decoder."}; names are {@code prefix + "fc.weight"}, {@code prefix + "fc.bias"}
 */
public record DenseHead(String prefix, int outputs, int inputWidth, HeadActivation activation, SourcePos pos) {

    public DenseHead {
        Invariants.present(prefix, "head prefix");
        Invariants.positive(outputs, "head outputs");
        Invariants.positive(inputWidth, "head input width");
        Invariants.present(activation, "head activation");
        Invariants.present(pos, "head pos");
    }
}
