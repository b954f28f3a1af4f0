package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Malformed specs and the exact text rnnc prints for each: {@code diagnostics/NN-name.rnn} next to
 * {@code NN-name.expected}. Run with {@code -Drnnc.golden.update=true} to rewrite the expected files
 * (then read every changed one before committing).
 */
class DiagnosticGoldenTest {

    private static final Path DIR = Path.of("src", "test", "resources", "diagnostics");

    static List<Path> specs() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".rnn")).sorted().toList();
        }
    }

    @Test
    void atLeastFortyMalformedSpecs() throws IOException {
        assertTrue(specs().size() >= 40, "only " + specs().size() + " golden specs");
    }

    @TestFactory
    Stream<DynamicTest> eachSpecRendersExactlyItsExpectedDiagnostics() throws IOException {
        boolean update = Boolean.getBoolean("rnnc.golden.update");
        return specs().stream().map(spec -> DynamicTest.dynamicTest(spec.getFileName().toString(), () -> {
            String text = Files.readString(spec);
            ParseResult r = Rnnc.parse(spec.getFileName().toString(), text);
            String actual = r.render();
            Path expectedFile = Path.of(spec.toString().replaceFirst("\\.rnn$", ".expected"));
            if (update) {
                Files.writeString(expectedFile, actual);
            }
            assertTrue(Files.exists(expectedFile), "missing " + expectedFile);
            assertEquals(Files.readString(expectedFile), actual, spec.toString());
            assertFalse(r.diagnostics().isEmpty(), "a golden spec must produce diagnostics");
            Specs.assertLocated(r, text);
            if (r.diagnostics().hasErrors()) {
                assertTrue(r.models().isEmpty(), "a file with errors yields no models");
            } else if (text.contains("model ")) {
                assertFalse(r.models().isEmpty(), "warnings alone keep the models");
            }
        }));
    }
}
