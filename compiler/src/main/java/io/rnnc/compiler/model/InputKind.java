package io.rnnc.compiler.model;

/** What one time step of input is. */
public enum InputKind {
    /** Float feature vectors, {@code input I}. */
    FEATURES,
    /** Token ids fed as one-hot vectors, {@code input tokens V}: a column gather from W_ih. */
    TOKENS,
    /** Token ids through an embedding table, {@code input tokens V embed E}. */
    TOKENS_EMBED
}
