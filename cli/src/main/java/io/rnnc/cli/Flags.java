package io.rnnc.cli;

/** Checks of flag values shared by the commands. */
final class Flags {

    private Flags() {
    }

    /** A user error unless {@code v} is at least 1. */
    static void positive(String flag, long v) {
        if (v < 1) {
            throw new UserException(flag + " must be at least 1, got " + v);
        }
    }
}
