package io.rnnc.cli;

import io.rnnc.compiler.ParseResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rnnc check SPEC...}: diagnostics only. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks specs and prints their diagnostics (errors, warnings, hints). Exit 1 if any spec has errors.")
final class CheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SpecFiles specs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int bad = 0;
        for (Path file : specs.files) {
            ParseResult r = Specs.parseAndReport(file, err);
            if (r.hasErrors()) {
                bad++;
                out.println(file + ": " + r.diagnostics().summary());
            } else {
                out.println(file + ": ok, " + r.models().size() + (r.models().size() == 1 ? " model" : " models") + " ("
                        + Specs.names(r.models()) + ")" + (r.diagnostics().isEmpty() ? "" : ", " + r.diagnostics().summary()));
            }
        }
        out.flush();
        return bad == 0 ? Main.OK : Main.USER_ERROR;
    }
}
