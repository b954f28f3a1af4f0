package io.rnnc.runtime.math;

/**
 * float32 elementwise work of the recurrent cells (simple RNN, LSTM, GRU) for one batch row of {@code n} hidden units,
 * called once per row from generated code. Gate blocks are laid out PyTorch-style at {@code ga}:
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
}
