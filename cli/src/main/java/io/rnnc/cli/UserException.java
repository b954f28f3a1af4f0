package io.rnnc.cli;

/** A problem with what the user gave (spec, data, file, flag): exit code 1 and the message alone. */
public final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
