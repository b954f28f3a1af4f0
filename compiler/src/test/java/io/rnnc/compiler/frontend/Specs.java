package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ParamSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers for the front-end tests: where the repo's specs live and common assertions. */
final class Specs {

    /** Tests run in the module directory; samples and docs sit beside it. */
    static final Path SAMPLES = Path.of("..", "samples");
    static final Path DOCS = Path.of("..", "docs");

    private Specs() {
    }

    /** Every .rnn file under samples/, sorted. */
    static List<Path> sampleFiles() {
        try (Stream<Path> s = Files.walk(SAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".rnn")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Model only(ParseResult r) {
        assertFalse(r.hasErrors(), r::render);
        assertEquals(1, r.models().size(), r::render);
        return r.models().get(0);
    }

    static void assertParam(Model m, String name, Integer... shape) {
        ParamSpec p = m.parameter(name).orElseThrow(() -> new AssertionError("no parameter " + name + " in "
                + m.parameters()));
        assertEquals(List.of(shape), p.shape(), name);
    }

    /** Every diagnostic points into the text: line within the file, column within (or just past) that line. */
    static void assertLocated(ParseResult r, String text) {
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        for (Diagnostic d : r.diagnostics().all()) {
            int line = d.pos().line();
            assertTrue(line >= 1 && line <= lines.length, () -> "line out of file: " + d);
            int length = lines[line - 1].codePointCount(0, lines[line - 1].length());
            assertTrue(d.pos().column() >= 1 && d.pos().column() <= length + 1, () -> "column out of line: " + d);
            assertTrue(d.pos().length() >= 1, () -> "empty caret: " + d);
            assertFalse(d.message().isBlank(), () -> "no message: " + d);
        }
    }
}
