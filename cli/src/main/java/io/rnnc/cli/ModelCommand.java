package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** What the commands about one model share: {@code SPEC [--model NAME]}, the model, the streams. */
abstract class ModelCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SpecOption specFile;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    java.io.InputStream in() {
        return Main.stdin();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The spec's model (diagnostics on stderr); a user error if the spec has errors or no such model. */
    Model model() {
        return specFile.model(err());
    }
}
