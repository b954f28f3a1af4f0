package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.Model;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --threads} on train and bench, and bench's memory line. */
class ThreadsAndMemoryTest {

    private static final String SEED = Cli.spec("samples/mnist/mnist_rnn.rnn");
    private static final String SMALL = Cli.spec("cli/src/test/resources/fixtures/p01_rnn_tanh_l1_m2o_ce.rnn");

    @ParameterizedTest
    @ValueSource(strings = {"bench", "train"})
    void badThreadCountsAreOneLineUserErrors(String command) {
        String dir = Cli.root().toString();   // any directory: --threads is checked before the data is read
        for (String[] bad : new String[][] {{"0", "--threads must be at least 1, got 0"},
                {"-3", "--threads must be at least 1, got -3"},
                {"two", "Invalid value for option '--threads': 'two' is not an int"}}) {
            Cli r = command.equals("bench") ? Cli.run("bench", SEED, "--threads", bad[0])
                    : Cli.run("train", SEED, "--data", dir, "--threads", bad[0]);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains(bad[1]), r.toString());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.toString());
            if (!bad[0].equals("two")) {   // picocli adds its usage hint to a parse error; ours are one line
                assertEquals(1, r.err().strip().lines().count(), r.toString());
            }
        }
    }

    @Test
    void benchReportsTheThreadsItUsedAndTheMemory() {
        Cli r = Cli.run("bench", SMALL, "--threads", "2", "--warmup", "0", "--seconds", "0.2");
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("(?m)^P01: batch (\\d+), (\\d+) threads?; ").matcher(r.out());
        assertTrue(m.find(), r.out());
        int used = Integer.parseInt(m.group(2));
        assertTrue(used == 2 || r.out().contains("note: 2 threads asked; this model runs on " + used), r.out());
        assertTrue(Pattern.compile("(?m)^memory: [0-9]+\\.[0-9] MB per instance at batch " + m.group(1)
                + " \\(BPTT minimum [0-9]+\\.[0-9] MB\\)$").matcher(r.out()).find(), r.out());
    }

    @Test
    void benchUsesOneThreadUnlessTold() {
        Cli r = Cli.run("bench", SMALL, "--warmup", "0", "--seconds", "0.1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Pattern.compile("(?m)^P01: batch \\d+, 1 thread; ").matcher(r.out()).find(), r.out());
    }

    @Test
    void bpttMinimumFollowsTheDocumentedFormula() {
        // seed RNN: 2 layers × 1 × T 28 × B 64 × H 100, plus 64 × 10 outputs; float32
        assertEquals((2L * 28 * 64 * 100 + 64 * 10) * 4, Memory.bpttMinimumBytes(model("samples/mnist/mnist_rnn.rnn")));
        // LSTM keeps h, c, i, f, g, o per unit; GRU h, r, z, n and W_hn·h + b_hn
        assertEquals((2L * 6 * 28 * 64 * 100 + 64 * 10) * 4, Memory.bpttMinimumBytes(model("samples/mnist/mnist_lstm.rnn")));
        assertEquals((2L * 5 * 28 * 64 * 100 + 64 * 10) * 4, Memory.bpttMinimumBytes(model("samples/mnist/mnist_gru.rnn")));
    }

    @Test
    void anInstanceHoldsAtLeastItsParametersGradientsAndAdamMoments() {
        Model seed = model("samples/mnist/mnist_rnn.rnn");
        Memory m = Memory.construct(seed);
        assertEquals(seed.name(), m.net().info().name());
        // float32 parameters, gradients and two Adam moments; a broken measurement (0, or the class's
        // loading counted in) shows up against this floor and the ceiling
        long floor = 4L * 4 * seed.parameterCount();
        assertTrue(m.instanceBytes() >= floor, m.instanceBytes() + " < " + floor);
        assertTrue(m.instanceBytes() < 200_000_000L, "implausible: " + m.instanceBytes());
    }

    private static Model model(String relative) {
        return Specs.model(Path.of(Cli.spec(relative)), null, new PrintWriter(new StringWriter()));
    }
}
