package io.rnnc.cli;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rnnc check SPEC...}: diagnostics only. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks specs and prints their diagnostics (errors, warnings, hints). Exit 1 if any spec has errors.")
final class CheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SPEC", arity = "1..*", description = "the .rnn files")
    List<Path> specs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int bad = 0;
        for (Path file : specs) {
            ParseResult r = Rnnc.parse(file);
            err.print(r.render());
            err.flush();
            if (r.hasErrors()) {
                bad++;
                out.println(file + ": " + r.diagnostics().summary());
            } else {
                out.println(file + ": ok, " + r.models().size() + (r.models().size() == 1 ? " model" : " models") + " ("
                        + r.models().stream().map(Model::name).collect(Collectors.joining(", ")) + ")"
                        + (r.diagnostics().isEmpty() ? "" : ", " + r.diagnostics().summary()));
            }
        }
        out.flush();
        return bad == 0 ? Main.OK : Main.USER_ERROR;
    }
}
