package io.rnnc.compiler.driver;

import java.nio.file.Path;

/**
 * Where the {@link CompilationDriver} reports: diagnostics (the command line prints them, the Maven plugin
 * logs them and, in an IDE, turns them into markers) and the files it writes or deletes.
 */
public interface CompilationListener {

    /**
     * One diagnostic of a spec.
     *
     * @param spec     the spec file
     * @param error    an error (else a warning)
     * @param line     1-based line of its head position (1 when it has none, e.g. an unreadable file)
     * @param column   1-based column
     * @param message  the message, with the hint in parentheses when there is one (for an IDE marker)
     * @param rendered the compiler text form: {@code file:line:col: error: ...}, the source line, a caret, the
     *                 hint; every line ends with '\n'
     */
    record Message(Path spec, boolean error, int line, int column, String message, String rendered) {
    }

    void diagnostic(Message message);

    /** The spec is about to be parsed again: forget what an earlier run reported on it. */
    default void parsing(Path spec) {
    }

    /** A generated file was created or changed. */
    default void written(Path file) {
    }

    /** A generated file was deleted (its spec, or its model, is gone). */
    default void deleted(Path file) {
    }
}
