package io.rnnc.runtime.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.PyTorchFixtures;
import io.rnnc.runtime.io.SafeTensors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Losses against PyTorch's stored losses, and gradients against finite differences. */
class LossesTest {

    private static SafeTensors.Contents fixture(String set, String name) {
        return SafeTensors.read(PyTorchFixtures.set(set).resolve(name).resolve("tensors.safetensors"));
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static int[] ints(double[] v) {
        int[] a = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = (int) v[i];
        }
        return a;
    }

    @Test
    void crossEntropyManyToOneMatchesPyTorch() {
        var f = fixture("fixtures", "p01_rnn_tanh_l1_m2o_ce");
        int[] shape = f.get("logits").shape();
        int b = shape[0];
        int o = shape[1];
        float[] z = floats(f.get("logits").values());
        double loss = Losses.crossEntropy(z, 0, b, o, o, ints(f.get("y").values()), 0, 1, null, 0, 0, 0) / b;
        assertEquals(f.get("loss").values()[0], loss, 1e-6);
    }

    @Test
    void crossEntropyManyToManyOneTimeStepPerCall() {
        // [B, T, O] logits and [B, T] classes, covered step by step with strides, as generated code does
        var f = fixture("fixtures", "p04_lstm_l2_m2m_ce");
        int[] shape = f.get("logits").shape();
        int b = shape[0];
        int t = shape[1];
        int o = shape[2];
        float[] z = floats(f.get("logits").values());
        int[] y = ints(f.get("y").values());
        float[] grad = new float[z.length];
        double sum = 0;
        for (int s = 0; s < t; s++) {
            sum += Losses.crossEntropy(z, s * o, b, o, t * o, y, s, t, grad, s * o, t * o, 1.0 / (b * t));
        }
        assertEquals(f.get("loss").values()[0], sum / (b * t), 1e-6);
        // the same over all positions in one call gives the same gradient
        float[] grad2 = new float[z.length];
        Losses.crossEntropy(z, 0, b * t, o, o, y, 0, 1, grad2, 0, o, 1.0 / (b * t));
        for (int i = 0; i < z.length; i++) {
            assertEquals(grad2[i], grad[i]);
        }
        double[] zd = f.get("logits").values();
        checkGradient(zd, grad, h -> Losses.crossEntropy(h, 0, b * t, o, o, y, 0, 1, null, 0, 0, 0) / (b * t));
    }

    @Test
    void mseMatchesPyTorchInFloatAndDouble() {
        var f = fixture("fixtures", "p02_rnn_relu_l2_m2m_mse");
        double[] zd = f.get("logits").values();
        double[] y = f.get("y").values();
        int o = f.get("logits").shape()[2];
        int rows = zd.length / o;
        float[] grad = new float[zd.length];
        double loss = Losses.mse(floats(zd), 0, rows, o, o, y, 0, o, grad, 0, o, 1.0 / zd.length) / zd.length;
        assertEquals(f.get("loss").values()[0], loss, 1e-6);
        checkGradient(zd, grad, h -> Losses.mse(h, 0, rows, o, o, y, 0, o, null, 0, 0, 0) / zd.length);

        var f64 = fixture("fixtures", "p07_lstm_l2_m2o_mse_f64");
        double[] z64 = f64.get("logits").values();
        int o64 = f64.get("logits").shape()[1];
        double[] g64 = new double[z64.length];
        double l64 = Losses.mse(z64, 0, z64.length / o64, o64, o64, f64.get("y").values(), 0, o64, g64, 0, o64,
                1.0 / z64.length) / z64.length;
        assertEquals(f64.get("loss").values()[0], l64, 1e-12);
    }

    @Test
    void bceWithLogitsMatchesPyTorchInFloatAndDouble() {
        var f = fixture("fixtures-ext", "e08_o2o_rnn_tanh_sgd_mom_bce");
        double[] zd = f.get("logits").values();
        double[] y = f.get("y").values();
        int o = f.get("logits").shape()[1];
        float[] grad = new float[zd.length];
        double loss = Losses.bceWithLogits(floats(zd), 0, zd.length / o, o, o, y, 0, o, grad, 0, o,
                1.0 / zd.length) / zd.length;
        assertEquals(f.get("loss").values()[0], loss, 1e-6);
        checkGradient(zd, grad, h -> Losses.bceWithLogits(h, 0, zd.length / o, o, o, y, 0, o, null, 0, 0, 0)
                / zd.length);

        var f64 = fixture("fixtures-ext", "e06_o2m_rnn_tanh_l2_sigmoid_bce_f64");
        double[] z64 = f64.get("logits").values();
        int[] s = f64.get("logits").shape();
        int o64 = s[s.length - 1];
        double[] g64 = new double[z64.length];
        double l64 = Losses.bceWithLogits(z64, 0, z64.length / o64, o64, o64, f64.get("y").values(), 0, o64,
                g64, 0, o64, 1.0 / z64.length) / z64.length;
        assertEquals(f64.get("loss").values()[0], l64, 1e-12);
    }

    @Test
    void doubleCrossEntropyGradientMatchesFiniteDifferences() {
        Random rnd = new Random(3);
        int rows = 4;
        int cols = 6;
        double[] z = new double[rows * cols];
        for (int i = 0; i < z.length; i++) {
            z[i] = rnd.nextGaussian() * 2;
        }
        int[] y = {0, 5, 2, 2};
        double[] g = new double[z.length];
        double sum = Losses.crossEntropy(z, 0, rows, cols, cols, y, 0, 1, g, 0, cols, 1.0 / rows);
        assertTrue(sum > 0);
        for (int i = 0; i < z.length; i++) {
            double[] zp = z.clone();
            double[] zm = z.clone();
            zp[i] += 1e-6;
            zm[i] -= 1e-6;
            double fd = (Losses.crossEntropy(zp, 0, rows, cols, cols, y, 0, 1, null, 0, 0, 0)
                    - Losses.crossEntropy(zm, 0, rows, cols, cols, y, 0, 1, null, 0, 0, 0)) / (2e-6 * rows);
            assertEquals(fd, g[i], 1e-8);
        }
    }

    @Test
    void crossEntropyIsStableForHugeLogitsAndRejectsBadClasses() {
        float[] z = {1000f, -1000f, 0f};
        float[] g = new float[3];
        double loss = Losses.crossEntropy(z, 0, 1, 3, 3, new int[] {1}, 0, 1, g, 0, 3, 1);
        assertEquals(2000.0, loss, 1e-3);
        assertEquals(1f, g[0], 1e-6);
        assertEquals(-1f, g[1], 1e-6);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(z, 0, 1, 3, 3, new int[] {3}, 0, 1, null, 0, 0, 1));
        assertTrue(e.getMessage().contains("class id 3"), e.getMessage());
    }

    interface Loss {
        double at(double[] z);
    }

    /** Central differences of the mean loss in double against the float gradient. */
    private static void checkGradient(double[] z, float[] grad, Loss loss) {
        for (int i = 0; i < z.length; i++) {
            double[] zp = z.clone();
            double[] zm = z.clone();
            zp[i] += 1e-5;
            zm[i] -= 1e-5;
            double fd = (loss.at(zp) - loss.at(zm)) / 2e-5;
            assertEquals(fd, grad[i], 1e-6 + 1e-4 * Math.abs(fd), "d loss / d z[" + i + "]");
        }
    }
}
