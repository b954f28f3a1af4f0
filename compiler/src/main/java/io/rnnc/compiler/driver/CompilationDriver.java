package io.rnnc.compiler.driver;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.diag.DiagnosticRenderer;
import io.rnnc.compiler.diag.Severity;
import io.rnnc.compiler.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The one compilation driver: {@code .rnn} specs in, diagnostics and generated Java sources (and, on
 * request, JMH benchmark classes) out. The {@code rnnc compile} command and the Maven plugin both call
 * it and only translate their settings into {@link CompilationOptions}, as ANTLR's Maven plugin only
 * turns its parameters into the tool's arguments.
 *
 * <p>A run first parses and generates every stale spec in memory, then writes: so a failing spec, or a
 * class two specs both generate, is known before any file changes, and with
 * {@link CompilationOptions.OnFailure#WRITE_NOTHING} a failed run leaves the output directory as it was.
 * Each file is written atomically and only when its bytes change ({@link SourceWriter}).
 *
 * <p>With a state file ({@link CompilationOptions#stateFile()}) a run is incremental: a {@link BuildState}
 * remembers each spec's content hash and the files it produced, under a {@link GeneratorFingerprint} of
 * the generator's code and the options. An unchanged spec is not parsed again, an edited spec rewrites
 * only those of its classes whose text changed, and a vanished spec's (or model's) classes are deleted.
 */
public final class CompilationDriver {

    private final CompilationOptions options;
    private final CompilationListener listener;
    private final Supplier<String> generatorCode;

    public CompilationDriver(CompilationOptions options, CompilationListener listener) {
        this(options, listener, GeneratorFingerprint::code);
    }

    /** With {@code generatorCode} standing for the hash of the generator's code (tests: another generator). */
    CompilationDriver(CompilationOptions options, CompilationListener listener, Supplier<String> generatorCode) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.generatorCode = generatorCode;
    }

    /**
     * Compiles {@code specs} (duplicates by key are read once).
     *
     * @throws io.rnnc.runtime.io.RnncIoException naming the file if an output cannot be written
     */
    public CompilationResult run(List<SpecFile> specs) {
        Path outputDir = options.outputDirectory();
        String fingerprint = GeneratorFingerprint.of(generatorCode.get(), options);
        BuildState old = options.stateFile() == null ? BuildState.empty() : BuildState.read(options.stateFile());
        boolean sameGenerator = options.stateFile() != null && fingerprint.equals(old.fingerprint());
        Map<String, SpecFile> byKey = new TreeMap<>();
        specs.forEach(s -> byKey.putIfAbsent(s.key(), s));

        Map<String, BuildState.Entry> next = new TreeMap<>();
        Map<String, String> claimedBy = new HashMap<>(); // output file -> key of the spec that generates it
        Map<String, String> hashes = new HashMap<>();
        List<SpecFile> stale = new ArrayList<>();
        int upToDate = 0;

        // Pass 1: unchanged specs keep their outputs and claim their class names first.
        for (SpecFile spec : byKey.values()) {
            String hash = hash(spec.path());
            hashes.put(spec.key(), hash);
            BuildState.Entry prev = old.entries().get(spec.key());
            if (sameGenerator && hash != null && prev != null && prev.hash().equals(hash) && allExist(prev.outputs())) {
                next.put(spec.key(), prev);
                prev.outputs().forEach(o -> claimedBy.put(o, spec.key()));
                upToDate++;
            } else {
                stale.add(spec);
            }
        }

        // Pass 2: parse and generate the stale ones, in memory.
        Map<String, GeneratedSource> pending = new LinkedHashMap<>(); // output file -> its source
        List<Path> failedSpecs = new ArrayList<>();
        int generated = 0;
        int errors = 0;
        int warnings = 0;
        for (SpecFile spec : stale) {
            BuildState.Entry prev = old.entries().get(spec.key());
            listener.parsing(spec.path());
            ParseResult parsed = Rnnc.parse(spec.path());
            DiagnosticRenderer renderer = new DiagnosticRenderer(parsed.diagnostics()::source);
            int specErrors = 0;
            int specWarnings = 0;
            for (Diagnostic d : parsed.diagnostics().all()) {
                report(spec, d, renderer);
                if (d.isError()) {
                    specErrors++;
                } else {
                    specWarnings++;
                }
            }
            List<String> outputs = new ArrayList<>();
            if (specErrors == 0) {
                generated++;
                for (Model model : parsed.models()) {
                    for (GeneratedSource source : generate(model, spec)) {
                        String out = source.relativePath();
                        String owner = claimedBy.get(out);
                        if (owner != null && !owner.equals(spec.key())) {
                            report(spec, new Diagnostic(Severity.ERROR, model.pos(), "class " + source.qualifiedName()
                                    + " is also generated from " + byKey.get(owner).path(),
                                    "give one of the models another name or package", List.of()), renderer);
                            specErrors++;
                            continue;
                        }
                        claimedBy.put(out, spec.key());
                        outputs.add(out);
                        pending.put(out, source);
                    }
                }
            }
            errors += specErrors;
            warnings += specWarnings;
            boolean failed = specErrors > 0 || (options.failOnWarning() && specWarnings > 0);
            if (failed) {
                failedSpecs.add(spec.path());
            }
            if (specErrors > 0 && outputs.isEmpty()) {
                if (prev != null) {
                    // Keep the old classes (other code may still compile against them) but not the old hash:
                    // the spec is parsed, and its errors reported, on every run until it is fixed.
                    next.put(spec.key(), new BuildState.Entry("-", prev.outputs()));
                    prev.outputs().forEach(o -> claimedBy.putIfAbsent(o, spec.key()));
                }
            } else {
                // A failed spec is not recorded as done: the next run reports it again.
                next.put(spec.key(), new BuildState.Entry(failed || hashes.get(spec.key()) == null ? "-"
                        : hashes.get(spec.key()), outputs));
            }
        }

        boolean failed = !failedSpecs.isEmpty();
        List<Path> written = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        int removed = (int) old.entries().keySet().stream().filter(k -> !hashes.containsKey(k)).count();
        if (failed && options.onFailure() == CompilationOptions.OnFailure.WRITE_NOTHING) {
            return new CompilationResult(byKey.size(), generated, upToDate, 0, written, deleted, errors, warnings,
                    failedSpecs, true);
        }

        // Pass 3: write what changed, then delete what no spec generates any more.
        for (Map.Entry<String, GeneratedSource> e : pending.entrySet()) {
            Path file = outputDir.resolve(e.getKey());
            if (SourceWriter.writeIfChanged(file, e.getValue().source().getBytes(StandardCharsets.UTF_8))) {
                written.add(file);
                listener.written(file);
            }
        }
        for (Map.Entry<String, BuildState.Entry> e : old.entries().entrySet()) {
            for (String o : e.getValue().outputs()) {
                if (!claimedBy.containsKey(o)) {
                    Path file = outputDir.resolve(o);
                    if (SourceWriter.delete(outputDir, file)) {
                        deleted.add(file);
                        listener.deleted(file);
                    }
                }
            }
        }
        if (options.stateFile() != null) {
            BuildState state = new BuildState(fingerprint, next);
            if (!state.equals(old)) {
                state.write(options.stateFile());
            }
        }
        return new CompilationResult(byKey.size(), generated, upToDate, removed, written, deleted, errors, warnings,
                failedSpecs, failed);
    }

    /** The model's class and, with {@code benchmark}, its JMH class. */
    private List<GeneratedSource> generate(Model model, SpecFile spec) {
        GeneratedSource source;
        try {
            source = CodeGenerator.generate(model);
        } catch (RuntimeException e) {
            throw new IllegalStateException("generating " + model.qualifiedName() + " from " + spec.path() + " failed: "
                    + e, e);
        }
        return options.benchmark() ? List.of(source, BenchmarkSource.of(model)) : List.of(source);
    }

    private void report(SpecFile spec, Diagnostic d, DiagnosticRenderer renderer) {
        listener.diagnostic(new CompilationListener.Message(spec.path(), d.isError(), Math.max(1, d.pos().line()),
                Math.max(1, d.pos().column()), d.message() + (d.hint().isEmpty() ? "" : " (" + d.hint() + ")"),
                renderer.render(d)));
    }

    private boolean allExist(List<String> outputs) {
        for (String o : outputs) {
            if (!Files.isRegularFile(options.outputDirectory().resolve(o))) {
                return false;
            }
        }
        return true;
    }

    /** The spec's SHA-256, or null when it cannot be read (the parser then reports why, with its place). */
    private static String hash(Path spec) {
        try {
            return BuildState.sha256(Files.readAllBytes(spec));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
