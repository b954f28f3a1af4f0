package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.rnnc.compiler.Rnnc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated source of three shipped specs (the seed model, its LSTM twin, a seq2seq) is kept in
 * {@code src/test/resources/golden/}, so a change to the generator shows up as a diff in review. When the
 * change is intended, rewrite the files and commit them with it:
 * <pre>
 * mvn -B -o -pl compiler -am test -Dtest=GoldenSourceTest -Dsurefire.failIfNoSpecifiedTests=false -Drnnc.golden.update=true
 * </pre>
 */
class GoldenSourceTest {

    private static final Path SAMPLES = Path.of("../samples");
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("rnnc.golden.update");

    @ParameterizedTest
    @ValueSource(strings = {"mnist/mnist_rnn.rnn", "mnist/mnist_lstm.rnn", "specs/spell_to_sound.rnn"})
    void generatedSourceMatchesItsGoldenFile(String spec) throws IOException {
        var parsed = Rnnc.parse(SAMPLES.resolve(spec));
        assertFalse(parsed.hasErrors(), parsed::render);
        assertEquals(1, parsed.models().size(), spec);
        GeneratedSource src = CodeGenerator.generate(parsed.models().get(0));
        Path golden = GOLDEN.resolve(src.simpleName() + ".java.golden");
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, src.source(), StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(golden)) {
            fail("no golden file " + golden + " for " + spec + "; create it with -Drnnc.golden.update=true");
        }
        String want = Files.readString(golden, StandardCharsets.UTF_8);
        if (!want.equals(src.source())) {
            fail(firstDifference(golden, want, src.source()));
        }
    }

    /** Where the two texts first differ, with a few lines of context and how to accept the change. */
    static String firstDifference(Path golden, String want, String got) {
        List<String> a = want.lines().toList();
        List<String> b = got.lines().toList();
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        StringBuilder s = new StringBuilder("the generated source differs from " + golden + " at line " + (i + 1)
                + " (golden " + a.size() + " lines, generated " + b.size() + "):\n");
        for (int k = Math.max(0, i - 2); k < i; k++) {
            s.append("    ").append(a.get(k)).append('\n');
        }
        s.append("  - ").append(i < a.size() ? a.get(i) : "<end of file>").append('\n');
        s.append("  + ").append(i < b.size() ? b.get(i) : "<end of file>").append('\n');
        s.append("If the change is intended, rewrite the golden files with -Drnnc.golden.update=true"
                + " (see GoldenSourceTest) and commit them with the change.");
        return s.toString();
    }
}
