package io.rnnc.runtime.math;

/**
 * Non-linearities: scalar forms small enough for the JIT to inline into generated loops (and
 * branch-free, so C2 auto-vectorises those loops), array forms that run on the Vector API when it is
 * active, derivatives, and row-wise softmax / log-softmax.
 *
 * <p><b>float</b> {@link #tanh(float)} is a rational minimax approximation
 * {@code x·P(x²)/Q(x²)} (P of degree 6, Q of degree 3 in x², fitted for rnnc on [0, 9], input clamped
 * to ±9). Its maximum absolute error against the exact tanh is 3.3e-7 (about five float ulps of
 * 1, near |x| = 7, where the result rounds in the last places; the fit itself is within 6e-9 and
 * the rest is float rounding), checked below 3.5e-7 by a dense sweep in the tests; the result may
 * exceed ±1 by at most 2.4e-7. {@link #sigmoid(float)} is {@code 0.5 + 0.5·tanh(x/2)}, so its
 * absolute error is below 2e-7. Cost: about half a nanosecond against ~33 ns for
 * {@code (float) Math.tanh} on JDK 17. NaN stays NaN.
 *
 * <p><b>double</b> forms are exact ({@link Math#tanh}, {@link Math#exp}): float64 models exist for
 * gradient checks, where an approximation would show as error.
 *
 * <p>Derivatives take the function's <em>output</em> y, which backpropagation has at hand:
 * tanh' = 1 − y², sigmoid' = y(1 − y), relu' = (y > 0 ? 1 : 0).
 */
public final class Activations {

    /** Inputs beyond ±CLAMP give ±r(CLAMP), within 3e-8 of ±1: exact tanh(9) = 1 − 3.0e-8. */
    static final float CLAMP = 9f;
    static final float P0 = 0.99999994f;
    static final float P1 = 0.13079159f;
    static final float P2 = 3.0986487e-3f;
    static final float P3 = 1.1101763e-5f;
    static final float P4 = -2.0029308e-8f;
    static final float P5 = 5.1925693e-11f;
    static final float P6 = -8.290992e-14f;
    static final float Q1 = 0.4641248f;
    static final float Q2 = 2.4473740e-2f;
    static final float Q3 = 2.5385930e-4f;

    private static final ArrayOps OPS = ArrayOps.create();

    private Activations() {
    }

    // ---- scalar float (fast)

    public static float tanh(float x) {
        float c = Math.max(-CLAMP, Math.min(CLAMP, x));
        float t = c * c;
        float p = ((((((P6 * t + P5) * t + P4) * t + P3) * t + P2) * t + P1) * t + P0) * c;
        float q = ((Q3 * t + Q2) * t + Q1) * t + 1f;
        return p / q;
    }

    public static float sigmoid(float x) {
        return 0.5f + 0.5f * tanh(0.5f * x);
    }

    public static float relu(float x) {
        return Math.max(x, 0f);
    }

    /** d tanh / dx from the output y = tanh(x). */
    public static float tanhGrad(float y) {
        return 1f - y * y;
    }

    /** d sigmoid / dx from the output y = sigmoid(x). */
    public static float sigmoidGrad(float y) {
        return y * (1f - y);
    }

    /** d relu / dx from the output y = relu(x) (0 at x = 0, as PyTorch). */
    public static float reluGrad(float y) {
        return y > 0f ? 1f : 0f;
    }

    // ---- scalar double (exact)

    public static double tanh(double x) {
        return Math.tanh(x);
    }

    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    public static double relu(double x) {
        return Math.max(x, 0.0);
    }

    public static double tanhGrad(double y) {
        return 1.0 - y * y;
    }

    public static double sigmoidGrad(double y) {
        return y * (1.0 - y);
    }

    public static double reluGrad(double y) {
        return y > 0.0 ? 1.0 : 0.0;
    }

    // ---- arrays, in place and source-to-destination (Vector API when active)

    /** {@code x[off..off+n) = tanh(x[off..off+n))}. */
    public static void tanh(float[] x, int off, int n) {
        OPS.tanh(x, off, x, off, n);
    }

    public static void tanh(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        OPS.tanh(src, srcOff, dst, dstOff, n);
    }

    public static void sigmoid(float[] x, int off, int n) {
        OPS.sigmoid(x, off, x, off, n);
    }

    public static void sigmoid(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        OPS.sigmoid(src, srcOff, dst, dstOff, n);
    }

    public static void relu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = Math.max(x[i], 0f);
        }
    }

    public static void tanh(double[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = Math.tanh(x[i]);
        }
    }

    public static void sigmoid(double[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = sigmoid(x[i]);
        }
    }

    public static void relu(double[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = Math.max(x[i], 0.0);
        }
    }

    /** Which array path is active: {@code "vector (512-bit)"} or {@code "plain"}. */
    public static String implementation() {
        return OPS.name();
    }

    // ---- softmax over rows

    /**
     * Softmax of each of {@code rows} rows of {@code cols} values, in place; row r starts at
     * {@code off + r*stride}. Stable: the row maximum is subtracted before exponentiating.
     */
    public static void softmax(float[] x, int off, int rows, int cols, int stride) {
        for (int r = 0, o = off; r < rows; r++, o += stride) {
            float max = rowMax(x, o, cols);
            double sum = 0;
            for (int j = o; j < o + cols; j++) {
                float e = (float) Math.exp(x[j] - max);
                x[j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = o; j < o + cols; j++) {
                x[j] *= inv;
            }
        }
    }

    /** Log-softmax of each row, in place: {@code x - max - log(sum(exp(x - max)))}. */
    public static void logSoftmax(float[] x, int off, int rows, int cols, int stride) {
        for (int r = 0, o = off; r < rows; r++, o += stride) {
            float max = rowMax(x, o, cols);
            double sum = 0;
            for (int j = o; j < o + cols; j++) {
                sum += Math.exp(x[j] - max);
            }
            float shift = (float) (max + Math.log(sum));
            for (int j = o; j < o + cols; j++) {
                x[j] -= shift;
            }
        }
    }

    public static void softmax(double[] x, int off, int rows, int cols, int stride) {
        for (int r = 0, o = off; r < rows; r++, o += stride) {
            double max = rowMax(x, o, cols);
            double sum = 0;
            for (int j = o; j < o + cols; j++) {
                double e = Math.exp(x[j] - max);
                x[j] = e;
                sum += e;
            }
            for (int j = o; j < o + cols; j++) {
                x[j] /= sum;
            }
        }
    }

    public static void logSoftmax(double[] x, int off, int rows, int cols, int stride) {
        for (int r = 0, o = off; r < rows; r++, o += stride) {
            double max = rowMax(x, o, cols);
            double sum = 0;
            for (int j = o; j < o + cols; j++) {
                sum += Math.exp(x[j] - max);
            }
            double shift = max + Math.log(sum);
            for (int j = o; j < o + cols; j++) {
                x[j] -= shift;
            }
        }
    }

    static float rowMax(float[] x, int o, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = o; j < o + cols; j++) {
            max = Math.max(max, x[j]);
        }
        return max;
    }

    static double rowMax(double[] x, int o, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = o; j < o + cols; j++) {
            max = Math.max(max, x[j]);
        }
        return max;
    }
}
