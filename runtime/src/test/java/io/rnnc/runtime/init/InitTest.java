package io.rnnc.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.TensorInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitTest {

    private static List<TensorInfo> layout() {
        return List.of(new TensorInfo("w", new int[] {300, 100}, 0), new TensorInfo("e", new int[] {50, 200}, 30_000));
    }

    @Test
    void sameSeedSameValuesDifferentSeedDifferentValues() {
        FloatTensorStore a = new FloatTensorStore(layout());
        FloatTensorStore b = new FloatTensorStore(layout());
        FloatTensorStore c = new FloatTensorStore(layout());
        fill(a, 7);
        fill(b, 7);
        fill(c, 8);
        assertArrayEquals(a.data, b.data);
        assertNotEquals(a.data[0], c.data[0]);
    }

    @Test
    void rngSequenceIsFixedByTheCodeAlone() {
        // SplitMix64's published first outputs for seed 0; any change to the generator shows here
        Rng r = new Rng(0);
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
        assertEquals(0x06C45D188009454FL, r.nextLong());
    }

    private static void fill(FloatTensorStore s, long seed) {
        Rng rng = new Rng(seed);
        Init.uniform(s, "w", 0.1, rng);
        Init.normal(s, "e", rng);
    }

    @Test
    void uniformHasTheRightRangeMeanAndVariance() {
        DoubleTensorStore s = new DoubleTensorStore(layout());
        double bound = 1 / Math.sqrt(100);
        Init.uniform(s, "w", bound, new Rng(42));
        double[] v = s.copyOut("w");
        double mean = 0;
        double sq = 0;
        for (double x : v) {
            assertTrue(x >= -bound && x < bound, "outside the bound: " + x);
            mean += x;
            sq += x * x;
        }
        int n = v.length;
        mean /= n;
        double var = sq / n - mean * mean;
        double sigma = bound / Math.sqrt(3);
        assertEquals(0, mean, 5 * sigma / Math.sqrt(n), "mean");
        // Var of x^2 for U(-b,b) is 4b^4/45; five standard errors
        assertEquals(sigma * sigma, var, 5 * Math.sqrt(4 * Math.pow(bound, 4) / 45 / n), "variance");
    }

    @Test
    void normalHasMeanZeroAndUnitVariance() {
        DoubleTensorStore s = new DoubleTensorStore(layout());
        Init.normal(s, "e", new Rng(3));
        double[] v = s.copyOut("e");
        double mean = 0;
        double sq = 0;
        int beyond3 = 0;
        for (double x : v) {
            mean += x;
            sq += x * x;
            beyond3 += Math.abs(x) > 3 ? 1 : 0;
        }
        int n = v.length;
        mean /= n;
        double var = sq / n - mean * mean;
        assertEquals(0, mean, 5 / Math.sqrt(n));
        assertEquals(1, var, 5 * Math.sqrt(2.0 / n));
        assertTrue(beyond3 > 0 && beyond3 < 3 * 0.0027 * n, "tails: " + beyond3);
    }

    @Test
    void nextIntIsUniformAndShuffleIsAPermutation() {
        Rng r = new Rng(5);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[r.nextInt(7)]++;
        }
        for (int c : counts) {
            assertEquals(10_000, c, 500);
        }
        int[] a = new int[100];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        r.shuffle(a, a.length);
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < a.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
    }
}
