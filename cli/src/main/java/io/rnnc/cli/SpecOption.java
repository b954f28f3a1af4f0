package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spec a command runs, and which of its models: {@code SPEC [--model NAME]} (a picocli mixin). */
final class SpecOption {

    @Parameters(paramLabel = "SPEC", description = "the .rnn file")
    Path file;

    @Option(names = "--model", paramLabel = "NAME", description = "which model, when the spec has several")
    String modelName;

    /** Parses the spec (diagnostics to {@code err}) and picks the model; a user error if that fails. */
    Model model(PrintWriter err) {
        return Specs.model(file, modelName, err);
    }
}
