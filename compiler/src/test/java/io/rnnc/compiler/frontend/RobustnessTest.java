package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.InternalCompilerError;
import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.diag.Diagnostics;
import io.rnnc.compiler.diag.Severity;
import io.rnnc.compiler.model.SourcePos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile input never throws and never prints; the API and the renderer behave as documented. */
class RobustnessTest {

    private static final String XOR = "model Xor { input 2  sequence 1 one_to_one  rnn 8  dense 1 sigmoid  loss bce"
            + "  optimizer sgd lr=0.5 }\n";

    @TempDir
    Path dir;

    @Test
    void missingFileIsADiagnostic() {
        ParseResult r = Rnnc.parse(dir.resolve("nope.rnn"));
        assertTrue(r.hasErrors());
        assertTrue(r.models().isEmpty());
        String name = dir.resolve("nope.rnn").toString();
        assertEquals(name + ": error: cannot read '" + name + "': no such file\nhint: check the path\n", r.render());
    }

    @Test
    void directoryIsADiagnostic() {
        ParseResult r = Rnnc.parse(dir);
        assertTrue(r.hasErrors());
        assertTrue(r.render().contains("is a directory"), r.render());
    }

    @Test
    void fileIsReadAsUtf8AndNamedAsGiven() throws IOException {
        Path f = dir.resolve("xor.rnn");
        Files.writeString(f, "# \u00e9t\u00e9\n" + XOR, StandardCharsets.UTF_8);
        ParseResult r = Rnnc.parse(f);
        assertFalse(r.hasErrors(), r.render());
        assertEquals(f.toString(), r.models().get(0).pos().file());
        assertEquals(2, r.models().get(0).pos().line());
    }

    @Test
    void binaryJunkIsLocatedDiagnosticsNotAnException() throws IOException {
        Random rnd = new Random(7);
        byte[] junk = new byte[100_000];
        rnd.nextBytes(junk);
        Path f = dir.resolve("junk.rnn");
        Files.write(f, junk);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ParseResult r;
        try {
            r = Rnnc.parse(f);
        } finally {
            System.setErr(err);
        }
        assertTrue(r.hasErrors());
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "nothing may reach the console");
        assertTrue(r.diagnostics().all().size() <= Reporter.MAX_DIAGNOSTICS + 1);
        assertTrue(r.diagnostics().all().get(r.diagnostics().all().size() - 1).message().startsWith("too many"));
        String rendered = r.render();
        assertTrue(rendered.lines().allMatch(l -> l.length() < 400), "long lines are cut");
        assertTrue(rendered.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\t'), "no control characters");
    }

    @Test
    void emptyAndBlankFilesWarn() {
        for (String text : new String[] {"", "\n\n   \n", "# only a comment\n"}) {
            ParseResult r = Rnnc.parse("e.rnn", text);
            assertFalse(r.hasErrors(), text);
            assertEquals(1, r.diagnostics().warningCount(), text);
            assertTrue(r.models().isEmpty());
        }
    }

    @Test
    void tenMegabytesOfNestingIsRefusedPolitely() {
        String deep = "model A {\n" + "encoder {".repeat(1_000_000);
        assertTrue(deep.length() > 9_000_000);
        ParseResult r = Rnnc.parse("deep.rnn", deep);
        assertTrue(r.hasErrors());
        assertEquals(1, r.diagnostics().errorCount());
        assertTrue(r.render().startsWith("deep.rnn:1:1: error: file is too large for a spec"), r.render());
    }

    @Test
    void deepNestingUnderTheSizeCapParsesWithoutRecursion() {
        // The grammar nests blocks one level only, so the parser never recurses with the input.
        for (String unit : new String[] {"{", "encoder {", "model A {", "}"}) {
            int n = (Limits.MAX_SOURCE_CHARS - 20) / unit.length();
            String text = "model A {\n" + unit.repeat(n);
            ParseResult r = Rnnc.parse("deep.rnn", text);
            assertTrue(r.hasErrors(), unit);
            Specs.assertLocated(r, text);
        }
    }

    @Test
    void hugeNumbersAreRangeErrors() {
        for (String n : new String[] {"99999999999", "9".repeat(5000), "-9223372036854775809", "1e308", "1.5"}) {
            String text = XOR.replace("rnn 8", "rnn " + n);
            ParseResult r = Rnnc.parse("n.rnn", text);
            assertEquals(1, r.diagnostics().errorCount(), r::render);
            assertTrue(r.diagnostics().all().get(0).message().startsWith("layer width"), r::render);
            Specs.assertLocated(r, text);
        }
        ParseResult r = Rnnc.parse("n.rnn", XOR.replace("lr=0.5", "lr=1" + "0".repeat(400)));
        assertEquals(1, r.diagnostics().errorCount(), r::render);
        r = Rnnc.parse("n.rnn", XOR.replace("lr=0.5", "lr=1e99999999999"));
        assertEquals(1, r.diagnostics().errorCount(), r::render);
    }

    @Test
    void stackOverflowInTheJvmIsAnInternalErrorNotADiagnostic() throws InterruptedException {
        // A thread with a tiny stack: if parsing overflows it, that is the machine's limit, not the spec's
        // fault, so it must not come back as a diagnostic about the spec.
        ParseResult[] out = new ParseResult[1];
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                out[0] = Rnnc.parse("s.rnn", XOR);
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "small-stack", 16 * 1024);
        t.start();
        t.join();
        if (thrown[0] == null) {
            assertEquals(1, out[0].models().size(), out[0].render());
        } else {
            InternalCompilerError e = assertInstanceOf(InternalCompilerError.class, thrown[0], thrown[0]::toString);
            assertInstanceOf(StackOverflowError.class, e.getCause());
        }
    }

    @Test
    void crLfAndLoneCrCountLinesLikeLf() {
        String bad = XOR.replace("rnn 8", "\nrnn 8 tahn");
        for (String eol : new String[] {"\n", "\r\n", "\r"}) {
            ParseResult r = Rnnc.parse("eol.rnn", bad.replace("\n", eol));
            assertEquals(1, r.diagnostics().errorCount(), r::render);
            SourcePos p = r.diagnostics().all().get(0).pos();
            assertEquals(2, p.line(), eol);
            assertEquals(7, p.column(), eol);
        }
    }

    @Test
    void severalModelsPackageAndWarningsKeepModels() {
        String text = "package a.b\nmodel A { input 3 sequence 5 many_to_many gru 4 dense 2 linear loss mse }\n"
                + "model B { input 3 sequence 5 many_to_one lstm 4 dense 2 softmax loss mse }\n";
        ParseResult r = Rnnc.parse("two.rnn", text);
        assertFalse(r.hasErrors(), r::render);
        assertEquals(1, r.diagnostics().warningCount());
        assertEquals(List.of("a.b.A", "a.b.B"), r.models().stream().map(m -> m.qualifiedName()).toList());
        assertEquals("adam", r.models().get(0).optimizer().kind().name().toLowerCase());
    }

    @Test
    void diagnosticsCountAndRenderRelatedNotesAndLongLines() {
        String line = "x".repeat(300) + " bad";
        SourcePos at = new SourcePos("f.rnn", 2, 302, 3);
        Diagnostic e = new Diagnostic(Severity.ERROR, at, "boom", "fix it",
                List.of(new Diagnostic.Related(new SourcePos("f.rnn", 1, 1, 2), "first here")));
        Diagnostic w = new Diagnostic(Severity.WARNING, new SourcePos("f.rnn", 1, 2, 1), "meh", "", List.of());
        Diagnostics d = Diagnostics.of(List.of(e, w), Map.of("f.rnn", "ab\n" + line + "\n"));
        assertEquals(1, d.errorCount());
        assertEquals(1, d.warningCount());
        assertTrue(d.hasErrors());
        assertEquals("1 error, 1 warning", d.summary());
        String out = d.render();
        List<String> lines = out.lines().toList();
        assertEquals("f.rnn:2:302: error: boom", lines.get(0));
        int caret = lines.get(2).indexOf('^');
        assertEquals("bad", lines.get(1).substring(caret, caret + 3), out);
        assertEquals("^~~", lines.get(2).substring(caret));
        assertTrue(lines.get(1).startsWith("...") && lines.get(1).length() < 130, out);
        assertEquals("hint: fix it", lines.get(3));
        assertEquals("f.rnn:1:1: note: first here", lines.get(4));
        assertEquals("ab", lines.get(5));
        assertEquals("^~", lines.get(6));
        assertEquals("f.rnn:1:2: warning: meh", lines.get(7));
        assertEquals(10, lines.size());
        assertEquals("no problems", Diagnostics.empty().summary());
    }
}
