package io.rnnc.runtime.io;

/**
 * A file the user gave us is unusable: the message says which file, where, and what is wrong,
 * and is meant to be shown as it is, without a stack trace.
 */
public class RnncIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RnncIoException(String message) {
        super(message);
    }

    public RnncIoException(String message, Throwable cause) {
        super(message, cause);
    }
}
