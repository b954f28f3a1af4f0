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
        int[] y = ints(f.get("y").values());
        double loss = Losses.crossEntropy(0, z, 0, b, o, o, y, 0, 1, null, 0, 0, 0, 0, 0) / b;
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
            sum += Losses.crossEntropy(0, z, s * o, b, o, t * o, y, s, t, grad, s * o, t * o, 1.0 / (b * t), 0, 0);
        }
        assertEquals(f.get("loss").values()[0], sum / (b * t), 1e-6);
        // the same over all positions in one call gives the same gradient
        float[] grad2 = new float[z.length];
        Losses.crossEntropy(0, z, 0, b * t, o, o, y, 0, 1, grad2, 0, o, 1.0 / (b * t), 0, 0);
        for (int i = 0; i < z.length; i++) {
            assertEquals(grad2[i], grad[i]);
        }
        double[] zd = f.get("logits").values();
        checkGradient(zd, grad,
                h -> Losses.crossEntropy(0, h, 0, b * t, o, o, y, 0, 1, null, 0, 0, 0, 0, 0) / (b * t));
    }

    @Test
    void mseMatchesPyTorchInFloatAndDouble() {
        var f = fixture("fixtures", "p02_rnn_relu_l2_m2m_mse");
        double[] zd = f.get("logits").values();
        double[] y = f.get("y").values();
        int o = f.get("logits").shape()[2];
        int rows = zd.length / o;
        float[] grad = new float[zd.length];
        double loss = Losses.mse(0, floats(zd), 0, rows, o, o, y, 0, o, grad, 0, o, 1.0 / zd.length) / zd.length;
        assertEquals(f.get("loss").values()[0], loss, 1e-6);
        checkGradient(zd, grad, h -> Losses.mse(0, h, 0, rows, o, o, y, 0, o, null, 0, 0, 0) / zd.length);

        var f64 = fixture("fixtures", "p07_lstm_l2_m2o_mse_f64");
        double[] z64 = f64.get("logits").values();
        int o64 = f64.get("logits").shape()[1];
        double[] g64 = new double[z64.length];
        double l64 = Losses.mse(0, z64, 0, z64.length / o64, o64, o64, f64.get("y").values(), 0, o64, g64, 0, o64,
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
        double loss = Losses.bceWithLogits(0, floats(zd), 0, zd.length / o, o, o, y, 0, o, grad, 0, o,
                1.0 / zd.length) / zd.length;
        assertEquals(f.get("loss").values()[0], loss, 1e-6);
        checkGradient(zd, grad, h -> Losses.bceWithLogits(0, h, 0, zd.length / o, o, o, y, 0, o, null, 0, 0, 0)
                / zd.length);

        var f64 = fixture("fixtures-ext", "e06_o2m_rnn_tanh_l2_sigmoid_bce_f64");
        double[] z64 = f64.get("logits").values();
        int[] s = f64.get("logits").shape();
        int o64 = s[s.length - 1];
        double[] g64 = new double[z64.length];
        double l64 = Losses.bceWithLogits(0, z64, 0, z64.length / o64, o64, o64, f64.get("y").values(), 0, o64,
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
        double sum = Losses.crossEntropy(0, z, 0, rows, cols, cols, y, 0, 1, g, 0, cols, 1.0 / rows, 0, 0);
        assertTrue(sum > 0);
        for (int i = 0; i < z.length; i++) {
            double[] zp = z.clone();
            double[] zm = z.clone();
            zp[i] += 1e-6;
            zm[i] -= 1e-6;
            double fd = (Losses.crossEntropy(0, zp, 0, rows, cols, cols, y, 0, 1, null, 0, 0, 0, 0, 0)
                    - Losses.crossEntropy(0, zm, 0, rows, cols, cols, y, 0, 1, null, 0, 0, 0, 0, 0)) / (2e-6 * rows);
            assertEquals(fd, g[i], 1e-8);
        }
    }

    @Test
    void crossEntropyIsStableForHugeLogitsAndRejectsBadClasses() {
        float[] z = {1000f, -1000f, 0f};
        float[] g = new float[3];
        double loss = Losses.crossEntropy(0, z, 0, 1, 3, 3, new int[] {1}, 0, 1, g, 0, 3, 1, 0, 0);
        assertEquals(2000.0, loss, 1e-3);
        assertEquals(1f, g[0], 1e-6);
        assertEquals(-1f, g[1], 1e-6);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(0, z, 0, 1, 3, 3, new int[] {3}, 0, 1, null, 0, 0, 1, 2, 5));
        // located as generated code reports it: the batch row (firstRow + r) and the step
        assertEquals("class id 3 at batch row 5, step 2 is outside 0..O-1 (O = 3)", e.getMessage());
    }

    /** The head/loss pairs generated code supports; MSE after each head activation. */
    enum Kind { CE, MSE, MSE_SIGMOID, MSE_TANH, MSE_SOFTMAX, BCE }

    /**
     * Transcription of the loss loop rnnc generated inline before it called Losses (HeadEmitter.loss()
     * up to the redesign): one fused loop over the T_OUT·n positions of time-major logits [T_OUT, n, O],
     * batch-major targets. {@code z} holds the logits widened to double (as the generated code read
     * them); {@code dl} receives each gradient before its final rounding to the logits' type.
     */
    private static double inlineLoss(Kind kind, double[] z, int[] classes, double[] y, int tOut, int n, int cols,
                                     int batchRows, double[] dl) {
        int O = cols;
        double total = 0;
        double scale = kind == Kind.CE ? 1.0 / (tOut * batchRows) : 1.0 / (tOut * batchRows * O);
        for (int t = 0; t < tOut; t++) {
            for (int b = 0; b < n; b++) {
                int o = (t * n + b) * O;
                if (kind == Kind.CE) {
                    int target = classes[b * tOut + t];
                    double max = z[o];
                    for (int j = 1; j < O; j++) {
                        max = Math.max(max, z[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < O; j++) {
                        sum += Math.exp(z[o + j] - max);
                    }
                    double lse = max + Math.log(sum);
                    total += lse - z[o + target];
                    for (int j = 0; j < O; j++) {
                        double p = Math.exp(z[o + j] - lse) - (j == target ? 1 : 0);
                        dl[o + j] = p * scale;
                    }
                    continue;
                }
                int yo = (b * tOut + t) * O;
                if (kind == Kind.MSE_SOFTMAX) {
                    double max = z[o];
                    for (int j = 1; j < O; j++) {
                        max = Math.max(max, z[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < O; j++) {
                        sum += Math.exp(z[o + j] - max);
                    }
                    double dot = 0;
                    for (int j = 0; j < O; j++) {
                        double a = Math.exp(z[o + j] - max) / sum;
                        double diff = a - y[yo + j];
                        total += diff * diff;
                        dot += 2 * diff * scale * a;
                    }
                    for (int j = 0; j < O; j++) {
                        double a = Math.exp(z[o + j] - max) / sum;
                        dl[o + j] = a * (2 * (a - y[yo + j]) * scale - dot);
                    }
                    continue;
                }
                for (int j = 0; j < O; j++) {
                    double zj = z[o + j];
                    double target = y[yo + j];
                    if (kind == Kind.BCE) {
                        total += Math.max(zj, 0) - zj * target + Math.log1p(Math.exp(-Math.abs(zj)));
                        dl[o + j] = (1 / (1 + Math.exp(-zj)) - target) * scale;
                        continue;
                    }
                    double a = switch (kind) {
                        case MSE_SIGMOID -> 1 / (1 + Math.exp(-zj));
                        case MSE_TANH -> Math.tanh(zj);
                        default -> zj;
                    };
                    double diff = a - target;
                    total += diff * diff;
                    dl[o + j] = switch (kind) {
                        case MSE_SIGMOID -> 2 * diff * scale * a * (1 - a);
                        case MSE_TANH -> 2 * diff * scale * (1 - a * a);
                        default -> 2 * diff * scale;
                    };
                }
            }
        }
        return total * scale;
    }

    /** One Losses call per output step, as generated code makes them now. */
    private static double perStep(Kind kind, float[] z, double[] zd, int[] classes, double[] y, int tOut, int n,
                                  int cols, int batchRows, float[] g, double[] gd) {
        double scale = kind == Kind.CE ? 1.0 / (tOut * batchRows) : 1.0 / (tOut * batchRows * cols);
        double total = 0;
        for (int t = 0; t < tOut; t++) {
            int off = t * n * cols;
            int yOff = t * cols;
            int yStride = tOut * cols;
            if (z != null) {
                total = switch (kind) {
                    case CE -> Losses.crossEntropy(total, z, off, n, cols, cols, classes, t, tOut, g, off, cols,
                            scale, t, 0);
                    case MSE -> Losses.mse(total, z, off, n, cols, cols, y, yOff, yStride, g, off, cols, scale);
                    case MSE_SIGMOID -> Losses.mseSigmoid(total, z, off, n, cols, cols, y, yOff, yStride, g, off,
                            cols, scale);
                    case MSE_TANH -> Losses.mseTanh(total, z, off, n, cols, cols, y, yOff, yStride, g, off, cols,
                            scale);
                    case MSE_SOFTMAX -> Losses.mseSoftmax(total, z, off, n, cols, cols, y, yOff, yStride, g, off,
                            cols, scale);
                    case BCE -> Losses.bceWithLogits(total, z, off, n, cols, cols, y, yOff, yStride, g, off, cols,
                            scale);
                };
            } else {
                total = switch (kind) {
                    case CE -> Losses.crossEntropy(total, zd, off, n, cols, cols, classes, t, tOut, gd, off, cols,
                            scale, t, 0);
                    case MSE -> Losses.mse(total, zd, off, n, cols, cols, y, yOff, yStride, gd, off, cols, scale);
                    case MSE_SIGMOID -> Losses.mseSigmoid(total, zd, off, n, cols, cols, y, yOff, yStride, gd, off,
                            cols, scale);
                    case MSE_TANH -> Losses.mseTanh(total, zd, off, n, cols, cols, y, yOff, yStride, gd, off, cols,
                            scale);
                    case MSE_SOFTMAX -> Losses.mseSoftmax(total, zd, off, n, cols, cols, y, yOff, yStride, gd, off,
                            cols, scale);
                    case BCE -> Losses.bceWithLogits(total, zd, off, n, cols, cols, y, yOff, yStride, gd, off, cols,
                            scale);
                };
            }
        }
        return total * scale;
    }

    @Test
    void everyFormIsBitIdenticalToTheFormerlyInlinedLoop() {
        Random rnd = new Random(12);
        for (Kind kind : Kind.values()) {
            for (int trial = 0; trial < 20; trial++) {
                int tOut = 1 + rnd.nextInt(4);
                int n = 1 + rnd.nextInt(5);
                int cols = 1 + rnd.nextInt(9);
                int batchRows = n + rnd.nextInt(3);
                int size = tOut * n * cols;
                float[] z = new float[size];
                double[] zd = new double[size];
                double[] zWide = new double[size];
                for (int i = 0; i < size; i++) {
                    zd[i] = rnd.nextGaussian() * (trial % 4 == 0 ? 30 : 3);
                    z[i] = (float) zd[i];
                    zWide[i] = z[i];
                }
                int[] classes = new int[n * tOut];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = rnd.nextInt(cols);
                }
                double[] y = new double[size];
                for (int i = 0; i < size; i++) {
                    y[i] = kind == Kind.BCE || kind == Kind.MSE_SIGMOID || kind == Kind.MSE_SOFTMAX
                            ? rnd.nextDouble() : rnd.nextGaussian();
                }
                String where = kind + " trial " + trial;

                double[] ref = new double[size];
                double refLoss = inlineLoss(kind, zWide, classes, y, tOut, n, cols, batchRows, ref);
                float[] g = new float[size];
                double loss = perStep(kind, z, null, classes, y, tOut, n, cols, batchRows, g, null);
                assertEquals(Double.doubleToRawLongBits(refLoss), Double.doubleToRawLongBits(loss),
                        where + " float loss");
                for (int i = 0; i < size; i++) {
                    assertEquals(Float.floatToRawIntBits((float) ref[i]), Float.floatToRawIntBits(g[i]),
                            where + " float grad " + i);
                }

                double[] refD = new double[size];
                double refLossD = inlineLoss(kind, zd, classes, y, tOut, n, cols, batchRows, refD);
                double[] gd = new double[size];
                double lossD = perStep(kind, null, zd, classes, y, tOut, n, cols, batchRows, null, gd);
                assertEquals(Double.doubleToRawLongBits(refLossD), Double.doubleToRawLongBits(lossD),
                        where + " double loss");
                for (int i = 0; i < size; i++) {
                    assertEquals(Double.doubleToRawLongBits(refD[i]), Double.doubleToRawLongBits(gd[i]),
                            where + " double grad " + i);
                }
                // without a gradient array the loss is the same and nothing is written
                assertEquals(Double.doubleToRawLongBits(loss),
                        Double.doubleToRawLongBits(perStep(kind, z, null, classes, y, tOut, n, cols, batchRows,
                                null, null)), where + " loss without gradient");
            }
        }
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
