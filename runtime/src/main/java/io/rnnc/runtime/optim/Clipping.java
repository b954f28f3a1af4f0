package io.rnnc.runtime.optim;

/** Gradient clipping over a whole flat gradient store, as PyTorch 1.13. */
public final class Clipping {

    private Clipping() {
    }

    /** Global L2 norm {@code sqrt(sum g^2)}, accumulated in double. */
    public static double norm(float[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) g[i] * g[i];
        }
        return Math.sqrt(s);
    }

    public static double norm(double[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += g[i] * g[i];
        }
        return Math.sqrt(s);
    }

    /**
     * {@code clip_grad_norm_}: {@code coef = min(1, maxNorm / (total + 1e-6))}, every gradient scaled
     * by coef (note PyTorch's {@code + 1e-6}). As in PyTorch on float32 tensors, the total norm and
     * coef are float32 values (the sum of squares is accumulated in double here, then rounded).
     *
     * @return the total norm before clipping
     */
    public static double byNorm(float[] g, int n, double maxNorm) {
        float total = (float) norm(g, n);
        float coef = (float) maxNorm / (total + 1e-6f);
        if (coef < 1f) {
            for (int i = 0; i < n; i++) {
                g[i] *= coef;
            }
        }
        return total;
    }

    public static double byNorm(double[] g, int n, double maxNorm) {
        double total = norm(g, n);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            for (int i = 0; i < n; i++) {
                g[i] *= coef;
            }
        }
        return total;
    }

    /** {@code clip_grad_value_}: every gradient clamped to [-limit, limit]. */
    public static void byValue(float[] g, int n, double limit) {
        float l = (float) limit;
        for (int i = 0; i < n; i++) {
            g[i] = Math.max(-l, Math.min(l, g[i]));
        }
    }

    public static void byValue(double[] g, int n, double limit) {
        for (int i = 0; i < n; i++) {
            g[i] = Math.max(-limit, Math.min(limit, g[i]));
        }
    }
}
