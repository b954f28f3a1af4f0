package io.rnnc.compiler.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the {@link CompilationDriver} runs: the same settings whether the {@code rnnc compile} command or the
 * Maven plugin asks (each only translates its flags or parameters into these). Built with
 * {@link #builder(Path)}, which checks them.
 *
 * @param outputDirectory the source root the classes go into (package folders below it); created when missing
 * @param benchmark       also write a JMH benchmark class {@code <Name>Benchmark} per model
 * @param failOnWarning   a spec with warnings fails the run as errors do
 * @param onFailure       what a failed run writes
 * @param stateFile       the incremental state (see {@link BuildState}), or null: every spec is generated,
 *                        and nothing is ever deleted
 */
public record CompilationOptions(Path outputDirectory, boolean benchmark, boolean failOnWarning, OnFailure onFailure,
                                 Path stateFile) {

    /** What a run writes when some spec has errors (or warnings, with {@code failOnWarning}). */
    public enum OnFailure {
        /** Nothing at all: not a file, not a directory (the command line: a failed run leaves no trace). */
        WRITE_NOTHING,
        /**
         * The classes of every spec that has no errors; a failing spec keeps its previous classes, so code
         * compiled against them still builds while the spec is fixed (the build plugin, in an IDE too).
         */
        WRITE_VALID_SPECS
    }

    public CompilationOptions {
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(onFailure, "onFailure");
        outputDirectory = outputDirectory.toAbsolutePath().normalize();
        stateFile = stateFile == null ? null : stateFile.toAbsolutePath().normalize();
    }

    public static Builder builder(Path outputDirectory) {
        return new Builder(outputDirectory);
    }

    /** Every option, as text: part of the {@link GeneratorFingerprint}, so changing one regenerates. */
    String describe() {
        return "output=" + outputDirectory + " benchmark=" + benchmark + " failOnWarning=" + failOnWarning
                + " onFailure=" + onFailure;
    }

    /** Collects the options; {@link #build()} checks them. */
    public static final class Builder {
        private final Path outputDirectory;
        private boolean benchmark;
        private boolean failOnWarning;
        private OnFailure onFailure = OnFailure.WRITE_NOTHING;
        private Path stateFile;

        private Builder(Path outputDirectory) {
            this.outputDirectory = outputDirectory;
        }

        public Builder benchmark(boolean benchmark) {
            this.benchmark = benchmark;
            return this;
        }

        public Builder failOnWarning(boolean failOnWarning) {
            this.failOnWarning = failOnWarning;
            return this;
        }

        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /** Keep incremental state in this file: unchanged specs are skipped, vanished ones' classes deleted. */
        public Builder incremental(Path stateFile) {
            this.stateFile = stateFile;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException saying what is wrong (a missing output directory, one that is a
         *                                  file, a state file inside the output directory)
         */
        public CompilationOptions build() {
            if (outputDirectory == null) {
                throw new IllegalArgumentException("no output directory given");
            }
            if (onFailure == null) {
                throw new IllegalArgumentException("no onFailure policy given");
            }
            if (Files.exists(outputDirectory) && !Files.isDirectory(outputDirectory)) {
                throw new IllegalArgumentException("output directory " + outputDirectory + " exists and is not a directory");
            }
            CompilationOptions options = new CompilationOptions(outputDirectory, benchmark, failOnWarning, onFailure,
                    stateFile);
            if (options.stateFile() != null && options.stateFile().startsWith(options.outputDirectory())) {
                // the compiler would read it as a source root's content; keep it apart
                throw new IllegalArgumentException("state file " + stateFile + " is inside the output directory "
                        + outputDirectory);
            }
            return options;
        }
    }
}
