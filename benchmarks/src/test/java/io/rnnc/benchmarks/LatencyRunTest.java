package io.rnnc.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the batch-1 latency harness from rotting without measuring anything: one short iteration of every part
 * (probe, forward, step) on the seed RNN, rows that parse, a floor from the shapes' own byte count, and a streamed
 * sequence that ends where the whole-sequence forward ends. No timing is asserted.
 */
class LatencyRunTest {

    @Test
    void recurrentBytesAreTheSeedShapesPackedWeights() {
        // 2 layers x 28 steps x 100 rows x the gate width padded to whole vectors x 4 bytes
        int lanes = io.rnnc.runtime.kernel.FloatSpecies.CHOSEN.length();
        for (String cell : List.of("rnn", "gru", "lstm")) {
            int width = LatencyRun.gates(cell) * 100;
            int padded = (width + lanes - 1) / lanes * lanes;
            assertEquals(2.0 * 28 * 100 * padded * 4, LatencyRun.recurrentBytesPerSequence(cell), cell);
        }
        assertEquals(2.0 * 28 * 400 * (28 + 100), LatencyRun.inputProjectionFlops("lstm"));
    }

    @Test
    void oneShortIterationOfEveryPart() {
        List<String> rows = new java.util.ArrayList<>();
        for (String part : List.of("read", "recurrent", "model")) {
            rows.addAll(run("--cells", "rnn", "--only", part, "--read-gbps", "90", "--projection-gflops", "100",
                    "--warmup-seconds", "0", "--window-seconds", "0.001", "--windows", "1"));
        }
        assertTrue(rows.get(0).contains("\"part\": \"machine\""), rows.get(0));
        String forward = rows.stream().filter(r -> r.contains("\"part\": \"forward\"")).findFirst().orElseThrow();
        assertTrue(LatencyRun.field(forward, "us") > 0, forward);
        assertEquals(2.51, LatencyRun.field(forward, "w_hh_mb_per_sequence"), 0.01, forward);
        assertTrue(LatencyRun.field(forward, "floor_us") > LatencyRun.field(forward, "recurrent_floor_us"), forward);
        String step = rows.stream().filter(r -> r.contains("\"part\": \"step\"")).findFirst().orElseThrow();
        assertTrue(LatencyRun.field(step, "us_per_sequence") > 0, step);
        assertTrue(LatencyRun.field(step, "max_diff_vs_forward") < 1e-6, step);
        String read = rows.stream().filter(r -> r.contains("\"what\": \"read\"")).findFirst().orElseThrow();
        assertTrue(LatencyRun.field(read, "gb_per_s") > 0, read);
        String product = rows.stream().filter(r -> r.contains("recurrent product")).findFirst().orElseThrow();
        assertTrue(LatencyRun.field(product, "us") > 0, product);
    }

    private static List<String> run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        try (PrintStream p = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(p);
            LatencyRun.main(args);
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
