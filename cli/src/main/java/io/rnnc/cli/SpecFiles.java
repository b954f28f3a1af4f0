package io.rnnc.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Parameters;

/** One or more spec files: {@code SPEC...} (a picocli mixin). */
final class SpecFiles {

    @Parameters(paramLabel = "SPEC", arity = "1..*", description = "the .rnn files")
    List<Path> files;
}
