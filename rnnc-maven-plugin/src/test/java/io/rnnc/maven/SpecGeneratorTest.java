package io.rnnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's incremental generation, without Maven (the ITs in src/it run it inside Maven). */
class SpecGeneratorTest {

    @TempDir
    Path tmp;

    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    private SpecGenerator generator(String fingerprint) {
        return new SpecGenerator(tmp.resolve("rnn"), tmp.resolve("out"), tmp.resolve("state/s.state"), fingerprint,
                new SpecGenerator.Reporter() {
                    @Override
                    public void info(String line) {
                    }

                    @Override
                    public void warn(String line) {
                        warnings.add(line);
                    }

                    @Override
                    public void error(String line) {
                        errors.add(line);
                    }
                });
    }

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
        SpecGenerator.Result first = generator("g1").run(List.of("a.rnn", "sub/b.rnn"), false);
        assertEquals(2, first.generated());
        assertEquals(3, first.written().size());
        assertTrue(Files.readString(out("p/q/C.java")).contains("class C"));
        FileTime old = FileTime.fromMillis(1_000_000);
        for (String f : List.of("p/A.java", "p/q/B.java", "p/q/C.java")) {
            Files.setLastModifiedTime(out(f), old);
        }

        SpecGenerator.Result second = generator("g1").run(List.of("a.rnn", "sub/b.rnn"), false);
        assertEquals(0, second.generated());
        assertEquals(2, second.upToDate());
        assertTrue(second.written().isEmpty());

        // edit one model of b.rnn: only C.java is rewritten, B.java keeps its timestamp
        spec("sub/b.rnn", B.replace("lstm 4", "lstm 5"));
        SpecGenerator.Result third = generator("g1").run(List.of("a.rnn", "sub/b.rnn"), false);
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
        SpecGenerator.Result r = generator("g").run(List.of("sub/b.rnn"), false);
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
            SpecGenerator.Result r = generator("g").run(List.of("a.rnn"), false);
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
        SpecGenerator.Result r = generator("g").run(List.of("a.rnn", "z.rnn"), false);
        assertEquals(1, r.errors());
        assertTrue(errors.get(0).contains("z.rnn:2:7: error: class p.A is also generated from"), errors.toString());
        assertTrue(Files.readString(out("p/A.java")).contains("rnn 4"));
    }

    @Test
    void warningsAreShownAndWithFailOnWarningReportedAgain() throws IOException {
        spec("w.rnn", "model W { input 4  sequence 3 many_to_one  rnn 8  dense 3 sigmoid  loss mse }\n");
        SpecGenerator.Result r = generator("g").run(List.of("w.rnn"), true);
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
}
