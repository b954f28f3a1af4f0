package io.rnnc.runtime.optim;

/**
 * SGD as PyTorch 1.13 (dampening 0, nesterov off): {@code g' = g + weight_decay*p}; with momentum mu,
 * the first step sets {@code buf = g'} and later steps {@code buf = mu*buf + g'}; then {@code p -= lr*buf}.
 * {@code t} is the step number after increment (1 for the first step). Without momentum
 * {@code buf} is not touched and may be null. The float form rounds lr, momentum and weight decay
 * to float first, as PyTorch does for float32 tensors.
 */
public final class Sgd {

    private Sgd() {
    }

    public static void step(float[] p, float[] g, float[] buf, int n, long t,
                            double lr, double momentum, double weightDecay) {
        float l = (float) lr;
        float mu = (float) momentum;
        float wd = (float) weightDecay;
        for (int i = 0; i < n; i++) {
            float gi = g[i] + wd * p[i];
            if (momentum != 0) {
                gi = t == 1 ? gi : mu * buf[i] + gi;
                buf[i] = gi;
            }
            p[i] -= l * gi;
        }
    }

    public static void step(double[] p, double[] g, double[] buf, int n, long t,
                            double lr, double momentum, double weightDecay) {
        for (int i = 0; i < n; i++) {
            double gi = g[i] + weightDecay * p[i];
            if (momentum != 0) {
                gi = t == 1 ? gi : momentum * buf[i] + gi;
                buf[i] = gi;
            }
            p[i] -= lr * gi;
        }
    }
}
