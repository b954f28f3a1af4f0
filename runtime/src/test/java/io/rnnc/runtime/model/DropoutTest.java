package io.rnnc.runtime.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutTest {

    static final int T = 7;
    static final int N = 12;
    static final int W = 50;

    @Test
    void keptFractionIsWithinStatisticalBoundsAndTheScaleExact() {
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            Dropout d = new Dropout(p);
            float scale = 1f / (float) (1 - p);
            assertEquals(scale, d.scale32());
            assertEquals(1 / (1 - p), d.scale64());
            int size = T * N * W;
            long kept = 0;
            long total = 0;
            float[] mask = new float[size];
            for (int step = 0; step < 20; step++) {
                d.fill(mask, 42, step, 0, 0, N, T, W);
                for (float m : mask) {
                    assertTrue(m == 0f || m == scale, "mask value " + m);
                    kept += m == 0f ? 0 : 1;
                }
                total += size;
            }
            // Binomial(total, 1-p): 6 standard deviations
            double expected = total * (1 - p);
            double sd = Math.sqrt(total * p * (1 - p));
            assertTrue(Math.abs(kept - expected) < 6 * sd, "p=" + p + ": kept " + kept + " of " + total);
        }
    }

    @Test
    void keptElementsAreIndependentOfTheirNeighbours() {
        // Adjacent units and rows must not be correlated (a weak hash would repeat patterns)
        Dropout d = new Dropout(0.5);
        double[] mask = new double[T * N * W];
        d.fill(mask, 7, 3, 1, 0, N, T, W);
        int same = 0;
        int pairs = 0;
        for (int i = 1; i < mask.length; i++) {
            same += (mask[i] == mask[i - 1]) ? 1 : 0;
            pairs++;
        }
        double sd = Math.sqrt(pairs * 0.25);
        assertTrue(Math.abs(same - pairs / 2.0) < 6 * sd, same + " of " + pairs + " neighbours equal");
    }

    @Test
    void pZeroIsTheIdentity() {
        Dropout d = new Dropout(0);
        assertTrue(d.isIdentity());
        float[] mask = new float[T * N * W];
        d.fill(mask, 1, 0, 0, 0, N, T, W);
        for (float m : mask) {
            assertEquals(1f, m);
        }
        double[] x = {1.5, -2, 3};
        double[] m64 = new double[3];
        d.fill(m64, 1, 0, 0, 0, 1, 1, 3);
        Dropout.apply(x, 0, m64, 3);
        assertArrayEquals(new double[] {1.5, -2, 3}, x);
    }

    @Test
    void applyMultipliesInPlaceFromAnOffset() {
        Dropout d = new Dropout(0.25);
        float[] mask = new float[40];
        d.fill(mask, 9, 0, 0, 0, 2, 4, 5);
        float[] x = new float[45];
        Arrays.fill(x, 2f);
        Dropout.apply(x, 5, mask, 40);
        for (int i = 0; i < 5; i++) {
            assertEquals(2f, x[i]);
        }
        for (int i = 0; i < 40; i++) {
            assertEquals(2f * mask[i], x[5 + i]);
        }
    }

    @Test
    void theSameMaskForAnyChunkSplit() {
        Dropout d = new Dropout(0.3);
        float[] whole = new float[T * N * W];
        d.fill(whole, 5, 11, 2, 0, N, T, W);
        for (int[] split : new int[][] {{4, 4, 4}, {1, 11}, {5, 7}, {12}}) {
            int row0 = 0;
            for (int n : split) {
                float[] part = new float[T * n * W];
                d.fill(part, 5, 11, 2, row0, n, T, W);
                for (int t = 0; t < T; t++) {
                    for (int r = 0; r < n; r++) {
                        for (int u = 0; u < W; u++) {
                            assertEquals(whole[(t * N + row0 + r) * W + u], part[(t * n + r) * W + u]);
                        }
                    }
                }
                row0 += n;
            }
        }
        // float64 masks drop the same elements
        double[] whole64 = new double[T * N * W];
        d.fill(whole64, 5, 11, 2, 0, N, T, W);
        for (int i = 0; i < whole.length; i++) {
            assertEquals(whole[i] == 0f, whole64[i] == 0.0);
        }
    }

    @Test
    void stepsLayersSeedsRowsAndTimesGiveDifferentMasks() {
        Dropout d = new Dropout(0.5);
        float[] base = mask(d, 1, 0, 0, 0);
        assertArrayEquals(base, mask(d, 1, 0, 0, 0), "same coordinates, same mask");
        assertDifferent(base, mask(d, 1, 1, 0, 0), "another step");
        assertDifferent(base, mask(d, 1, 0, 1, 0), "another layer");
        assertDifferent(base, mask(d, 2, 0, 0, 0), "another seed");
        // the rows shifted by one global row are a different mask, not the same rows relabelled
        assertDifferent(base, mask(d, 1, 0, 0, 1), "other rows");
        // and within one mask, different time steps of one row differ
        float[] t0 = Arrays.copyOfRange(base, 0, W);
        float[] t1 = Arrays.copyOfRange(base, N * W, N * W + W);
        assertDifferent(t0, t1, "another time step");
    }

    @Test
    void pOutsideZeroToOneIsRefused() {
        for (double p : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p));
            assertTrue(e.getMessage().contains("below 1"), e.getMessage());
        }
        Dropout d = new Dropout(0.5);
        assertThrows(IllegalArgumentException.class, () -> d.fill(new float[10], 0, 0, 0, 0, 2, 2, 3));
    }

    private static float[] mask(Dropout d, long seed, long step, int layer, int row0) {
        float[] m = new float[T * N * W];
        d.fill(m, seed, step, layer, row0, N, T, W);
        return m;
    }

    private static void assertDifferent(float[] a, float[] b, String what) {
        int differ = 0;
        for (int i = 0; i < a.length; i++) {
            differ += (a[i] == 0f) != (b[i] == 0f) ? 1 : 0;
        }
        // independent masks at p = 0.5 disagree on about half the elements
        assertTrue(differ > a.length / 4, what + ": only " + differ + " of " + a.length + " elements differ");
    }
}
