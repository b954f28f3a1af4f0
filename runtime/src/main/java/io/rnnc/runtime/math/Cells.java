package io.rnnc.runtime.math;

/**
 * Elementwise work of the recurrent cells (simple RNN, LSTM, GRU) for one batch row of {@code n} hidden units,
 * called once per row from generated code: the training forward, the generation step and the backward pass of
 * both precisions call these, so the equations exist once. float32 forms follow; the float64 forms (exact
 * activations, plain loops, the same equations in the same order) are at the end. Gate blocks are laid out PyTorch-style at {@code ga}:
 * LSTM i, f, g, o and GRU r, z, n, each {@code n} wide. Like the array non-linearities in
 * {@link Activations}, these run on the Vector API when it is active (C2 on JDK 17 leaves scalar loops
 * over offset rows unvectorised) and as plain loops otherwise; both forms give the same results
 * except for the last bit of tanh (the vector polynomial uses fused multiply-adds).
 */
public final class Cells {

    private static final ArrayOps OPS = ArrayOps.create();

    private Cells() {
    }

    /** {@code dst[dstOff..+n) += src[srcOff..+n)}. */
    public static void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        OPS.addTo(src, srcOff, dst, dstOff, n);
    }

    /**
     * Gate non-linearities of a whole step block in one pass, column by column from a table:
     * {@code x = tanh(x·in[j])·out[j] + add[j]} for column {@code j} of each of {@code rows} rows of
     * {@code stride} floats from {@code off}, where {@code table} holds {@code in}, {@code out} and
     * {@code add}, each {@code stride} long ({@link #lstmActivationTable}). With (0.5, 0.5, 0.5) that is
     * sigmoid, with (1, 1, 0) tanh, bit for bit as {@link Activations#sigmoid(float[], int, float[], int, int)}
     * and {@link Activations#tanh(float[], int, float[], int, int)}. Vectorised rows need {@code stride} to be
     * a multiple of the vector width ({@code Gemm.padded} strides are): then no row has a scalar remainder,
     * which the per-block calls had at every gate block whose width is not a whole number of vectors.
     */
    public static void gateActivations(float[] x, int off, int rows, int stride, float[] table) {
        OPS.gateActivations(x, off, rows, stride, table);
    }

    /**
     * The {@link #gateActivations} table of an LSTM gate row: i and f sigmoid, g tanh, o sigmoid, each
     * {@code h} wide; the padding columns up to {@code stride} tanh (they hold zeros, which stay zero).
     */
    public static float[] lstmActivationTable(int h, int stride) {
        if (stride < 4 * h) {
            throw new IllegalArgumentException("stride " + stride + " is shorter than the 4 x " + h + " gate row");
        }
        float[] t = new float[3 * stride];
        for (int j = 0; j < stride; j++) {
            boolean sigmoid = j < 2 * h || (j >= 3 * h && j < 4 * h);
            t[j] = sigmoid ? 0.5f : 1f;
            t[stride + j] = sigmoid ? 0.5f : 1f;
            t[2 * stride + j] = sigmoid ? 0.5f : 0f;
        }
        return t;
    }

    /**
     * LSTM cell update from activated gates: {@code c_t = f·c_{t-1} + i·g} into {@code c[cNext..]},
     * {@code tanh(c_t)} into {@code tc[tcOff..]}, {@code h_t = o·tanh(c_t)} into {@code h[hOff..]}.
     */
    public static void lstmCell(float[] gates, int ga, float[] c, int cPrev, int cNext, float[] tc, int tcOff,
            float[] h, int hOff, int n) {
        OPS.lstmCell(gates, ga, c, cPrev, cNext, tc, tcOff, h, hOff, n);
    }

    /**
     * GRU candidate pre-activation: {@code hn = rec[recOff..] + b[bOff..]} (h·W_hn^T + b_hn) stored in
     * {@code hn[hnOff..]}, then the n block {@code gates[ga + 2n + j] += r_j · hn_j} (r activated).
     */
    public static void gruCandidate(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff, float[] gates,
            int ga, int n) {
        OPS.gruCandidate(rec, recOff, b, bOff, hn, hnOff, gates, ga, n);
    }

    /**
     * {@link #gruCandidate} then {@link #gruCell} (hn stored, the n block activated in place, h_t written), in one
     * pass on the Vector API: the GRU step after its r and z gates, as generated code calls it.
     */
    public static void gruCandidateCell(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff,
            float[] gates, int ga, float[] h, int hPrev, int hNext, int n) {
        OPS.gruCandidateCell(rec, recOff, b, bOff, hn, hnOff, gates, ga, h, hPrev, hNext, n);
    }

    /**
     * GRU update: {@code n = tanh(n block)} in place, {@code h[hNext + j] = (1 - z)·n + z·h[hPrev + j]}.
     */
    public static void gruCell(float[] gates, int ga, float[] h, int hPrev, int hNext, int n) {
        OPS.gruCell(gates, ga, h, hPrev, hNext, n);
    }

    /**
     * Simple tanh RNN backward through the non-linearity: {@code dG = (dh + dhNext)·(1 - h²)} for the
     * row's {@code n} units, from the activated {@code h}. {@code dG} must not overlap any input.
     */
    public static void rnnTanhBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] h, int hOff,
            float[] dG, int dgOff, int n) {
        OPS.rnnCellBackward(dh, dhOff, dhNext, dhNextOff, h, hOff, dG, dgOff, n, false);
    }

    /**
     * Simple ReLU RNN backward through the non-linearity: {@code dG = h > 0 ? dh + dhNext : 0}.
     * {@code dG} must not overlap any input.
     */
    public static void rnnReluBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] h, int hOff,
            float[] dG, int dgOff, int n) {
        OPS.rnnCellBackward(dh, dhOff, dhNext, dhNextOff, h, hOff, dG, dgOff, n, true);
    }

    /**
     * LSTM backward through the cell: {@code d = dh + dhNext}, {@code dc = dcNext + d·o·(1 - tc²)}; the four
     * gate gradients (through the activations) into {@code dG[dgOff..]}; {@code dcNext = dc·f} in place.
     */
    public static void lstmCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga,
            float[] tc, int tcOff, float[] c, int cOff, float[] dcNext, int dcOff, float[] dG, int dgOff, int n) {
        OPS.lstmCellBackward(dh, dhOff, dhNext, dhNextOff, gates, ga, tc, tcOff, c, cOff, dcNext, dcOff, dG, dgOff, n);
    }

    /**
     * GRU backward through the cell: {@code d = dh + dhNext}; dr, dz, dn into {@code dG[dgOff..]}, the same
     * with the n block times r into {@code dR[dgOff..]}; the direct path {@code dhNext = d·z} in place.
     */
    public static void gruCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga,
            float[] h, int hOff, float[] hn, int hnOff, float[] dG, float[] dR, int dgOff, int n) {
        OPS.gruCellBackward(dh, dhOff, dhNext, dhNextOff, gates, ga, h, hOff, hn, hnOff, dG, dR, dgOff, n);
    }

    // ---- one-gate simple RNN forward (float32 and float64)

    /** Simple tanh RNN: {@code h[hOff..+n) = tanh(gates[ga..+n))}. */
    public static void rnnTanh(float[] gates, int ga, float[] h, int hOff, int n) {
        OPS.tanh(gates, ga, h, hOff, n);
    }

    /** Simple ReLU RNN: {@code h[hOff..+n) = max(0, gates[ga..+n))}. */
    public static void rnnRelu(float[] gates, int ga, float[] h, int hOff, int n) {
        for (int j = 0; j < n; j++) {
            h[hOff + j] = Math.max(0f, gates[ga + j]);
        }
    }

    /**
     * GRU r and z gates: {@code gates[ga..+2n) = sigmoid(gates + rec[ra..+2n))}, the input side plus the
     * recurrent side (h·W_h[rz]^T + b_h[rz] folded into the input side's bias rows).
     */
    public static void gruGates(float[] rec, int ra, float[] gates, int ga, int n) {
        OPS.gruGates(rec, ra, gates, ga, 2 * n);
    }

    // ---- float64: exact activations (Math.tanh, Math.exp), plain loops

    /** {@code dst[dstOff..+n) += src[srcOff..+n)}. */
    public static void addTo(double[] src, int srcOff, double[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    /** See {@link #rnnTanh(float[], int, float[], int, int)}. */
    public static void rnnTanh(double[] gates, int ga, double[] h, int hOff, int n) {
        for (int j = 0; j < n; j++) {
            h[hOff + j] = Math.tanh(gates[ga + j]);
        }
    }

    /** See {@link #rnnRelu(float[], int, float[], int, int)}. */
    public static void rnnRelu(double[] gates, int ga, double[] h, int hOff, int n) {
        for (int j = 0; j < n; j++) {
            h[hOff + j] = Math.max(0.0, gates[ga + j]);
        }
    }

    /**
     * LSTM gate non-linearities of {@code rows} rows of {@code stride} values from {@code off}, each row
     * i, f, g, o blocks of {@code h}: i, f, o sigmoid, g tanh (the float64 form of {@link #gateActivations}).
     */
    public static void lstmGates(double[] x, int off, int rows, int stride, int h) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * stride;
            for (int j = 0; j < 4 * h; j++) {
                double v = x[o + j];
                x[o + j] = j >= 2 * h && j < 3 * h ? Math.tanh(v) : Activations.sigmoid(v);
            }
        }
    }

    /** See {@link #lstmCell(float[], int, float[], int, int, float[], int, float[], int, int)}. */
    public static void lstmCell(double[] gates, int ga, double[] c, int cPrev, int cNext, double[] tc, int tcOff,
            double[] h, int hOff, int n) {
        for (int j = 0; j < n; j++) {
            double cNew = gates[ga + n + j] * c[cPrev + j] + gates[ga + j] * gates[ga + 2 * n + j];
            c[cNext + j] = cNew;
            double t = Math.tanh(cNew);
            tc[tcOff + j] = t;
            h[hOff + j] = gates[ga + 3 * n + j] * t;
        }
    }

    /** See {@link #gruGates(float[], int, float[], int, int)}. */
    public static void gruGates(double[] rec, int ra, double[] gates, int ga, int n) {
        for (int j = 0; j < 2 * n; j++) {
            gates[ga + j] = Activations.sigmoid(gates[ga + j] + rec[ra + j]);
        }
    }

    /** See {@link #gruCandidate(float[], int, float[], int, float[], int, float[], int, int)}. */
    public static void gruCandidate(double[] rec, int recOff, double[] b, int bOff, double[] hn, int hnOff,
            double[] gates, int ga, int n) {
        for (int j = 0; j < n; j++) {
            double v = rec[recOff + j] + b[bOff + j];
            hn[hnOff + j] = v;
            gates[ga + 2 * n + j] += gates[ga + j] * v;
        }
    }

    /** See {@link #gruCandidateCell(float[], int, float[], int, float[], int, float[], int, float[], int, int, int)}. */
    public static void gruCandidateCell(double[] rec, int recOff, double[] b, int bOff, double[] hn, int hnOff,
            double[] gates, int ga, double[] h, int hPrev, int hNext, int n) {
        gruCandidate(rec, recOff, b, bOff, hn, hnOff, gates, ga, n);
        gruCell(gates, ga, h, hPrev, hNext, n);
    }

    /** See {@link #gruCell(float[], int, float[], int, int, int)}. */
    public static void gruCell(double[] gates, int ga, double[] h, int hPrev, int hNext, int n) {
        for (int j = 0; j < n; j++) {
            double z = gates[ga + n + j];
            double nn = Math.tanh(gates[ga + 2 * n + j]);
            gates[ga + 2 * n + j] = nn;
            h[hNext + j] = (1.0 - z) * nn + z * h[hPrev + j];
        }
    }

    /** See {@link #rnnTanhBackward(float[], int, float[], int, float[], int, float[], int, int)}. */
    public static void rnnTanhBackward(double[] dh, int dhOff, double[] dhNext, int dhNextOff, double[] h, int hOff,
            double[] dG, int dgOff, int n) {
        for (int j = 0; j < n; j++) {
            double d = dh[dhOff + j] + dhNext[dhNextOff + j];
            double y = h[hOff + j];
            dG[dgOff + j] = d * (1.0 - y * y);
        }
    }

    /** See {@link #rnnReluBackward(float[], int, float[], int, float[], int, float[], int, int)}. */
    public static void rnnReluBackward(double[] dh, int dhOff, double[] dhNext, int dhNextOff, double[] h, int hOff,
            double[] dG, int dgOff, int n) {
        for (int j = 0; j < n; j++) {
            double d = dh[dhOff + j] + dhNext[dhNextOff + j];
            dG[dgOff + j] = h[hOff + j] > 0.0 ? d : 0.0;
        }
    }

    /** See {@link #lstmCellBackward(float[], int, float[], int, float[], int, float[], int, float[], int, float[], int, float[], int, int)}. */
    public static void lstmCellBackward(double[] dh, int dhOff, double[] dhNext, int dhNextOff, double[] gates, int ga,
            double[] tc, int tcOff, double[] c, int cOff, double[] dcNext, int dcOff, double[] dG, int dgOff, int n) {
        for (int j = 0; j < n; j++) {
            double d = dh[dhOff + j] + dhNext[dhNextOff + j];
            double i = gates[ga + j];
            double f = gates[ga + n + j];
            double g = gates[ga + 2 * n + j];
            double o = gates[ga + 3 * n + j];
            double t = tc[tcOff + j];
            double dc = dcNext[dcOff + j] + d * o * (1.0 - t * t);
            dG[dgOff + j] = dc * g * i * (1.0 - i);
            dG[dgOff + n + j] = dc * c[cOff + j] * f * (1.0 - f);
            dG[dgOff + 2 * n + j] = dc * i * (1.0 - g * g);
            dG[dgOff + 3 * n + j] = d * t * o * (1.0 - o);
            dcNext[dcOff + j] = dc * f;
        }
    }

    /** See {@link #gruCellBackward(float[], int, float[], int, float[], int, float[], int, float[], int, float[], float[], int, int)}. */
    public static void gruCellBackward(double[] dh, int dhOff, double[] dhNext, int dhNextOff, double[] gates, int ga,
            double[] h, int hOff, double[] hn, int hnOff, double[] dG, double[] dR, int dgOff, int n) {
        for (int j = 0; j < n; j++) {
            double d = dh[dhOff + j] + dhNext[dhNextOff + j];
            double rg = gates[ga + j];
            double z = gates[ga + n + j];
            double nn = gates[ga + 2 * n + j];
            double dn = d * (1.0 - z) * (1.0 - nn * nn);
            double dz = d * (h[hOff + j] - nn) * z * (1.0 - z);
            double dr = dn * hn[hnOff + j] * rg * (1.0 - rg);
            dG[dgOff + j] = dr;
            dG[dgOff + n + j] = dz;
            dG[dgOff + 2 * n + j] = dn;
            dR[dgOff + j] = dr;
            dR[dgOff + n + j] = dz;
            dR[dgOff + 2 * n + j] = dn * rg;
            dhNext[dhNextOff + j] = d * z;
        }
    }
}
