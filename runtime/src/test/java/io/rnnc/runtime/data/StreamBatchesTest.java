package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.data.StreamBatches.Start;
import io.rnnc.runtime.data.StreamBatches.Tail;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamBatchesTest {


    static ModelInfo tokenModel(int steps, int batch) {
        return new ModelInfo("S", "many_to_many", "tokens_embed", 0, 100, steps, steps, 100, List.of("lstm"), List.of(8),
                "softmax", "cross_entropy", "adam", batch, "float32", List.of(new TensorInfo("fc.bias", new int[] {100}, 0)), "");
    }

    static ModelInfo featureModel(int features, int outputs, int steps, int batch) {
        return new ModelInfo("F", "many_to_many", "features", features, 0, steps, steps, outputs, List.of("gru"), List.of(6),
                "linear", "mse", "adam", batch, "float32", List.of(new TensorInfo("fc.bias", new int[] {outputs}, 0)), "");
    }

    static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Test
    void nextTokenRowsAreConsecutiveChunksOfTheStream() {
        // N = 23 tokens, B = 3 rows: L = floor(22 / 3) = 7; T = 4: one full chunk and a kept chunk of 3
        StreamBatches s = StreamBatches.nextTokens(range(23), 3, 4, Tail.KEEP);
        assertEquals(7, s.rowLength());
        assertEquals(2, s.chunks());
        assertEquals(4, s.chunkSteps(0));
        assertEquals(3, s.chunkSteps(1));
        Batch b = Batch.forModel(tokenModel(4, 5));
        assertEquals(Start.RESET_STATE, s.fill(0, b));
        assertEquals(3, b.size());
        assertFalse(b.hasLengths());
        for (int r = 0; r < 3; r++) {
            for (int t = 0; t < 4; t++) {
                assertEquals(7 * r + t, b.tokens[r * 4 + t]);
                assertEquals(7 * r + t + 1, b.classes[r * 4 + t], "the target is the next token");
            }
        }
        assertEquals(Start.CARRY_STATE, s.fill(1, b));
        assertTrue(b.hasLengths());
        for (int r = 0; r < 3; r++) {
            assertEquals(3, b.length(r));
            for (int t = 0; t < 3; t++) {
                assertEquals(7 * r + 4 + t, b.tokens[r * 4 + t], "row " + r + " continues itself");
                assertEquals(7 * r + 5 + t, b.classes[r * 4 + t]);
            }
            assertEquals(0, b.tokens[r * 4 + 3], "padding is zero");
        }
        assertEquals(9, b.validPositions(0, 3));
        // the next epoch starts over: reset signal, full chunk, lengths cleared on the reused batch
        assertEquals(Start.RESET_STATE, s.fill(0, b));
        assertFalse(b.hasLengths());
        assertEquals(7, b.tokens[4]);

        StreamBatches dropped = StreamBatches.nextTokens(range(23), 3, 4, Tail.DROP);
        assertEquals(1, dropped.chunks());
        assertThrows(IndexOutOfBoundsException.class, () -> dropped.fill(1, b));
    }

    @Test
    void explicitTargetsUseEveryPosition() {
        // aligned targets: L = floor(N / B), no position is kept back for a next-token target
        int[] ids = range(24);
        int[] classes = new int[24];
        for (int i = 0; i < 24; i++) {
            classes[i] = 99 - i;
        }
        StreamBatches s = StreamBatches.tokens(ids, classes, 3, 4, Tail.DROP);
        assertEquals(8, s.rowLength());
        assertEquals(2, s.chunks());
        Batch b = Batch.forModel(tokenModel(4, 3));
        s.fill(1, b);
        assertEquals(12, b.tokens[4]);
        assertEquals(99 - 12, b.classes[4]);
        assertEquals(23, b.tokens[11]);
    }

    @Test
    void tokenChunksMatchTheStatefulFixtureLayout() {
        // w07: x and y are [B, 3·T]; chunk j is steps [j·T, (j+1)·T) of each row. A stream made of the rows
        // one after the other must give exactly those chunks.
        SafeTensors.Contents f = SafeTensors.read(io.rnnc.runtime.PyTorchFixtures.set("fixtures-w2").resolve("w07_tbptt_lstm_l2_m2m_ce/tensors.safetensors"));
        double[] x = f.get("x").values();
        double[] y = f.get("y").values();
        int rows = f.get("x").shape()[0];
        int total = f.get("x").shape()[1];
        int steps = 4;
        int[] ids = new int[x.length];
        int[] classes = new int[y.length];
        for (int i = 0; i < x.length; i++) {
            ids[i] = (int) x[i];
            classes[i] = (int) y[i];
        }
        StreamBatches s = StreamBatches.tokens(ids, classes, rows, steps, Tail.DROP);
        assertEquals(3, s.chunks());
        Batch b = Batch.forModel(tokenModel(steps, rows));
        for (int j = 0; j < 3; j++) {
            assertEquals(j == 0 ? Start.RESET_STATE : Start.CARRY_STATE, s.fill(j, b));
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < steps; t++) {
                    assertEquals((int) x[r * total + j * steps + t], b.tokens[r * steps + t]);
                    assertEquals((int) y[r * total + j * steps + t], b.classes[r * steps + t]);
                }
            }
        }
    }

    @Test
    void featureChunksMatchTheStatefulFixtureLayout() {
        // w08: x [B, 3·T, I], y [B, 3·T, O]
        SafeTensors.Contents f = SafeTensors.read(io.rnnc.runtime.PyTorchFixtures.set("fixtures-w2").resolve("w08_tbptt_gru_l1_m2m_mse/tensors.safetensors"));
        int[] xs = f.get("x").shape();
        int[] ys = f.get("y").shape();
        int rows = xs[0];
        int total = xs[1];
        int in = xs[2];
        int out = ys[2];
        int steps = 5;
        double[] x = f.get("x").values();
        double[] y = f.get("y").values();
        StreamBatches s = StreamBatches.features(x, in, y, out, rows, steps, Tail.DROP);
        assertEquals(3, s.chunks());
        Batch b = Batch.forModel(featureModel(in, out, steps, rows));
        for (int j = 0; j < 3; j++) {
            s.fill(j, b);
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < steps; t++) {
                    for (int i = 0; i < in; i++) {
                        assertEquals(x[(r * total + j * steps + t) * in + i], b.features[(r * steps + t) * in + i]);
                    }
                    for (int o = 0; o < out; o++) {
                        assertEquals(y[(r * total + j * steps + t) * out + o], b.targets[(r * steps + t) * out + o]);
                    }
                }
            }
        }
    }

    @Test
    void aKeptShortFeatureChunkIsPaddedWithZeros() {
        double[] x = new double[2 * 7 * 2];
        double[] y = new double[2 * 7];
        java.util.Arrays.fill(x, 1.0);
        java.util.Arrays.fill(y, 2.0);
        StreamBatches s = StreamBatches.features(x, 2, y, 1, 2, 5, Tail.KEEP);
        Batch b = Batch.forModel(featureModel(2, 1, 5, 2));
        java.util.Arrays.fill(b.features, 9.0);
        java.util.Arrays.fill(b.targets, 9.0);
        s.fill(1, b);
        assertEquals(2, b.length(0));
        assertEquals(1.0, b.features[3]);
        assertEquals(0.0, b.features[4]);
        assertEquals(2.0, b.targets[1]);
        assertEquals(0.0, b.targets[2]);
        assertEquals(0.0, b.features[19]);
    }

    @Test
    void aStreamTooShortSaysTheMinimumAndWhatToLower() {
        RnncIoException e = assertThrows(RnncIoException.class, () -> StreamBatches.nextTokens(range(30), 8, 5, Tail.DROP));
        assertEquals("a stream of 30 tokens is too short for 8 rows of 5 steps: it needs at least 41 (each row's inputs and the "
                + "token after the last one); lower the batch to at most 5 rows or lower the sequence to at most 3 steps, "
                + "or keep the short last chunk (Tail.KEEP)", e.getMessage());
        RnncIoException keep = assertThrows(RnncIoException.class, () -> StreamBatches.nextTokens(range(5), 8, 5, Tail.KEEP));
        assertTrue(keep.getMessage().contains("needs at least 9") && keep.getMessage().contains("at most 4 rows"), keep.getMessage());
        RnncIoException one = assertThrows(RnncIoException.class, () -> StreamBatches.nextTokens(range(1), 1, 5, Tail.KEEP));
        assertTrue(one.getMessage().contains("needs at least 2"), one.getMessage());
        // one full chunk per row is enough
        assertEquals(1, StreamBatches.nextTokens(range(41), 8, 5, Tail.DROP).chunks());
    }

    @Test
    void mismatchedDataAndBatchesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamBatches.tokens(range(10), range(9), 2, 2, Tail.DROP));
        assertThrows(IllegalArgumentException.class, () -> StreamBatches.features(new double[7], 2, new int[3], 1, 2, Tail.DROP));
        StreamBatches s = StreamBatches.nextTokens(range(100), 4, 5, Tail.DROP);
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> s.fill(0, Batch.forModel(tokenModel(6, 4))));
        assertTrue(steps.getMessage().contains("5 steps"), steps.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () -> s.fill(0, Batch.forModel(tokenModel(5, 3))));
        assertTrue(rows.getMessage().contains("3 rows"), rows.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> s.fill(0, Batch.forModel(featureModel(1, 1, 5, 4))));
        assertTrue(kind.getMessage().contains("token"), kind.getMessage());
    }

    @Test
    void fillAllocatesNothing() {
        StreamBatches s = StreamBatches.nextTokens(range(10_000), 32, 50, Tail.KEEP);
        Batch b = Batch.forModel(tokenModel(50, 32));
        long allocated = Allocations.leastOf(5, () -> {
            for (int j = 0; j < s.chunks(); j++) {
                s.fill(j, b);
            }
        });
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in an epoch of " + s.chunks() + " batches");
    }
}
