package io.rnnc.runtime.math;

import io.rnnc.runtime.kernel.Vectorization;
import java.lang.invoke.MethodHandles;

/**
 * Array forms of the float non-linearities: {@link VectorArrayOps} on the Vector API when
 * {@link Vectorization#enabled()}, else this plain form (whose loops C2 auto-vectorises). The vector
 * class is loaded by name, so nothing touches {@code jdk.incubator.vector} when it is absent.
 */
class ArrayOps {

    /** The implementation {@link Vectorization} chooses for this JVM (the same choice as the GEMM kernels'). */
    static ArrayOps create() {
        return Vectorization.choose(MethodHandles.lookup(), ArrayOps.class, "io.rnnc.runtime.math.VectorArrayOps",
                ArrayOps::new);
    }

    String name() {
        return "plain";
    }

    void tanh(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Activations.tanh(src[srcOff + i]);
        }
    }

    void sigmoid(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Activations.sigmoid(src[srcOff + i]);
        }
    }

    void gateActivations(float[] x, int off, int rows, int stride, float[] table) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * stride;
            for (int j = 0; j < stride; j++) {
                x[o + j] = table[stride + j] * Activations.tanh(x[o + j] * table[j]) + table[2 * stride + j];
            }
        }
    }

    // ---- recurrent cell updates, one batch row of n hidden units (see Cells for the contracts)

    void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    void lstmCell(float[] gates, int ga, float[] c, int cPrev, int cNext, float[] tc, int tcOff, float[] h, int hOff,
            int n) {
        lstmCellTail(gates, ga, c, cPrev, cNext, tc, tcOff, h, hOff, n, 0);
    }

    /** The plain loop from hidden unit {@code from}; also the vector form of rows under one vector. */
    static void lstmCellTail(float[] gates, int ga, float[] c, int cPrev, int cNext, float[] tc, int tcOff, float[] h, int hOff,
            int n, int from) {
        for (int j = from; j < n; j++) {
            float cNew = gates[ga + n + j] * c[cPrev + j] + gates[ga + j] * gates[ga + 2 * n + j];
            c[cNext + j] = cNew;
            float t = Activations.tanh(cNew);
            tc[tcOff + j] = t;
            h[hOff + j] = gates[ga + 3 * n + j] * t;
        }
    }

    void gruCandidate(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff, float[] gates, int ga, int n) {
        for (int j = 0; j < n; j++) {
            float v = rec[recOff + j] + b[bOff + j];
            hn[hnOff + j] = v;
            gates[ga + 2 * n + j] += gates[ga + j] * v;
        }
    }

    /** GRU r and z: {@code gates[ga..+n) = sigmoid(gates + rec[ra..+n))} in place ({@code n} = 2H). */
    void gruGates(float[] rec, int ra, float[] gates, int ga, int n) {
        addTo(rec, ra, gates, ga, n);
        sigmoid(gates, ga, gates, ga, n);
    }

    /** {@link #gruCandidate} then {@link #gruCell}, the GRU step after its r and z gates. */
    void gruCandidateCell(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff, float[] gates, int ga,
            float[] h, int hPrev, int hNext, int n) {
        gruCandidate(rec, recOff, b, bOff, hn, hnOff, gates, ga, n);
        gruCell(gates, ga, h, hPrev, hNext, n);
    }

    void gruCell(float[] gates, int ga, float[] h, int hPrev, int hNext, int n) {
        for (int j = 0; j < n; j++) {
            float z = gates[ga + n + j];
            float nn = Activations.tanh(gates[ga + 2 * n + j]);
            gates[ga + 2 * n + j] = nn;
            h[hNext + j] = (1f - z) * nn + z * h[hPrev + j];
        }
    }

    /**
     * Gradients smaller than this (2^-100, about 7.9e-31) are stored as 0 by the float backward passes: see
     * {@link #flush}. Float's subnormal range begins at 2^-126; the 26 binary orders between keep the products
     * that read a stored gradient (times weights, derivatives and sums of them) normal as well.
     */
    static final float FLUSH_BELOW = 0x1p-100f;

    /**
     * 0 for a vanishing gradient (magnitude under {@link #FLUSH_BELOW}), else x: a wider form of what a CPU's
     * flush-to-zero mode does, which Java cannot switch on. The float backward passes compute their gradients
     * as before and store them through it (the vector forms in a pass of their own, with the same result).
     * Once a network fits its data, or over long sequences (T = 256), the gradients that vanish back through the
     * steps reach the subnormal range (under 2^-126, 1.2e-38), and every multiply-add that reads or makes a
     * subnormal takes a microcode assist: the products ran 50-100x slower (45 -> 0.8 GFLOP/s). Flushing only
     * subnormals was not enough: gradients just above 2^-126 became subnormal in the next product (one backward
     * product at T = 256 held 14,508), and T = 256 training ran at a third of its speed (docs/performance.md,
     * "The whole scaling grid", finding 3). A gradient under 2^-100 changes no update: Adam's step for it is at
     * most lr * g / eps (eps = 1e-8) = lr * 8e-23, SGD's lr * g, both far below the rounding of any weight
     * larger than 1e-14; its second moment underflows to zero in float.
     */
    static float flush(float x) {
        return Math.abs(x) < FLUSH_BELOW ? 0f : x;
    }

    void lstmCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] tc,
            int tcOff, float[] c, int cOff, float[] dcNext, int dcOff, float[] dG, int dgOff, int n) {
        lstmBackwardTail(dh, dhOff, dhNext, dhNextOff, gates, ga, tc, tcOff, c, cOff, dcNext, dcOff, dG, dgOff, n, 0);
    }

    /** The plain loop from hidden unit {@code from}; also the vector form of rows under one vector. */
    static void lstmBackwardTail(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] tc,
            int tcOff, float[] c, int cOff, float[] dcNext, int dcOff, float[] dG, int dgOff, int n, int from) {
        for (int j = from; j < n; j++) {
            float d = dh[dhOff + j] + dhNext[dhNextOff + j];
            float i = gates[ga + j];
            float f = gates[ga + n + j];
            float g = gates[ga + 2 * n + j];
            float o = gates[ga + 3 * n + j];
            float t = tc[tcOff + j];
            float dc = dcNext[dcOff + j] + d * o * (1f - t * t);
            dG[dgOff + j] = flush(dc * g * i * (1f - i));
            dG[dgOff + n + j] = flush(dc * c[cOff + j] * f * (1f - f));
            dG[dgOff + 2 * n + j] = flush(dc * i * (1f - g * g));
            dG[dgOff + 3 * n + j] = flush(d * t * o * (1f - o));
            dcNext[dcOff + j] = flush(dc * f);
        }
    }

    /** Simple RNN: {@code dG = (dh + dhNext)·act'}, from the activated h (tanh, or ReLU with {@code relu}). */
    void rnnCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] h, int hOff, float[] dG,
            int dgOff, int n, boolean relu) {
        rnnBackwardTail(dh, dhOff, dhNext, dhNextOff, h, hOff, dG, dgOff, n, relu, 0);
    }

    /** The plain loop from hidden unit {@code from}; also the vector form of rows under one vector. */
    static void rnnBackwardTail(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] h, int hOff,
            float[] dG, int dgOff, int n, boolean relu, int from) {
        for (int j = from; j < n; j++) {
            float d = dh[dhOff + j] + dhNext[dhNextOff + j];
            float y = h[hOff + j];
            dG[dgOff + j] = flush(relu ? (y > 0f ? d : 0f) : d * (1f - y * y));
        }
    }

    void gruCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] h,
            int hOff, float[] hn, int hnOff, float[] dG, float[] dR, int dgOff, int n) {
        gruBackwardTail(dh, dhOff, dhNext, dhNextOff, gates, ga, h, hOff, hn, hnOff, dG, dR, dgOff, n, 0);
    }

    /** The plain loop from hidden unit {@code from}; also the vector form of rows under one vector. */
    static void gruBackwardTail(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] h,
            int hOff, float[] hn, int hnOff, float[] dG, float[] dR, int dgOff, int n, int from) {
        for (int j = from; j < n; j++) {
            float d = dh[dhOff + j] + dhNext[dhNextOff + j];
            float rg = gates[ga + j];
            float z = gates[ga + n + j];
            float nn = gates[ga + 2 * n + j];
            float dn = d * (1f - z) * (1f - nn * nn);
            float dz = d * (h[hOff + j] - nn) * z * (1f - z);
            float dr = dn * hn[hnOff + j] * rg * (1f - rg);
            dG[dgOff + j] = flush(dr);
            dG[dgOff + n + j] = flush(dz);
            dG[dgOff + 2 * n + j] = flush(dn);
            dR[dgOff + j] = flush(dr);
            dR[dgOff + n + j] = flush(dz);
            dR[dgOff + 2 * n + j] = flush(dn * rg);
            dhNext[dhNextOff + j] = flush(d * z);
        }
    }
}
