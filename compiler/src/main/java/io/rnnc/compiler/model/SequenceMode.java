package io.rnnc.compiler.model;

/** The five architectures of the origin document. */
public enum SequenceMode {
    /** T = 1: one input vector, one output. */
    ONE_TO_ONE,
    /** One input vector x [B, I]; T outputs; step t sees concat(x, feedback of step t-1). */
    ONE_TO_MANY,
    /** T inputs, the head runs on the last step only. */
    MANY_TO_ONE,
    /** T inputs, the head runs on every step (synchronous many-to-many). */
    MANY_TO_MANY,
    /** Encoder-decoder (asynchronous many-to-many): encoder final states seed the decoder. */
    SEQ2SEQ;

    /** The keyword used in specs (and, for seq2seq, in generated documentation). */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True if a spec names this mode after {@code sequence T}; seq2seq is chosen by its blocks instead. */
    public boolean stated() {
        return this != SEQ2SEQ;
    }
}
