package io.rnnc.compiler.frontend;

/**
 * Sane bounds for every size a spec states. They keep all derived sizes inside Java ints (the
 * parameters live in one flat Java array) and catch typos such as {@code rnn 99999999999}.
 */
public final class Limits {
    /** Features per step, embedding width, layer width, dense outputs. */
    public static final int MAX_WIDTH = 65_536;
    /** Token vocabulary. */
    public static final int MAX_VOCAB = 1 << 20;
    /** Time steps of one sequence. */
    public static final int MAX_STEPS = 1_000_000;
    /** Recurrent layers in one stack. */
    public static final int MAX_LAYERS = 64;
    /** Largest batch. */
    public static final int MAX_BATCH = 65_536;
    /** Trainable scalars of one model: the flat parameter store is one Java array. */
    public static final long MAX_PARAMETERS = io.rnnc.compiler.model.Model.MAX_PARAMETERS;
    /** Longest spec file, in characters; specs are a few hundred. */
    public static final int MAX_SOURCE_CHARS = 1 << 18;

    private Limits() {
    }
}
