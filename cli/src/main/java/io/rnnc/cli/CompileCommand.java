package io.rnnc.cli;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rnnc compile SPEC... -d DIR}: writes the generated sources. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Generates one Java class per model into a source directory (package folders included).",
                "Nothing is written if any spec has errors. The classes need only the rnnc runtime."})
final class CompileCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SPEC", arity = "1..*", description = "the .rnn files")
    List<Path> specs;

    @Option(names = {"-d", "--directory"}, paramLabel = "DIR", required = true,
            description = "source root to write into (created if missing)")
    Path dir;

    @Option(names = "--benchmark", description = "also write a JMH benchmark class per model (<Name>Benchmark: "
            + "training step and inference at the spec's batch); compile it with jmh-core and its annotation processor")
    boolean benchmark;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Model> models = new ArrayList<>();
        List<Path> failed = new ArrayList<>();
        for (Path file : specs) {
            try {
                ParseResult r = Specs.parse(file, err);
                models.addAll(r.models());
            } catch (UserException e) {
                failed.add(file);
            }
        }
        if (!failed.isEmpty()) {
            throw new UserException("nothing written: " + failed.size() + (failed.size() == 1 ? " spec has" : " specs have")
                    + " errors (" + failed.get(0) + (failed.size() > 1 ? ", ..." : "") + ")");
        }
        Map<String, GeneratedSource> sources = new LinkedHashMap<>();
        for (Model m : models) {
            GeneratedSource s = CodeGenerator.generate(m);
            if (sources.put(s.qualifiedName(), s) != null) {
                throw new UserException("two models generate the same class " + s.qualifiedName()
                        + "; rename one or give it another package");
            }
            if (benchmark) {
                GeneratedSource b = BenchmarkSource.of(m);
                sources.put(b.qualifiedName(), b);
            }
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException(dir + " exists and is not a directory");
        }
        for (GeneratedSource s : sources.values()) {
            Path file = dir.resolve(s.relativePath());
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UserException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
            }
            byte[] bytes = s.source().getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(file, o -> o.write(bytes));
            out.println("wrote " + file);
        }
        return Main.OK;
    }
}
