package io.rnnc.compiler.driver;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A spec to compile: its file, and the key that names it in the incremental state (the path relative to
 * its source directory in a build, the path as given on the command line).
 */
public record SpecFile(String key, Path path) {

    public SpecFile {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(path, "path");
    }

    /** A spec named by its path; diagnostics name it as given. */
    public static SpecFile of(Path path) {
        return new SpecFile(path.toString(), path);
    }

    /** A spec in a source directory, by its '/'-separated relative path; diagnostics name its absolute path. */
    public static SpecFile under(Path sourceDirectory, String relative) {
        return new SpecFile(relative, sourceDirectory.toAbsolutePath().normalize().resolve(relative));
    }
}
