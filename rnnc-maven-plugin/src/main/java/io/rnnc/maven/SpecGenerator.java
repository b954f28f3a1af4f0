package io.rnnc.maven;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.diag.DiagnosticRenderer;
import io.rnnc.compiler.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the {@code .rnn} specs of one source directory into Java sources in one output directory,
 * incrementally: a {@link BuildState} file remembers each spec's content hash and the files it
 * produced, so an unchanged spec is not parsed again, an edited spec rewrites only its own classes (and
 * only those whose text changed, so their timestamps stay put), and a deleted spec's classes are
 * removed. Knows nothing of Maven; the mojos adapt it, and tests drive it directly.
 */
public final class SpecGenerator {

    /** Where messages and file events go (Maven's log and the IDE's build context, in the plugin). */
    public interface Reporter {
        void info(String line);

        void warn(String line);

        void error(String line);

        /** Forget the markers a previous build left on this spec. */
        default void clearMarkers(Path spec) {
        }

        /** A marker in the spec's editor (Eclipse), with a 1-based line and column. */
        default void marker(Path spec, int line, int column, String message, boolean error) {
        }

        /** A generated file was written or deleted. */
        default void changed(Path file) {
        }
    }

    /**
     * What one run did.
     *
     * @param specs     specs found
     * @param generated specs parsed and generated this run
     * @param upToDate  specs whose previous output was still valid
     * @param removed   specs that disappeared since the last run (their classes were deleted)
     * @param written   files whose text was created or changed
     * @param deleted   files deleted
     * @param errors    error diagnostics (including duplicate classes)
     * @param warnings  warning diagnostics
     */
    public record Result(int specs, int generated, int upToDate, int removed, List<Path> written, List<Path> deleted,
                         int errors, int warnings) {
        public Result {
            written = List.copyOf(written);
            deleted = List.copyOf(deleted);
        }
    }

    private final Path sourceDir;
    private final Path outputDir;
    private final Path stateFile;
    private final String fingerprint;
    private final Reporter reporter;

    /**
     * @param fingerprint identifies the generator; a different one makes every spec stale
     *                    (see {@link GeneratorFingerprint})
     */
    public SpecGenerator(Path sourceDir, Path outputDir, Path stateFile, String fingerprint, Reporter reporter) {
        this.sourceDir = sourceDir.toAbsolutePath().normalize();
        this.outputDir = outputDir.toAbsolutePath().normalize();
        this.stateFile = stateFile.toAbsolutePath().normalize();
        this.fingerprint = fingerprint;
        this.reporter = reporter;
    }

    /**
     * Generates from {@code specs} (paths relative to the source directory, '/'-separated).
     *
     * @param failOnWarning a spec with warnings is then not recorded as done, so the next build reports
     *                      it again (the caller fails the build)
     * @throws UncheckedIOException if a spec cannot be read or an output cannot be written
     */
    public Result run(List<String> specs, boolean failOnWarning) {
        BuildState old = BuildState.read(stateFile);
        boolean sameGenerator = fingerprint.equals(old.fingerprint());
        Map<String, BuildState.Entry> next = new TreeMap<>();
        Map<String, String> claimedBy = new HashMap<>();
        List<Path> written = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        int generated = 0;
        int upToDate = 0;
        int errors = 0;
        int warnings = 0;
        List<String> sorted = new ArrayList<>(specs);
        sorted.sort(null);

        // Pass 1: specs that need no work keep their outputs and claim their class names first.
        Map<String, String> hashes = new HashMap<>();
        List<String> stale = new ArrayList<>();
        for (String rel : sorted) {
            String hash = BuildState.sha256(read(sourceDir.resolve(rel)));
            hashes.put(rel, hash);
            BuildState.Entry prev = old.entries().get(rel);
            if (sameGenerator && prev != null && prev.hash().equals(hash) && allExist(prev.outputs())) {
                next.put(rel, prev);
                prev.outputs().forEach(o -> claimedBy.put(o, rel));
                upToDate++;
            } else {
                stale.add(rel);
            }
        }

        // Pass 2: parse and generate the stale ones.
        for (String rel : stale) {
            Path spec = sourceDir.resolve(rel);
            BuildState.Entry prev = old.entries().get(rel);
            reporter.clearMarkers(spec);
            ParseResult parsed = Rnnc.parse(spec);
            DiagnosticRenderer renderer = new DiagnosticRenderer(parsed.diagnostics()::source);
            int specWarnings = 0;
            for (Diagnostic d : parsed.diagnostics().all()) {
                boolean error = d.isError();
                for (String line : lines(renderer.render(d))) {
                    if (error) {
                        reporter.error(line);
                    } else {
                        reporter.warn(line);
                    }
                }
                reporter.marker(spec, Math.max(1, d.pos().line()), Math.max(1, d.pos().column()),
                        d.message() + (d.hint().isEmpty() ? "" : " (" + d.hint() + ")"), error);
                if (error) {
                    errors++;
                } else {
                    specWarnings++;
                }
            }
            warnings += specWarnings;
            if (parsed.hasErrors()) {
                keepPrevious(rel, prev, next, claimedBy);
                continue;
            }
            List<String> outputs = new ArrayList<>();
            boolean clash = false;
            for (Model model : parsed.models()) {
                GeneratedSource source;
                try {
                    source = CodeGenerator.generate(model);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("generating " + model.qualifiedName() + " from " + spec + " failed: "
                            + e.getMessage(), e);
                }
                String out = source.relativePath();
                String owner = claimedBy.get(out);
                if (owner != null && !owner.equals(rel)) {
                    String msg = spec + ":" + model.pos().line() + ":" + model.pos().column() + ": error: class "
                            + source.qualifiedName() + " is also generated from " + sourceDir.resolve(owner);
                    reporter.error(msg);
                    reporter.error("hint: give one of the models another name or package");
                    reporter.marker(spec, Math.max(1, model.pos().line()), Math.max(1, model.pos().column()),
                            "class " + source.qualifiedName() + " is also generated from " + owner, true);
                    errors++;
                    clash = true;
                    continue;
                }
                claimedBy.put(out, rel);
                outputs.add(out);
                Path file = outputDir.resolve(out);
                if (writeIfChanged(file, source.source())) {
                    written.add(file);
                    reporter.changed(file);
                }
            }
            if (prev != null) {
                for (String o : prev.outputs()) {
                    if (!outputs.contains(o) && !claimedBy.containsKey(o) && delete(o)) {
                        deleted.add(outputDir.resolve(o));
                    }
                }
            }
            if (clash || (failOnWarning && specWarnings > 0)) {
                // Not recorded as done: the next build reports it again.
                next.put(rel, new BuildState.Entry("-", outputs));
            } else {
                next.put(rel, new BuildState.Entry(hashes.get(rel), outputs));
            }
            generated++;
        }

        // Specs that are gone: their classes go too (unless another spec now generates the same file).
        int removed = 0;
        for (Map.Entry<String, BuildState.Entry> e : old.entries().entrySet()) {
            if (hashes.containsKey(e.getKey())) {
                continue;
            }
            removed++;
            for (String o : e.getValue().outputs()) {
                if (!claimedBy.containsKey(o) && delete(o)) {
                    deleted.add(outputDir.resolve(o));
                }
            }
        }
        BuildState now = new BuildState(fingerprint, next);
        if (!now.equals(old)) {
            now.write(stateFile);
        }
        return new Result(sorted.size(), generated, upToDate, removed, written, deleted, errors, warnings);
    }

    private static void keepPrevious(String rel, BuildState.Entry prev, Map<String, BuildState.Entry> next,
                                     Map<String, String> claimedBy) {
        if (prev != null) {
            // Keep the old classes (other code may still compile against them) but not the old hash:
            // the spec is parsed, and its errors reported, on every build until it is fixed.
            next.put(rel, new BuildState.Entry("-", prev.outputs()));
            prev.outputs().forEach(o -> claimedBy.putIfAbsent(o, rel));
        }
    }

    private boolean allExist(List<String> outputs) {
        for (String o : outputs) {
            if (!Files.isRegularFile(outputDir.resolve(o))) {
                return false;
            }
        }
        return true;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes atomically, and only when the text differs, so unchanged classes keep their timestamps. */
    private static boolean writeIfChanged(Path file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            AtomicWrite.write(file, bytes);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private boolean delete(String rel) {
        Path file = outputDir.resolve(rel);
        try {
            boolean gone = Files.deleteIfExists(file);
            if (gone) {
                reporter.changed(file);
            }
            // Empty package directories left behind would confuse IDEs; remove them up to the root.
            for (Path dir = file.getParent(); dir != null && dir.startsWith(outputDir) && !dir.equals(outputDir);
                 dir = dir.getParent()) {
                try (var s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        break;
                    }
                }
                Files.delete(dir);
            }
            return gone;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> lines(String text) {
        List<String> all = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
            all.remove(all.size() - 1);
        }
        return all;
    }
}
