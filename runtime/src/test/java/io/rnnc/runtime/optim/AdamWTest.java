package io.rnnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * AdamW (decoupled weight decay) against torch.optim.AdamW of PyTorch 1.13 (single-tensor path): three steps on five
 * parameters with fixed gradients. The reference numbers come from {@code tools/fixtures/make_adamw_fixture.py}, run
 * with Debian's PyTorch (1.13.0a0); they are kept here as literals.
 */
class AdamWTest {

    static final double[] P0 = {0.5, -1.25, 2.0, 0.0, -0.03125};
    static final double[][] GRADS = {
        {0.1, -0.2, 0.3, 0.0, 1.5},
        {-0.05, 0.4, 0.25, 0.125, -2.0},
        {0.2, 0.2, -0.6, 1.0, 0.75},
    };
    static final double LR = 0.01;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    static final double WD = 0.1;

    static final float[] TORCH_P32 = {0.47927966713905334f, -1.2451235055923462f, 1.9753023386001587f, -0.014485901221632957f,
        -0.039607275277376175f};
    static final float[] TORCH_M32 = {0.023600000888109207f, 0.039799999445676804f, -0.0132000045850873f, 0.11124999821186066f,
        0.01650000549852848f};
    static final float[] TORCH_V32 = {5.2477513236226514e-05f, 0.0002397600474068895f, 0.0005122576258145273f,
        0.001015609479509294f, 0.006804002448916435f};
    static final double[] TORCH_P64 = {0.4792796683031988, -1.2451235213470124, 1.9753023305862103, -0.014485901849178317,
        -0.03960727259818499};
    static final double[] TORCH_M64 = {0.023599999999999996, 0.03979999999999999, -0.01319999999999999, 0.11124999999999997,
        0.016500000000000008};
    static final double[] TORCH_V64 = {5.2477510000000055e-05, 0.00023976004000000027, 0.0005122575900000004,
        0.0010156093750000009, 0.006804002250000006};

    @Test
    void float32MatchesPyTorchsAdamW() {
        int n = P0.length;
        float[] p = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) P0[i];
        }
        for (int t = 1; t <= GRADS.length; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) GRADS[t - 1][i];
            }
            Adam.stepDecoupled(p, g, m, v, n, t, LR, BETA1, BETA2, EPS, WD);
        }
        for (int i = 0; i < n; i++) {
            // PyTorch's vectorised kernels may fuse a multiply-add: a few float ulps
            assertEquals(TORCH_P32[i], p[i], 4 * Math.ulp(TORCH_P32[i]), "p[" + i + "]");
            assertEquals(TORCH_M32[i], m[i], 4 * Math.ulp(TORCH_M32[i]), "exp_avg[" + i + "]");
            assertEquals(TORCH_V32[i], v[i], 4 * Math.ulp(TORCH_V32[i]), "exp_avg_sq[" + i + "]");
        }
    }

    @Test
    void float64MatchesPyTorchsAdamW() {
        int n = P0.length;
        double[] p = P0.clone();
        double[] m = new double[n];
        double[] v = new double[n];
        for (int t = 1; t <= GRADS.length; t++) {
            Adam.stepDecoupled(p, GRADS[t - 1].clone(), m, v, n, t, LR, BETA1, BETA2, EPS, WD);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(TORCH_P64[i], p[i], 1e-15, "p[" + i + "]");
            assertEquals(TORCH_M64[i], m[i], 1e-17, "exp_avg[" + i + "]");
            assertEquals(TORCH_V64[i], v[i], 1e-18, "exp_avg_sq[" + i + "]");
        }
    }

    @Test
    void decoupledDecayIsNotAdamsL2Term() {
        // the same numbers through Adam's L2 form land elsewhere: the test above could not pass by accident
        double[] p = P0.clone();
        double[] m = new double[P0.length];
        double[] v = new double[P0.length];
        for (int t = 1; t <= GRADS.length; t++) {
            Adam.step(p, GRADS[t - 1].clone(), m, v, P0.length, t, LR, BETA1, BETA2, EPS, WD);
        }
        double diff = 0;
        for (int i = 0; i < p.length; i++) {
            diff = Math.max(diff, Math.abs(p[i] - TORCH_P64[i]));
        }
        org.junit.jupiter.api.Assertions.assertTrue(diff > 1e-4, "Adam with L2 decay differs from AdamW: " + diff);
    }
}
