package io.rnnc.compiler.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compilation driver: the build plugin's incremental generation (its ITs in rnnc-maven-plugin/src/it
 * run it inside Maven), and the command line's all-or-nothing one.
 */
class CompilationDriverTest {

    @TempDir
    Path tmp;

    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    /** The plugin's way: incremental, valid specs written even when others fail. */
    private Incremental generator(String fingerprint) {
        return generator(fingerprint, false);
    }

    private Incremental generator(String fingerprint, boolean benchmark) {
        return (specs, failOnWarning) -> driver(CompilationOptions.builder(tmp.resolve("out"))
                .incremental(tmp.resolve("state/s.state")).failOnWarning(failOnWarning).benchmark(benchmark)
                .onFailure(CompilationOptions.OnFailure.WRITE_VALID_SPECS).build(), fingerprint)
                .run(specs.stream().map(s -> SpecFile.under(tmp.resolve("rnn"), s)).toList());
    }

    /** Runs the driver on specs given by key; {@code fingerprint} stands for another generator's code. */
    interface Incremental {
        CompilationResult run(List<String> specs, boolean failOnWarning);
    }

    private CompilationDriver driver(CompilationOptions options, String fingerprint) {
        return new CompilationDriver(options, listener, () -> fingerprint);
    }

    final CompilationListener listener = m -> {
        List<String> lines = m.rendered().lines().toList();
        (m.error() ? errors : warnings).addAll(lines);
    };

    private void spec(String name, String text) throws IOException {
        Path p = tmp.resolve("rnn").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private Path out(String rel) {
        return tmp.resolve("out").resolve(rel);
    }

    private static final String A = "package p\nmodel A { input 2  sequence 3 many_to_one  rnn 4  dense 2 softmax  loss cross_entropy }\n";
    private static final String B = "package p.q\nmodel B { input 2  sequence 3 many_to_many  gru 4  dense 2 linear  loss mse }\n"
            + "model C { input 2  sequence 3 many_to_one  lstm 4  dense 2 softmax  loss cross_entropy }\n";

    @Test
    void generatesThenDoesNothingThenOnlyWhatChanged() throws IOException {
        spec("a.rnn", A);
        spec("sub/b.rnn", B);
        CompilationResult first = generator("g1").run(List.of("a.rnn", "sub/b.rnn"), false);
        assertEquals(2, first.generated());
        assertEquals(3, first.written().size());
        assertTrue(Files.readString(out("p/q/C.java")).contains("class C"));
        FileTime old = FileTime.fromMillis(1_000_000);
        for (String f : List.of("p/A.java", "p/q/B.java", "p/q/C.java")) {
            Files.setLastModifiedTime(out(f), old);
        }

        CompilationResult second = generator("g1").run(List.of("a.rnn", "sub/b.rnn"), false);
        assertEquals(0, second.generated());
        assertEquals(2, second.upToDate());
        assertTrue(second.written().isEmpty());

        // edit one model of b.rnn: only C.java is rewritten, B.java keeps its timestamp
        spec("sub/b.rnn", B.replace("lstm 4", "lstm 5"));
        CompilationResult third = generator("g1").run(List.of("a.rnn", "sub/b.rnn"), false);
        assertEquals(1, third.generated());
        assertEquals(List.of(out("p/q/C.java")), third.written());
        assertEquals(old, Files.getLastModifiedTime(out("p/q/B.java")));
        assertEquals(old, Files.getLastModifiedTime(out("p/A.java")));
    }

    @Test
    void deletedSpecsAndRemovedModelsLoseTheirClasses() throws IOException {
        spec("a.rnn", A);
        spec("sub/b.rnn", B);
        generator("g").run(List.of("a.rnn", "sub/b.rnn"), false);
        spec("sub/b.rnn", B.substring(0, B.indexOf("model C")));
        CompilationResult r = generator("g").run(List.of("sub/b.rnn"), false);
        assertEquals(1, r.removed());
        assertFalse(Files.exists(out("p/A.java")));
        assertFalse(Files.exists(out("p/q/C.java")));
        assertTrue(Files.exists(out("p/q/B.java")));
        // an emptied package folder goes too
        spec("sub/b.rnn", "");
        generator("g").run(List.of(), false);
        assertFalse(Files.exists(out("p")));
    }

    @Test
    void anotherGeneratorRegeneratesEverything() throws IOException {
        spec("a.rnn", A);
        generator("g1").run(List.of("a.rnn"), false);
        assertEquals(1, generator("g2").run(List.of("a.rnn"), false).generated());
    }

    @Test
    void aLostOutputFileIsRegenerated() throws IOException {
        spec("a.rnn", A);
        generator("g").run(List.of("a.rnn"), false);
        Files.delete(out("p/A.java"));
        assertEquals(1, generator("g").run(List.of("a.rnn"), false).generated());
        assertTrue(Files.exists(out("p/A.java")));
    }

    @Test
    void errorsAreReportedOnEveryBuildUntilFixed() throws IOException {
        spec("a.rnn", A.replace("rnn 4", "rnm 4"));
        for (int build = 0; build < 2; build++) {
            errors.clear();
            CompilationResult r = generator("g").run(List.of("a.rnn"), false);
            assertEquals(2, r.errors(), errors.toString());
            assertTrue(errors.get(0).endsWith("a.rnn:2:44: error: unexpected 'rnm' after 'sequence 3 many_to_one'"),
                    errors.toString());
            assertFalse(Files.exists(out("p/A.java")));
        }
        spec("a.rnn", A);
        assertEquals(0, generator("g").run(List.of("a.rnn"), false).errors());
        assertTrue(Files.exists(out("p/A.java")));
    }

    @Test
    void twoSpecsMayNotGenerateTheSameClass() throws IOException {
        spec("a.rnn", A);
        spec("z.rnn", A.replace("rnn 4", "gru 4"));
        CompilationResult r = generator("g").run(List.of("a.rnn", "z.rnn"), false);
        assertEquals(1, r.errors());
        assertTrue(errors.get(0).contains("z.rnn:2:7: error: class p.A is also generated from"), errors.toString());
        assertTrue(Files.readString(out("p/A.java")).contains("rnn 4"));
    }

    @Test
    void warningsAreShownAndWithFailOnWarningReportedAgain() throws IOException {
        spec("w.rnn", "model W { input 4  sequence 3 many_to_one  rnn 8  dense 3 sigmoid  loss mse }\n");
        CompilationResult r = generator("g").run(List.of("w.rnn"), true);
        assertEquals(1, r.warnings());
        assertTrue(warnings.get(0).contains("w.rnn:1:68: warning: 'mse' on a sigmoid head learns slowly"), warnings.toString());
        assertTrue(Files.exists(out("W.java")), "warnings do not stop generation");
        assertEquals(1, generator("g").run(List.of("w.rnn"), true).warnings(), "not recorded as done");
        generator("g").run(List.of("w.rnn"), false);
        assertEquals(0, generator("g").run(List.of("w.rnn"), false).warnings(), "done without failOnWarning");
    }

    @Test
    void aCorruptStateFileMeansRegenerateNotFail() throws IOException {
        spec("a.rnn", A);
        Files.createDirectories(tmp.resolve("state"));
        Files.write(tmp.resolve("state/s.state"), new byte[] {(byte) 0xff, 0, 1, 2});
        assertEquals(1, generator("g").run(List.of("a.rnn"), false).generated());
    }

    /** The command line's way: no state, nothing written unless every spec passes. */
    private CompilationResult compileAll(boolean failOnWarning, boolean benchmark, String... specs) {
        return driver(CompilationOptions.builder(tmp.resolve("out")).failOnWarning(failOnWarning).benchmark(benchmark)
                .build(), "g").run(java.util.Arrays.stream(specs).map(n -> SpecFile.of(tmp.resolve("rnn").resolve(n)))
                .toList());
    }

    private static final String W = "model W { input 4  sequence 3 many_to_one  rnn 8  dense 3 sigmoid  loss mse }\n";

    @Test
    void aFailingSpecAmongSeveralWritesNothingAndLeavesEarlierOutputAlone() throws IOException {
        spec("a.rnn", A);
        spec("sub/b.rnn", B);
        assertFalse(compileAll(false, false, "a.rnn", "sub/b.rnn").failed());
        String before = Files.readString(out("p/A.java"));
        Files.setLastModifiedTime(out("p/A.java"), FileTime.fromMillis(1_000_000));

        spec("a.rnn", A.replace("rnn 4", "rnn 6"));         // would change A.java ...
        spec("sub/b.rnn", B.replace("gru 4", "gru 4 4")); // ... but b.rnn now has an error
        CompilationResult r = compileAll(false, false, "a.rnn", "sub/b.rnn");
        assertTrue(r.failed());
        assertEquals(List.of(tmp.resolve("rnn/sub/b.rnn")), r.failedSpecs());
        assertTrue(r.written().isEmpty());
        assertEquals(before, Files.readString(out("p/A.java")));
        assertEquals(FileTime.fromMillis(1_000_000), Files.getLastModifiedTime(out("p/A.java")));
        assertFalse(errors.isEmpty());
        try (var files = Files.walk(tmp.resolve("out"))) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temporary file left behind");
        }
    }

    @Test
    void aFailedFirstRunCreatesNoOutputDirectory() throws IOException {
        spec("a.rnn", A);
        spec("bad.rnn", A.replace("rnn 4", "rnm 4"));
        assertTrue(compileAll(false, false, "a.rnn", "bad.rnn").failed());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void warningsFailTheRunOnlyWithFailOnWarning() throws IOException {
        spec("w.rnn", W);
        CompilationResult strict = compileAll(true, false, "w.rnn");
        assertTrue(strict.failed());
        assertEquals(1, strict.warnings());
        assertEquals(0, strict.errors());
        assertFalse(Files.exists(out("W.java")), "a run failed on warnings writes nothing on the command line");
        assertTrue(warnings.get(0).contains("w.rnn:1:68: warning: 'mse' on a sigmoid head learns slowly"),
                warnings.toString());

        CompilationResult lenient = compileAll(false, false, "w.rnn");
        assertFalse(lenient.failed());
        assertEquals(1, lenient.warnings());
        assertTrue(Files.exists(out("W.java")));
    }

    @Test
    void benchmarkAddsAJmhClassPerModelInTheModelsPackage() throws IOException {
        spec("sub/b.rnn", B);
        CompilationResult r = compileAll(false, true, "sub/b.rnn");
        assertEquals(4, r.written().size());
        String bench = Files.readString(out("p/q/CBenchmark.java"));
        assertTrue(bench.startsWith("package p.q;"), bench);
        assertTrue(bench.contains("public class CBenchmark") && bench.contains("private C model;"), bench);
        assertTrue(Files.exists(out("p/q/BBenchmark.java")));
    }

    @Test
    void turningBenchmarkOnInABuildRegeneratesAndOffDeletesTheBenchmarks() throws IOException {
        spec("a.rnn", A);
        generator("g").run(List.of("a.rnn"), false);
        CompilationResult on = generator("g", true).run(List.of("a.rnn"), false);
        assertEquals(1, on.generated(), "an option is part of the fingerprint");
        assertEquals(List.of(out("p/ABenchmark.java")), on.written(), "A.java itself did not change");
        CompilationResult off = generator("g", false).run(List.of("a.rnn"), false);
        assertEquals(List.of(out("p/ABenchmark.java")), off.deleted());
        assertTrue(Files.exists(out("p/A.java")));
    }

    @Test
    void aClassOfTheSameNameFromTwoSpecsIsAnErrorOnTheCommandLineToo() throws IOException {
        spec("a.rnn", A);
        spec("z.rnn", A.replace("rnn 4", "gru 4"));
        CompilationResult r = compileAll(false, false, "a.rnn", "z.rnn");
        assertTrue(r.failed());
        assertEquals(1, r.errors());
        assertTrue(errors.get(0).endsWith("z.rnn:2:7: error: class p.A is also generated from " + tmp.resolve("rnn/a.rnn")),
                errors.toString());
        assertEquals("hint: give one of the models another name or package", errors.get(3), errors.toString());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void generatedFilesAreReadableByAllAndUnchangedOnesAreNotRewritten() throws IOException {
        spec("a.rnn", A);
        compileAll(false, false, "a.rnn");
        if (Files.getFileStore(out("p/A.java")).supportsFileAttributeView("posix")) {
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(out("p/A.java"))));
        }
        Files.setLastModifiedTime(out("p/A.java"), FileTime.fromMillis(1_000_000));
        CompilationResult again = compileAll(false, false, "a.rnn");
        assertEquals(1, again.generated());
        assertTrue(again.written().isEmpty());
        assertEquals(FileTime.fromMillis(1_000_000), Files.getLastModifiedTime(out("p/A.java")));
    }

    @Test
    void withoutStateNothingIsEverDeleted() throws IOException {
        spec("a.rnn", A);
        spec("sub/b.rnn", B);
        compileAll(false, false, "a.rnn", "sub/b.rnn");
        CompilationResult r = compileAll(false, false, "a.rnn");
        assertTrue(r.deleted().isEmpty());
        assertTrue(Files.exists(out("p/q/B.java")));
    }

    @Test
    void anUnreadableSpecIsALocatedErrorNotAnException() {
        CompilationResult r = compileAll(false, false, "missing.rnn");
        assertTrue(r.failed());
        assertTrue(errors.get(0).contains("missing.rnn: error: cannot read"), errors.toString());
    }

    @Test
    void theOptionsAreChecked() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        IllegalArgumentException notADirectory = assertThrows(IllegalArgumentException.class,
                () -> CompilationOptions.builder(file).build());
        assertTrue(notADirectory.getMessage().contains("exists and is not a directory"), notADirectory.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CompilationOptions.builder(tmp.resolve("out"))
                .incremental(tmp.resolve("out/state")).build());
        assertThrows(IllegalArgumentException.class, () -> CompilationOptions.builder(null).build());
    }

    @Test
    void theFingerprintCoversTheGeneratorsCodeAndEveryOption() {
        CompilationOptions plain = CompilationOptions.builder(tmp.resolve("out")).build();
        String code = GeneratorFingerprint.code();
        assertEquals(code, GeneratorFingerprint.code(), "deterministic");
        String base = GeneratorFingerprint.of(code, plain);
        assertFalse(base.equals(GeneratorFingerprint.of(code + "x", plain)));
        for (CompilationOptions other : List.of(CompilationOptions.builder(tmp.resolve("out")).benchmark(true).build(),
                CompilationOptions.builder(tmp.resolve("out")).failOnWarning(true).build(),
                CompilationOptions.builder(tmp.resolve("elsewhere")).build(),
                CompilationOptions.builder(tmp.resolve("out")).onFailure(CompilationOptions.OnFailure.WRITE_VALID_SPECS).build())) {
            assertFalse(base.equals(GeneratorFingerprint.of(code, other)), other.toString());
        }
    }
}
