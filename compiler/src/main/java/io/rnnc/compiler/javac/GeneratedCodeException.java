package io.rnnc.compiler.javac;

import java.nio.file.Path;

/**
 * A generated class failed to compile or load. That is always a bug in rnnc, never in the user's spec:
 * the message says so and names where the generated source was saved for the bug report.
 */
public final class GeneratedCodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path savedSources;

    public GeneratedCodeException(String message, Path savedSources) {
        super(message);
        this.savedSources = savedSources;
    }

    /** The directory holding the generated sources that failed (null if they could not be saved). */
    public Path savedSources() {
        return savedSources;
    }
}
