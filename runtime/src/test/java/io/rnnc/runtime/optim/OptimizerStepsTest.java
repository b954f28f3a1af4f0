package io.rnnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Several steps (where bias corrections and momentum matter, unlike step one) against a direct
 * transcription of PyTorch 1.13's update rules in double.
 */
class OptimizerStepsTest {

    @Test
    void adamThreeStepsWithWeightDecayMatchesTheReferenceRule() {
        Random rnd = new Random(1);
        int n = 257;
        double lr = 0.01;
        double b1 = 0.8;
        double b2 = 0.99;
        double eps = 1e-6;
        double wd = 0.05;
        double[] p = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        float[] pf = new float[n];
        float[] mf = new float[n];
        float[] vf = new float[n];
        double[] pd = new double[n];
        double[] md = new double[n];
        double[] vd = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextGaussian();
            pf[i] = (float) p[i];
            p[i] = pf[i];
            pd[i] = p[i];
        }
        for (int t = 1; t <= 3; t++) {
            double[] g = new double[n];
            float[] gf = new float[n];
            for (int i = 0; i < n; i++) {
                gf[i] = (float) (rnd.nextGaussian() * 0.1);
                g[i] = gf[i];
            }
            for (int i = 0; i < n; i++) {
                double gi = g[i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                p[i] -= lr * mHat / denom;
            }
            Adam.step(pf, gf, mf, vf, n, t, lr, b1, b2, eps, wd);
            Adam.step(pd, g.clone(), md, vd, n, t, lr, b1, b2, eps, wd);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(p[i], pf[i], 2e-6, "float p[" + i + "]");
            assertEquals(p[i], pd[i], 1e-13, "double p[" + i + "]");
        }
    }

    @Test
    void sgdMomentumFirstStepTakesTheGradientThenAccumulates() {
        float[] p = {1f, -2f, 0.5f};
        float[] buf = new float[3];
        float[] g1 = {0.1f, -0.2f, 0f};
        float[] g2 = {0.3f, 0.1f, -0.5f};
        double lr = 0.1;
        double mu = 0.9;
        double wd = 0.01;
        double[] ref = {1, -2, 0.5};
        double[] rbuf = new double[3];
        Sgd.step(p, g1.clone(), buf, 3, 1, lr, mu, wd);
        for (int i = 0; i < 3; i++) {
            double gi = g1[i] + wd * ref[i];
            rbuf[i] = gi;
            ref[i] -= lr * rbuf[i];
        }
        Sgd.step(p, g2.clone(), buf, 3, 2, lr, mu, wd);
        for (int i = 0; i < 3; i++) {
            double gi = g2[i] + wd * ref[i];
            rbuf[i] = mu * rbuf[i] + gi;
            ref[i] -= lr * rbuf[i];
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(ref[i], p[i], 1e-6);
            assertEquals(rbuf[i], buf[i], 1e-6);
        }
    }

    @Test
    void sgdWithoutMomentumIgnoresTheBuffer() {
        double[] p = {1, 2};
        Sgd.step(p, new double[] {0.5, -1}, null, 2, 5, 0.1, 0, 0);
        assertArrayEquals(new double[] {0.95, 2.1}, p, 1e-15);
    }

    @Test
    void clipByNormScalesOnlyAboveTheLimit() {
        float[] g = {3f, 4f};
        assertEquals(5.0, Clipping.byNorm(g, 2, 10), 1e-6);
        assertArrayEquals(new float[] {3f, 4f}, g);
        assertEquals(5.0, Clipping.byNorm(g, 2, 1), 1e-6);
        float coef = 1f / (5f + 1e-6f);
        assertArrayEquals(new float[] {3f * coef, 4f * coef}, g);
        double[] gd = {3, 4};
        Clipping.byNorm(gd, 2, 1);
        assertArrayEquals(new double[] {3 / (5 + 1e-6), 4 / (5 + 1e-6)}, gd, 1e-15);
    }

    @Test
    void clipByValueClamps() {
        float[] g = {-3f, 0.5f, 2f, Float.NaN};
        Clipping.byValue(g, 3, 1);
        assertArrayEquals(new float[] {-1f, 0.5f, 1f}, java.util.Arrays.copyOf(g, 3));
        double[] gd = {-3, 0.5, 2};
        Clipping.byValue(gd, 3, 1);
        assertArrayEquals(new double[] {-1, 0.5, 1}, gd);
    }
}
