package io.rnnc.serve;

/**
 * A request the model cannot take (wrong width, an unknown token, too long, a value that is not finite, a
 * stream nobody opened, a mode the model does not have). It is thrown before any model instance or stream
 * state is touched, so a bad request changes nothing for anyone.
 */
public final class BadRequest extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
        super(message);
    }
}
