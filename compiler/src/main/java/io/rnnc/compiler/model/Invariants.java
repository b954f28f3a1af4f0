package io.rnnc.compiler.model;

import java.util.Objects;

/**
 * The checks the model's records run in their constructors. A failure is a bug in whoever built the
 * record (the front end validates every spec first), so it is an {@link IllegalArgumentException},
 * never a user-facing diagnostic.
 */
final class Invariants {

    private Invariants() {
    }

    static void require(boolean condition, String what, Object... detail) {
        if (!condition) {
            StringBuilder m = new StringBuilder(what);
            for (Object d : detail) {
                m.append(' ').append(d);
            }
            throw new IllegalArgumentException(m.toString());
        }
    }

    static int positive(int value, String what) {
        require(value >= 1, what, "must be at least 1, got", value);
        return value;
    }

    static <T> T present(T value, String what) {
        return Objects.requireNonNull(value, () -> what + " must not be null");
    }
}
