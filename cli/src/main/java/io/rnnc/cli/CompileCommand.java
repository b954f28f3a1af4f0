package io.rnnc.cli;

import io.rnnc.compiler.driver.CompilationDriver;
import io.rnnc.compiler.driver.CompilationListener;
import io.rnnc.compiler.driver.CompilationOptions;
import io.rnnc.compiler.driver.CompilationResult;
import io.rnnc.compiler.driver.SpecFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rnnc compile SPEC... -d DIR}: writes the generated sources, through the same
 * {@link CompilationDriver} as the Maven plugin; this class only translates the flags.
 */
@Command(name = "compile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates one Java class per model into a source directory (package folders",
                "included). Nothing is written if any spec has errors (or warnings, with --fail-on-warning);",
                "a file whose text did not change is not rewritten. The classes need only the rnnc runtime."})
final class CompileCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SpecFiles specs;

    @Option(names = {"-d", "--directory"}, paramLabel = "DIR", required = true,
            description = "source root to write into (created if missing)")
    Path dir;

    @Option(names = "--benchmark", description = "also write a JMH benchmark class per model (<Name>Benchmark: "
            + "training step and inference at the spec's batch); compile it with jmh-core and its annotation processor")
    boolean benchmark;

    @Option(names = "--fail-on-warning", description = "treat warnings as errors: exit 1 and write nothing")
    boolean failOnWarning;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompilationOptions options;
        try {
            options = CompilationOptions.builder(dir).benchmark(benchmark).failOnWarning(failOnWarning)
                    .onFailure(CompilationOptions.OnFailure.WRITE_NOTHING).build();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
        CompilationListener listener = new CompilationListener() {
            @Override
            public void diagnostic(Message m) {
                err.print(m.rendered());
                err.flush();
            }

            @Override
            public void written(Path file) {
                out.println("wrote " + file);
            }
        };
        CompilationResult r = new CompilationDriver(options, listener).run(
                specs.files.stream().map(SpecFile::of).toList());
        if (r.failed()) {
            List<Path> failed = r.failedSpecs();
            String what = r.errors() > 0 ? (failed.size() == 1 ? " spec has errors" : " specs have errors")
                    : (failed.size() == 1 ? " spec has warnings" : " specs have warnings") + " and --fail-on-warning is set";
            throw new UserException("nothing written: " + failed.size() + what + " (" + failed.get(0)
                    + (failed.size() > 1 ? ", ..." : "") + ")");
        }
        if (r.written().isEmpty()) {
            out.println("nothing to write: the files in " + options.outputDirectory() + " are up to date");
        }
        out.flush();
        return Main.OK;
    }
}
