package io.rnnc.runtime.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    static List<ArrayOps> arrayOps() throws ReflectiveOperationException {
        List<ArrayOps> list = new ArrayList<>();
        list.add(new ArrayOps());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            list.add((ArrayOps) Class.forName("io.rnnc.runtime.math.VectorArrayOps").getDeclaredConstructor().newInstance());
        }
        return list;
    }

    @Test
    void tanhIsWithinThreePointFiveTenMillionthsEverywhere() {
        double maxErr = 0;
        float worst = 0;
        // every 2^-19 on [-12, 12] (about 12.6 million points), plus every float near zero below
        for (int i = -12 << 19; i <= 12 << 19; i++) {
            float x = i * 0x1p-19f;
            double err = Math.abs(Activations.tanh(x) - Math.tanh(x));
            if (err > maxErr) {
                maxErr = err;
                worst = x;
            }
        }
        for (int bits = 0; bits < Float.floatToIntBits(1e-3f); bits += 97) {
            float x = Float.intBitsToFloat(bits);
            maxErr = Math.max(maxErr, Math.abs(Activations.tanh(x) - Math.tanh(x)));
            maxErr = Math.max(maxErr, Math.abs(Activations.tanh(-x) - Math.tanh(-x)));
        }
        assertTrue(maxErr <= 3.5e-7, "max |tanh error| " + maxErr + " at " + worst);
    }

    @Test
    void tanhIsOddBoundedAndHandlesSpecialValues() {
        Random rnd = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (rnd.nextGaussian() * 5);
            float y = Activations.tanh(x);
            assertEquals(-y, Activations.tanh(-x));
            assertTrue(Math.abs(y) <= 1f + 2.5e-7f, "|tanh| at most ~4 ulps above 1: " + y);
        }
        assertEquals(0f, Activations.tanh(0f));
        assertEquals(1f, Activations.tanh(Float.POSITIVE_INFINITY), 2e-7);
        assertEquals(-1f, Activations.tanh(-Float.MAX_VALUE), 2e-7);
        assertTrue(Float.isNaN(Activations.tanh(Float.NaN)));
        assertEquals(1e-30f, Activations.tanh(1e-30f), 1e-37f);
    }

    @Test
    void sigmoidIsWithinTwoTenthsOfAMillionth() {
        double maxErr = 0;
        for (int i = -40 << 16; i <= 40 << 16; i++) {
            float x = i * 0x1p-16f;
            double exact = 1 / (1 + Math.exp(-(double) x));
            maxErr = Math.max(maxErr, Math.abs(Activations.sigmoid(x) - exact));
        }
        assertTrue(maxErr <= 2e-7, "max |sigmoid error| " + maxErr);
        assertEquals(0.5f, Activations.sigmoid(0f));
    }

    @Test
    void doubleFormsAreExact() {
        for (double x = -20; x <= 20; x += 0.37) {
            assertEquals(Math.tanh(x), Activations.tanh(x));
            assertEquals(1 / (1 + Math.exp(-x)), Activations.sigmoid(x));
            assertEquals(Math.max(0, x), Activations.relu(x));
        }
    }

    @Test
    void derivativesFromOutputs() {
        float y = Activations.tanh(0.7f);
        assertEquals(1 - Math.tanh(0.7) * Math.tanh(0.7), Activations.tanhGrad(y), 1e-6);
        float s = Activations.sigmoid(-1.3f);
        double es = 1 / (1 + Math.exp(1.3));
        assertEquals(es * (1 - es), Activations.sigmoidGrad(s), 1e-6);
        assertEquals(0f, Activations.reluGrad(Activations.relu(-2f)));
        assertEquals(0f, Activations.reluGrad(0f));
        assertEquals(1f, Activations.reluGrad(Activations.relu(3f)));
        assertEquals(1.0, Activations.tanhGrad(0.0));
        assertEquals(0.25, Activations.sigmoidGrad(0.5));
        assertEquals(1.0, Activations.reluGrad(0.1));
        assertEquals(3f, Activations.relu(3f));
    }

    @Test
    void arrayFormsMatchTheScalarOnBothPaths() throws ReflectiveOperationException {
        Random rnd = new Random(9);
        for (ArrayOps ops : arrayOps()) {
            for (int n : new int[] {0, 1, 15, 16, 17, 100, 401}) {
                int off = 3;
                float[] x = new float[n + 7];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextGaussian() * 4);
                }
                float[] t = x.clone();
                float[] s = new float[n + 9];
                ops.tanh(x, off, t, off, n);
                ops.sigmoid(x, off, s, 5, n);
                for (int i = 0; i < x.length; i++) {
                    if (i >= off && i < off + n) {
                        assertEquals(Math.tanh(x[i]), t[i], 3.5e-7, ops.name() + " tanh n=" + n);
                        assertEquals(1 / (1 + Math.exp(-x[i])), s[i - off + 5], 2e-7, ops.name() + " sigmoid n=" + n);
                    } else {
                        assertEquals(x[i], t[i], "untouched outside the range");
                    }
                }
            }
        }
        // and the public entry points, in place
        float[] x = {-1f, 0f, 2f, -30f};
        Activations.tanh(x, 1, 2);
        assertEquals(-1f, x[0]);
        assertEquals(Math.tanh(2), x[2], 3.5e-7);
        assertEquals(-30f, x[3]);
        Activations.relu(x, 0, 4);
        assertEquals(0f, x[0]);
        assertEquals(0f, x[3]);
        double[] d = {-1, 1};
        Activations.sigmoid(d, 0, 2);
        assertEquals(1 / (1 + Math.exp(1)), d[0]);
    }

    @Test
    void softmaxRowsSumToOneAndLogSoftmaxIsItsLog() {
        int rows = 3;
        int cols = 5;
        int stride = 7;
        float[] x = new float[2 + rows * stride];
        double[] xd = new double[x.length];
        Random rnd = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3 + (i % 2 == 0 ? 1000 : 0)); // large values: stability
            xd[i] = x[i];
        }
        float[] sm = x.clone();
        float[] lsm = x.clone();
        Activations.softmax(sm, 2, rows, cols, stride);
        Activations.logSoftmax(lsm, 2, rows, cols, stride);
        double[] smd = xd.clone();
        double[] lsmd = xd.clone();
        Activations.softmax(smd, 2, rows, cols, stride);
        Activations.logSoftmax(lsmd, 2, rows, cols, stride);
        for (int r = 0; r < rows; r++) {
            int o = 2 + r * stride;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, xd[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(xd[o + j] - max);
            }
            double total = 0;
            for (int j = 0; j < cols; j++) {
                double exact = Math.exp(xd[o + j] - max) / sum;
                assertEquals(exact, sm[o + j], 1e-6);
                assertEquals(exact, smd[o + j], 1e-14);
                double exactLog = xd[o + j] - max - Math.log(sum);
                assertEquals(exactLog, lsmd[o + j], 1e-12);
                assertEquals(exactLog, lsm[o + j], 1e-4 * Math.max(1, Math.abs(exactLog)));
                total += sm[o + j];
            }
            assertEquals(1.0, total, 1e-6);
            assertEquals(x[o + cols], sm[o + cols], "past the row: untouched");
        }
    }

    @Test
    void vectorTailsMatchPlainInPlaceAndAcrossArrays() throws ReflectiveOperationException {
        // generated: RNN tanh from the gate buffer into h; GRU sigmoid of the r, z blocks in place
        CellsTest.agreesWithPlain("tanh", new int[] {1, 1}, 1e-6f, (ops, a, n) -> ops.tanh(a[0], 3, a[1], 1, n));
        CellsTest.agreesWithPlain("tanh in place", new int[] {1}, 1e-6f, (ops, a, n) -> ops.tanh(a[0], 3, a[0], 3, n));
        CellsTest.agreesWithPlain("sigmoid", new int[] {1, 1}, 1e-6f, (ops, a, n) -> ops.sigmoid(a[0], 3, a[1], 2, n));
        CellsTest.agreesWithPlain("sigmoid in place", new int[] {2}, 1e-6f,
                (ops, a, n) -> ops.sigmoid(a[0], 3, a[0], 3, 2 * n));
    }
}
