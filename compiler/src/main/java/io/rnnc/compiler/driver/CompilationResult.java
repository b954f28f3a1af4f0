package io.rnnc.compiler.driver;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link CompilationDriver} run did.
 *
 * @param specs       specs given
 * @param generated   specs parsed without errors and generated this run
 * @param upToDate    specs whose previous output was still valid (incremental runs only)
 * @param removed     specs that disappeared since the last run (their classes were deleted)
 * @param written     files created or changed
 * @param deleted     files deleted
 * @param errors      error diagnostics, including a class that two specs generate
 * @param warnings    warning diagnostics
 * @param failedSpecs specs with errors, or with warnings when {@code failOnWarning} is set
 * @param failed      some spec failed: the caller reports failure (exit 1, a failed build)
 */
public record CompilationResult(int specs, int generated, int upToDate, int removed, List<Path> written,
                                List<Path> deleted, int errors, int warnings, List<Path> failedSpecs, boolean failed) {

    public CompilationResult {
        written = List.copyOf(written);
        deleted = List.copyOf(deleted);
        failedSpecs = List.copyOf(failedSpecs);
    }
}
