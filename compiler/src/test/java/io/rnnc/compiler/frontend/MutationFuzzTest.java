package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ParamSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of every valid spec: delete, duplicate or swap tokens, insert random bytes or huge
 * numbers. Every result must be either models (with consistent sizes) or diagnostics that point into the
 * mutated text; any exception (a crash is an InternalCompilerError, not a diagnostic) fails the test with
 * the seed and the input that caused it.
 */
class MutationFuzzTest {

    private static final int MUTANTS_PER_SPEC = 1500;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*|-?[0-9][0-9.eE+-]*|\\S");
    private static final String[] HUGE = {"99999999999", "2147483648", "-2147483649", "1e309", "9".repeat(80),
            "0", "-1", "4294967296", "1e-400", "65537"};

    @Test
    void mutantsYieldModelsOrLocatedDiagnostics() {
        List<String> seeds = new ArrayList<>();
        for (Path p : Specs.sampleFiles()) {
            seeds.add(Specs.read(p));
        }
        assertFalse(seeds.isEmpty());
        Random rnd = new Random(0x5eed);
        int ran = 0;
        int valid = 0;
        for (String seed : seeds) {
            for (int i = 0; i < MUTANTS_PER_SPEC; i++) {
                String mutant = seed;
                int edits = 1 + rnd.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    mutant = mutate(mutant, rnd);
                }
                ParseResult r;
                try {
                    r = Rnnc.parse("m.rnn", mutant);
                } catch (Throwable t) {
                    // An InternalCompilerError is a front-end crash: a bug, never an acceptable answer.
                    throw new AssertionError("mutant " + ran + " threw " + t + ":\n" + mutant, t);
                }
                String input = mutant;
                if (r.hasErrors()) {
                    assertTrue(r.models().isEmpty());
                    assertTrue(r.diagnostics().errorCount() > 0);
                    Specs.assertLocated(r, mutant);
                    assertFalse(r.render().isEmpty());
                } else {
                    Specs.assertLocated(r, mutant);
                    for (Model m : r.models()) {
                        consistent(m, input);
                    }
                    valid += r.models().isEmpty() ? 0 : 1;
                }
                ran++;
            }
        }
        System.out.println("MutationFuzzTest: " + ran + " mutations ran, " + valid + " still valid models, "
                + (ran - valid) + " rejected with located diagnostics");
        assertTrue(ran >= 5000);
        assertTrue(valid > 0 && valid < ran, "mutations should both survive and break specs");
    }

    /** A model that survived must still be internally consistent. */
    private static void consistent(Model m, String input) {
        long offset = 0;
        for (ParamSpec p : m.parameters()) {
            assertTrue(p.offset() == offset, input);
            assertTrue(p.shape().stream().allMatch(d -> d >= 1), input);
            offset += p.size();
        }
        assertTrue(offset == m.parameterCount() && offset <= Limits.MAX_PARAMETERS, input);
        assertTrue(m.batch() >= 1 && m.stack().steps() >= 1 && !m.stack().layers().isEmpty(), input);
    }

    private static String mutate(String text, Random rnd) {
        List<int[]> spans = new ArrayList<>();
        Matcher mt = TOKEN.matcher(text);
        while (mt.find()) {
            spans.add(new int[] {mt.start(), mt.end()});
        }
        if (spans.isEmpty()) {
            return text + (char) rnd.nextInt(256);
        }
        int[] a = spans.get(rnd.nextInt(spans.size()));
        int[] b = spans.get(rnd.nextInt(spans.size()));
        String ta = text.substring(a[0], a[1]);
        switch (rnd.nextInt(7)) {
            case 0: // delete a token
                return text.substring(0, a[0]) + text.substring(a[1]);
            case 1: // duplicate a token
                return text.substring(0, a[1]) + " " + ta + text.substring(a[1]);
            case 2: { // swap two tokens
                int[] first = a[0] <= b[0] ? a : b;
                int[] second = first == a ? b : a;
                if (first == second || first[1] > second[0]) {
                    return text;
                }
                return text.substring(0, first[0]) + text.substring(second[0], second[1])
                        + text.substring(first[1], second[0]) + text.substring(first[0], first[1])
                        + text.substring(second[1]);
            }
            case 3: { // random bytes, as Latin-1 characters
                StringBuilder junk = new StringBuilder();
                for (int i = rnd.nextInt(4); i >= 0; i--) {
                    junk.append((char) rnd.nextInt(256));
                }
                int at = rnd.nextInt(text.length() + 1);
                return text.substring(0, at) + junk + text.substring(at);
            }
            case 4: // a huge or edge number in place of a token
                return text.substring(0, a[0]) + HUGE[rnd.nextInt(HUGE.length)] + text.substring(a[1]);
            case 5: { // shuffle a line's position
                List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
                Collections.swap(lines, rnd.nextInt(lines.size()), rnd.nextInt(lines.size()));
                return String.join("\n", lines);
            }
            default: // move a token to another place
                String without = text.substring(0, a[0]) + text.substring(a[1]);
                int at = rnd.nextInt(without.length() + 1);
                return without.substring(0, at) + " " + ta + " " + without.substring(at);
        }
    }
}
