package io.rnnc.spark;

/** A problem with the user's input (spec, data, flags): reported as one message, exit code 1, no stack trace. */
public final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }
}
