package io.rnnc.compiler;

/**
 * A bug in rnnc, not in the spec: a stage of the compiler failed on input it should have accepted or
 * reported. It is never a diagnostic (a diagnostic says the user's spec is wrong); callers let it reach
 * their top level, which reports it as an internal error (the CLI exits with 2).
 */
public final class InternalCompilerError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String spec;

    public InternalCompilerError(String spec, Throwable cause) {
        super("internal error in rnnc while compiling " + spec + ": " + cause
                + "; this is a bug in rnnc, please report it with this spec", cause);
        this.spec = spec;
    }

    /** The spec being compiled, as the caller named it. */
    public String spec() {
        return spec;
    }
}
