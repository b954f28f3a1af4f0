package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthOrderTest {

    @Test
    void rowsLongestFirstTiesInRowOrderAndPyTorchsBatchSizes() {
        LengthOrder o = new LengthOrder(8, 5);
        int[] lengths = {9, 9, 2, 5, 2, 1, 5, 3};   // rows 2..7 of this array are the chunk's rows 0..5
        o.update(lengths, 2, 6);
        assertEquals(6, o.rows());
        int[] order = new int[6];
        for (int k = 0; k < 6; k++) {
            order[k] = o.row(k);
            assertEquals(k, o.position(o.row(k)));
        }
        // lengths of rows 0..5: 2, 5, 2, 1, 5, 3
        assertArrayEquals(new int[] {1, 4, 5, 0, 2, 3}, order);
        // PyTorch's pack_padded_sequence batch_sizes for lengths [2,5,2,1,5,3]: [6, 5, 3, 2, 2]
        int[] active = new int[6];
        for (int t = 0; t < 6; t++) {
            active[t] = o.activeRows(t);
        }
        assertArrayEquals(new int[] {6, 5, 3, 2, 2, 0}, active);
        assertEquals(5, o.longest());
        // every row running at step t is among the first activeRows(t), and none after
        for (int t = 0; t < 5; t++) {
            for (int k = 0; k < 6; k++) {
                assertEquals(k < o.activeRows(t), lengths[2 + o.row(k)] > t);
            }
        }
    }

    @Test
    void aFixedLengthBatchIsTheIdentityOrder() {
        ModelInfo info = new ModelInfo("M", "many_to_many", "features", 2, 0, 4, 4, 1, List.of("gru"), List.of(3),
                "linear", "mse", "adam", 6, "float32", List.of(new TensorInfo("fc.bias", new int[] {1}, 0)), "");
        Batch b = Batch.forModel(info);
        LengthOrder o = new LengthOrder(6, 4);
        o.update(b, 0, 6);
        for (int k = 0; k < 6; k++) {
            assertEquals(k, o.row(k));
        }
        for (int t = 0; t < 4; t++) {
            assertEquals(6, o.activeRows(t));
        }
        assertEquals(4, o.longest());
        b.setLengths(1, 1, 1, 1, 4, 1);
        o.update(b, 2, 3);
        assertEquals(2, o.row(0));
        assertEquals(1, o.activeRows(1));
        assertEquals(4, o.longest());
    }

    @Test
    void badLengthsAndSizesAreRefused() {
        LengthOrder o = new LengthOrder(4, 3);
        assertThrows(IllegalArgumentException.class, () -> o.update(new int[] {1, 4}, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> o.update(new int[] {1, 0}, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> o.update(new int[] {1, 1, 1, 1, 1}, 0, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LengthOrder(0, 3));
        assertTrue(e.getMessage().contains("positive"));
    }

    @Test
    void randomLengthsMatchASortedReference() {
        java.util.Random rnd = new java.util.Random(3);
        LengthOrder o = new LengthOrder(40, 17);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rnd.nextInt(40);
            int[] len = new int[n];
            for (int r = 0; r < n; r++) {
                len[r] = 1 + rnd.nextInt(17);
            }
            o.update(len, 0, n);
            Integer[] ref = new Integer[n];
            for (int r = 0; r < n; r++) {
                ref[r] = r;
            }
            java.util.Arrays.sort(ref, (a, c) -> len[a] != len[c] ? Integer.compare(len[c], len[a]) : Integer.compare(a, c));
            for (int k = 0; k < n; k++) {
                assertEquals(ref[k], o.row(k));
            }
            for (int t = 0; t <= 17; t++) {
                int running = 0;
                for (int l : len) {
                    running += l > t ? 1 : 0;
                }
                assertEquals(running, o.activeRows(t));
            }
        }
    }

    @Test
    void orderingAndMasksAllocateNothing() {
        LengthOrder o = new LengthOrder(64, 50);
        Dropout d = new Dropout(0.2);
        int[] lengths = new int[64];
        float[] mask = new float[50 * 64 * 32];
        long[] sink = {0};
        long allocated = Allocations.leastOf(5, () -> {
            for (int i = 0; i < 100; i++) {
                for (int r = 0; r < 64; r++) {
                    lengths[r] = 1 + (r * 7 + i) % 50;
                }
                o.update(lengths, 0, 64);
                sink[0] += o.activeRows(i % 50) + o.longest();
                if (i % 10 == 0) {
                    d.fill(mask, 1, i, 0, 0, 64, 50, 32);
                    Dropout.apply(mask, 0, mask, mask.length);
                }
            }
        });
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
        assertTrue(sink[0] > 0);
    }
}
