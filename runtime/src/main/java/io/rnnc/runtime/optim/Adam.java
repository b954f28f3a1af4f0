package io.rnnc.runtime.optim;

/**
 * Adam exactly as PyTorch 1.13's single-tensor path (amsgrad off), over a whole flat store at once:
 * <pre>
 * g' = g + weight_decay * p                      (L2 form, after clipping)
 * m  = beta1*m + (1-beta1)*g'
 * v  = beta2*v + (1-beta2)*g'*g'
 * p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)     (eps outside the sqrt)
 * </pre>
 * {@code t} is the step number after increment (1 for the first step). The operations run in
 * the order of {@code torch/optim/adam.py _single_tensor_adam}: {@code exp_avg.mul_(beta1).add_(g,
 * alpha=1-beta1)}, {@code exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2)},
 * {@code denom = exp_avg_sq.sqrt() / sqrt(bias_correction2) + eps},
 * {@code p.addcdiv_(exp_avg, denom, value=-step_size)}. The float form rounds every scalar
 * (beta1, 1-beta1, step size, ...) to float first, as PyTorch does when it applies a Python number
 * to a float32 tensor; the scalars themselves are computed in double, as Python does. PyTorch's
 * vectorised CPU kernels fuse some multiply-adds, so results may differ from it in the last bit.
 * One loop over the whole flat store: parameters, gradients and both moments share one layout.
 */
public final class Adam {

    private Adam() {
    }

    public static void step(float[] p, float[] g, float[] m, float[] v, int n, long t,
                            double lr, double beta1, double beta2, double eps, double weightDecay) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float wd = (float) weightDecay;
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float e = (float) eps;
        for (int i = 0; i < n; i++) {
            float gi = g[i] + wd * p[i];
            float mi = m[i] * b1 + oneMinusB1 * gi;
            float vi = v[i] * b2 + oneMinusB2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * (mi / ((float) Math.sqrt(vi) / bc2Sqrt + e));
        }
    }

    public static void step(double[] p, double[] g, double[] m, double[] v, int n, long t,
                            double lr, double beta1, double beta2, double eps, double weightDecay) {
        double stepSize = lr / (1 - Math.pow(beta1, t));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        for (int i = 0; i < n; i++) {
            double gi = g[i] + weightDecay * p[i];
            double mi = m[i] * beta1 + (1 - beta1) * gi;
            double vi = v[i] * beta2 + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * (mi / (Math.sqrt(vi) / bc2Sqrt + eps));
        }
    }

    /**
     * AdamW as PyTorch 1.13's {@code _single_tensor_adamw} (amsgrad off): the decoupled weight decay
     * {@code p *= 1 - lr * weight_decay} first (the factor computed in double, as Python does, then rounded to
     * float), then Adam's moments and update on the raw gradient, with no L2 term.
     */
    public static void stepDecoupled(float[] p, float[] g, float[] m, float[] v, int n, long t,
                                     double lr, double beta1, double beta2, double eps, double weightDecay) {
        float decay = (float) (1 - lr * weightDecay);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float e = (float) eps;
        for (int i = 0; i < n; i++) {
            float pi = p[i] * decay;
            float gi = g[i];
            float mi = m[i] * b1 + oneMinusB1 * gi;
            float vi = v[i] * b2 + oneMinusB2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - stepSize * (mi / ((float) Math.sqrt(vi) / bc2Sqrt + e));
        }
    }

    /** {@link #stepDecoupled(float[], float[], float[], float[], int, long, double, double, double, double, double)} in double. */
    public static void stepDecoupled(double[] p, double[] g, double[] m, double[] v, int n, long t,
                                     double lr, double beta1, double beta2, double eps, double weightDecay) {
        double decay = 1 - lr * weightDecay;
        double stepSize = lr / (1 - Math.pow(beta1, t));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        for (int i = 0; i < n; i++) {
            double pi = p[i] * decay;
            double gi = g[i];
            double mi = m[i] * beta1 + (1 - beta1) * gi;
            double vi = v[i] * beta2 + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - stepSize * (mi / (Math.sqrt(vi) / bc2Sqrt + eps));
        }
    }
}
