package io.rnnc.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rnnc version}: the same line as {@code rnnc --version}. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Prints rnnc's version (the one the Maven plugin logs) and the Java version.")
final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : new Main.Version().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
