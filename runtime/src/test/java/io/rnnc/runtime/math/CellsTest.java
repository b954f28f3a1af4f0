package io.rnnc.runtime.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each cell helper, plain and vector form, against a scalar reference written out here in double:
 * widths that fill whole vectors, leave a remainder and are smaller than one vector, at odd offsets.
 */
class CellsTest {

    private static final int[] WIDTHS = {1, 7, 16, 37, 100};
    private static final int OFF = 3;

    private static float[] random(Random rnd, int len, double scale) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static float[] gates01(Random rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) rnd.nextDouble();
        }
        return a;
    }

    private static void close(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void addToAddsRows() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(n);
                float[] src = random(rnd, n + 2 * OFF, 3);
                float[] dst = random(rnd, n + 2 * OFF, 3);
                float[] before = dst.clone();
                ops.addTo(src, OFF, dst, OFF + 1, n);
                for (int i = 0; i < dst.length; i++) {
                    boolean in = i >= OFF + 1 && i < OFF + 1 + n;
                    assertEquals(in ? before[i] + src[i - 1] : before[i], dst[i], 0f, ops.name() + " n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void gateActivationsFollowTheLstmTable() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            // strides that are whole vectors (the generated gate rows) and one that is not (plain fallback)
            for (int[] hs : new int[][] {{100, 400}, {37, 160}, {7, 28}, {5, 21}}) {
                int h = hs[0], stride = hs[1], rows = 3;
                float[] table = Cells.lstmActivationTable(h, stride);
                Random rnd = new Random(h);
                float[] x = random(rnd, OFF + rows * stride + 2, 6);
                float[] before = x.clone();
                ops.gateActivations(x, OFF, rows, stride, table);
                for (int idx = 0; idx < x.length; idx++) {
                    int rel = idx - OFF;
                    String at = ops.name() + " h=" + h + " stride=" + stride + " idx=" + idx;
                    if (rel < 0 || rel >= rows * stride) {
                        assertEquals(before[idx], x[idx], 0f, "outside " + at);
                        continue;
                    }
                    int j = rel % stride;
                    boolean sigmoid = j < 2 * h || (j >= 3 * h && j < 4 * h);
                    double v = before[idx];
                    close(sigmoid ? 1 / (1 + Math.exp(-v)) : Math.tanh(v), x[idx], (sigmoid ? "sigmoid " : "tanh ") + at);
                }
            }
        }
    }

    @Test
    void lstmCellForwardMatchesReference() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(10 + n);
                float[] gates = gates01(rnd, OFF + 4 * n);
                float[] c = random(rnd, OFF + 2 * n, 4);
                float[] tc = new float[OFF + n];
                float[] h = new float[OFF + n + 5];
                ops.lstmCell(gates, OFF, c, OFF, OFF + n, tc, OFF, h, 5, n);
                for (int j = 0; j < n; j++) {
                    double i = gates[OFF + j], f = gates[OFF + n + j], g = gates[OFF + 2 * n + j];
                    double o = gates[OFF + 3 * n + j];
                    double cNew = f * c[OFF + j] + i * g;
                    String at = ops.name() + " n=" + n + " j=" + j;
                    close(cNew, c[OFF + n + j], "c " + at);
                    close(Math.tanh(cNew), tc[OFF + j], "tanh c " + at);
                    close(o * Math.tanh(cNew), h[5 + j], "h " + at);
                }
            }
        }
    }

    @Test
    void gruForwardMatchesReference() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(20 + n);
                float[] gates = gates01(rnd, OFF + 3 * n);
                for (int j = 0; j < n; j++) {
                    gates[OFF + 2 * n + j] = (float) (rnd.nextDouble() * 4 - 2);
                }
                float[] orig = gates.clone();
                float[] rec = random(rnd, 1 + n, 2);
                float[] b = random(rnd, 2 + n, 1);
                float[] hn = new float[OFF + n];
                float[] h = random(rnd, OFF + 2 * n, 1);
                ops.gruCandidate(rec, 1, b, 2, hn, OFF, gates, OFF, n);
                ops.gruCell(gates, OFF, h, OFF, OFF + n, n);
                for (int j = 0; j < n; j++) {
                    double r = orig[OFF + j], z = orig[OFF + n + j];
                    double hnj = (double) rec[1 + j] + b[2 + j];
                    double nn = Math.tanh(orig[OFF + 2 * n + j] + r * hnj);
                    String at = ops.name() + " n=" + n + " j=" + j;
                    close(hnj, hn[OFF + j], "hn " + at);
                    close(nn, gates[OFF + 2 * n + j], "n " + at);
                    close((1 - z) * nn + z * h[OFF + j], h[OFF + n + j], "h " + at);
                }
            }
        }
    }

    @Test
    void rnnBackwardMatchesReference() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(20 + n);
                float[] dh = random(rnd, OFF + n, 1);
                float[] dhNext = random(rnd, 2 + n, 1);
                float[] h = random(rnd, OFF + 1 + n, 1);
                h[OFF + 1] = 0f; // ReLU: h = 0 passes no gradient
                float[] dTanh = new float[OFF + n];
                float[] dRelu = new float[OFF + n];
                ops.rnnCellBackward(dh, OFF, dhNext, 2, h, OFF + 1, dTanh, OFF, n, false);
                ops.rnnCellBackward(dh, OFF, dhNext, 2, h, OFF + 1, dRelu, OFF, n, true);
                for (int j = 0; j < n; j++) {
                    double d = (double) dh[OFF + j] + dhNext[2 + j];
                    double y = h[OFF + 1 + j];
                    String at = ops.name() + " n=" + n + " j=" + j;
                    close(d * (1 - y * y), dTanh[OFF + j], "tanh " + at);
                    close(y > 0 ? d : 0, dRelu[OFF + j], "relu " + at);
                }
            }
        }
    }

    @Test
    void lstmBackwardMatchesReference() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(30 + n);
                float[] dh = random(rnd, OFF + n, 1);
                float[] dhNext = random(rnd, 2 + n, 1);
                float[] gates = gates01(rnd, OFF + 4 * n);
                float[] tc = random(rnd, OFF + n, 1);
                float[] c = random(rnd, OFF + n, 3);
                float[] dc = random(rnd, 1 + n, 1);
                float[] dc0 = dc.clone();
                float[] dG = new float[OFF + 4 * n];
                ops.lstmCellBackward(dh, OFF, dhNext, 2, gates, OFF, tc, OFF, c, OFF, dc, 1, dG, OFF, n);
                for (int j = 0; j < n; j++) {
                    double d = (double) dh[OFF + j] + dhNext[2 + j];
                    double i = gates[OFF + j], f = gates[OFF + n + j], g = gates[OFF + 2 * n + j];
                    double o = gates[OFF + 3 * n + j], t = tc[OFF + j];
                    double dcj = dc0[1 + j] + d * o * (1 - t * t);
                    String at = ops.name() + " n=" + n + " j=" + j;
                    close(dcj * g * i * (1 - i), dG[OFF + j], "di " + at);
                    close(dcj * c[OFF + j] * f * (1 - f), dG[OFF + n + j], "df " + at);
                    close(dcj * i * (1 - g * g), dG[OFF + 2 * n + j], "dg " + at);
                    close(d * t * o * (1 - o), dG[OFF + 3 * n + j], "do " + at);
                    close(dcj * f, dc[1 + j], "dc " + at);
                }
            }
        }
    }

    @Test
    void gruBackwardMatchesReference() throws ReflectiveOperationException {
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(40 + n);
                float[] dh = random(rnd, OFF + n, 1);
                float[] dhNext = random(rnd, 2 + n, 1);
                float[] dhNext0 = dhNext.clone();
                float[] gates = gates01(rnd, OFF + 3 * n);
                float[] h = random(rnd, OFF + n, 1);
                float[] hn = random(rnd, OFF + n, 2);
                float[] dG = new float[OFF + 3 * n];
                float[] dR = new float[OFF + 3 * n];
                ops.gruCellBackward(dh, OFF, dhNext, 2, gates, OFF, h, OFF, hn, OFF, dG, dR, OFF, n);
                for (int j = 0; j < n; j++) {
                    double d = (double) dh[OFF + j] + dhNext0[2 + j];
                    double r = gates[OFF + j], z = gates[OFF + n + j], nn = gates[OFF + 2 * n + j];
                    double dn = d * (1 - z) * (1 - nn * nn);
                    double dz = d * (h[OFF + j] - nn) * z * (1 - z);
                    double dr = dn * hn[OFF + j] * r * (1 - r);
                    String at = ops.name() + " n=" + n + " j=" + j;
                    close(dr, dG[OFF + j], "dr " + at);
                    close(dz, dG[OFF + n + j], "dz " + at);
                    close(dn, dG[OFF + 2 * n + j], "dn " + at);
                    close(dr, dR[OFF + j], "dRr " + at);
                    close(dz, dR[OFF + n + j], "dRz " + at);
                    close(dn * r, dR[OFF + 2 * n + j], "dRn " + at);
                    close(d * z, dhNext[2 + j], "dhNext " + at);
                }
            }
        }
    }

    @Test
    void backwardPassesFlushVanishingGradientsToZero() throws ReflectiveOperationException {
        // incoming gradients of up to 4 x 2^-100 times gate derivatives under 1 land below the flush threshold
        // (2^-100) in some elements and stay above it in others: those below must come out as exactly 0, the
        // others as computed; a subnormal operand (or one a product makes subnormal) would make every later
        // multiply-add take a microcode assist
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : WIDTHS) {
                Random rnd = new Random(50 + n);
                float[] dh = random(rnd, OFF + n, 1);
                for (int j = 0; j < dh.length; j++) {
                    dh[j] *= 4 * ArrayOps.FLUSH_BELOW;
                }
                float[] dhNext = new float[2 + n];
                float[] h = random(rnd, OFF + 1 + n, 1);
                float[] dTanh = new float[OFF + n];
                ops.rnnCellBackward(dh, OFF, dhNext, 2, h, OFF + 1, dTanh, OFF, n, false);
                float[] gates = gates01(rnd, OFF + 4 * n);
                float[] tc = random(rnd, OFF + n, 1);
                float[] c = random(rnd, OFF + n, 3);
                float[] dc = new float[1 + n];
                float[] dG = new float[OFF + 4 * n];
                ops.lstmCellBackward(dh, OFF, dhNext, 2, gates, OFF, tc, OFF, c, OFF, dc, 1, dG, OFF, n);
                float[] hn = random(rnd, OFF + n, 2);
                float[] gG = new float[OFF + 3 * n];
                float[] gR = new float[OFF + 3 * n];
                ops.gruCellBackward(dh, OFF, new float[2 + n], 2, gates, OFF, h, OFF, hn, OFF, gG, gR, OFF, n);
                int flushed = 0;
                for (float[] out : new float[][] {dTanh, dG, dc, gG, gR}) {
                    for (float x : out) {
                        if (x != 0f && Math.abs(x) < ArrayOps.FLUSH_BELOW) {
                            throw new AssertionError(ops.name() + " n=" + n + ": vanishing gradient " + x + " stored");
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    double d = dh[OFF + j];
                    double y = h[OFF + 1 + j];
                    double exact = d * (1 - y * y);
                    if (Math.abs(exact) < ArrayOps.FLUSH_BELOW * 0.99) {
                        flushed++;
                        org.junit.jupiter.api.Assertions.assertEquals(0f, dTanh[OFF + j], ops.name() + " n=" + n + " j=" + j);
                    } else if (Math.abs(exact) > ArrayOps.FLUSH_BELOW * 1.01) {
                        org.junit.jupiter.api.Assertions.assertEquals(exact, dTanh[OFF + j], Math.abs(exact) * 1e-5,
                                ops.name() + " n=" + n + " j=" + j);
                    }
                }
                if (n >= 16 && flushed == 0) {
                    throw new AssertionError("n=" + n + ": the test made no gradient below the threshold");
                }
            }
        }
    }

    @Test
    void vectorAndPlainFormsAgree() throws ReflectiveOperationException {
        var all = ActivationsTest.arrayOps();
        int n = 37;
        float[][] out = new float[all.size()][];
        for (int k = 0; k < all.size(); k++) {
            Random rnd = new Random(7);
            float[] gates = gates01(rnd, 4 * n);
            float[] c = random(rnd, 2 * n, 4);
            float[] tc = new float[n];
            float[] h = new float[n];
            all.get(k).lstmCell(gates, 0, c, 0, n, tc, 0, h, 0, n);
            float[] dG = new float[4 * n];
            float[] dc = random(rnd, n, 1);
            all.get(k).lstmCellBackward(h, 0, tc, 0, gates, 0, tc, 0, c, 0, dc, 0, dG, 0, n);
            out[k] = dG;
        }
        for (int k = 1; k < all.size(); k++) {
            // the forms differ only in the last bit of tanh (fused polynomial)
            assertArrayEquals(out[0], out[k], 1e-6f, all.get(k).name());
        }
    }

    // ---- the vector form against the plain one at widths around the vector length, with the aliasing of
    // generated code (in place), so the overlapping last vector is checked where it recomputes elements

    // around 4, 8 and 16 lanes: the 128-, 256- and 512-bit vector forms (-Drnnc.vector.bits)
    static final int[] TAIL_WIDTHS = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 200, 301};
    private static final int PAD = 5;

    /** One call of a helper on arrays built for width {@code n}. */
    interface Call {
        void run(ArrayOps ops, float[][] a, int n);
    }

    /**
     * Runs {@code call} with the plain and the vector form on equal copies of random arrays of the given
     * lengths (each {@code len(n)} plus {@link #PAD} floats past the rows) and asserts the results agree within
     * {@code tol} (0: bit for bit) and that the vector form writes no element the plain form leaves alone.
     */
    static void agreesWithPlain(String what, int[] blocks, float tol, Call call) throws ReflectiveOperationException {
        var all = ActivationsTest.arrayOps();
        org.junit.jupiter.api.Assumptions.assumeTrue(all.size() == 2, "no Vector API module");
        for (int n : TAIL_WIDTHS) {
            Random rnd = new Random(31L * n + blocks.length);
            float[][] orig = new float[blocks.length][];
            for (int k = 0; k < blocks.length; k++) {
                orig[k] = random(rnd, OFF + blocks[k] * n + PAD, 2);
            }
            float[][] plain = copy(orig);
            float[][] vector = copy(orig);
            call.run(all.get(0), plain, n);
            call.run(all.get(1), vector, n);
            for (int k = 0; k < orig.length; k++) {
                for (int i = 0; i < orig[k].length; i++) {
                    String at = what + " n=" + n + " array " + k + " index " + i;
                    if (Float.floatToRawIntBits(plain[k][i]) == Float.floatToRawIntBits(orig[k][i])) {
                        assertEquals(orig[k][i], vector[k][i], 0f, "not written: " + at);
                    } else {
                        assertEquals(plain[k][i], vector[k][i], tol, at);
                    }
                }
            }
        }
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int k = 0; k < a.length; k++) {
            c[k] = a[k].clone();
        }
        return c;
    }

    @Test
    void addToVectorTailsMatchPlain() throws ReflectiveOperationException {
        agreesWithPlain("addTo", new int[] {1, 1}, 0f, (ops, a, n) -> ops.addTo(a[0], 1, a[1], OFF, n));
    }

    @Test
    void lstmCellVectorTailsMatchPlain() throws ReflectiveOperationException {
        // generated: c_{t-1} and c_t in distinct slots of one array; also fully in place
        agreesWithPlain("lstmCell", new int[] {4, 2, 1, 2}, 1e-6f,
                (ops, a, n) -> ops.lstmCell(a[0], OFF, a[1], OFF, OFF + n, a[2], OFF, a[3], OFF + n, n));
        agreesWithPlain("lstmCell in place", new int[] {4, 1, 1, 1}, 1e-6f,
                (ops, a, n) -> ops.lstmCell(a[0], OFF, a[1], OFF, OFF, a[2], OFF, a[3], 1, n));
    }

    @Test
    void gruForwardVectorTailsMatchPlain() throws ReflectiveOperationException {
        // generated: the n block read and written, hn its own buffer, h_{t-1} and h_t in distinct slots
        agreesWithPlain("gruCandidate", new int[] {1, 1, 1, 3}, 0f,
                (ops, a, n) -> ops.gruCandidate(a[0], 1, a[1], 2, a[2], OFF, a[3], OFF, n));
        agreesWithPlain("gruCell", new int[] {3, 2}, 1e-6f, (ops, a, n) -> ops.gruCell(a[0], OFF, a[1], OFF, OFF + n, n));
        agreesWithPlain("gruCell in place", new int[] {3, 1}, 1e-6f,
                (ops, a, n) -> ops.gruCell(a[0], OFF, a[1], OFF, OFF, n));
    }

    @Test
    void gruFusedForwardMatchesItsParts() throws ReflectiveOperationException {
        // the one-pass forms give the bits of the passes they replace, in each form, with generated code's aliasing
        for (ArrayOps ops : ActivationsTest.arrayOps()) {
            for (int n : TAIL_WIDTHS) {
                Random rnd = new Random(41L * n);
                float[] gates = random(rnd, OFF + 3 * n + PAD, 3);
                float[] rec = random(rnd, 1 + 3 * n + PAD, 2);
                float[] b = random(rnd, 2 + n + PAD, 1);
                float[] h = random(rnd, OFF + 2 * n + PAD, 1);
                float[] g1 = gates.clone();
                float[] h1 = h.clone();
                float[] hn1 = new float[OFF + n + PAD];
                ops.addTo(rec, 1, g1, OFF, 2 * n);
                ops.sigmoid(g1, OFF, g1, OFF, 2 * n);
                ops.gruCandidate(rec, 1 + 2 * n, b, 2, hn1, OFF, g1, OFF, n);
                ops.gruCell(g1, OFF, h1, OFF, OFF + n, n);
                float[] g2 = gates.clone();
                float[] h2 = h.clone();
                float[] hn2 = new float[OFF + n + PAD];
                ops.gruGates(rec, 1, g2, OFF, 2 * n);
                ops.gruCandidateCell(rec, 1 + 2 * n, b, 2, hn2, OFF, g2, OFF, h2, OFF, OFF + n, n);
                String at = ops.name() + " n=" + n;
                assertArrayEquals(g1, g2, 0f, "gates " + at);
                assertArrayEquals(h1, h2, 0f, "h " + at);
                assertArrayEquals(hn1, hn2, 0f, "hn " + at);
                // h_t over h_{t-1} (in place)
                float[] h3 = h.clone();
                float[] h4 = h.clone();
                float[] g3 = gates.clone();
                float[] g4 = gates.clone();
                ops.gruCandidate(rec, 1 + 2 * n, b, 2, hn1, OFF, g3, OFF, n);
                ops.gruCell(g3, OFF, h3, OFF, OFF, n);
                ops.gruCandidateCell(rec, 1 + 2 * n, b, 2, hn2, OFF, g4, OFF, h4, OFF, OFF, n);
                assertArrayEquals(h3, h4, 0f, "h in place " + at);
                assertArrayEquals(g3, g4, 0f, "gates, h in place " + at);
            }
        }
    }

    @Test
    void gruFusedForwardVectorTailsMatchPlain() throws ReflectiveOperationException {
        agreesWithPlain("gruGates", new int[] {2, 2}, 1e-6f, (ops, a, n) -> ops.gruGates(a[0], 1, a[1], OFF, 2 * n));
        agreesWithPlain("gruCandidateCell", new int[] {1, 1, 1, 3, 2}, 1e-6f,
                (ops, a, n) -> ops.gruCandidateCell(a[0], 1, a[1], 2, a[2], OFF, a[3], OFF, a[4], OFF, OFF + n, n));
    }

    @Test
    void rnnBackwardVectorTailsMatchPlain() throws ReflectiveOperationException {
        // generated: dG is the step's gate block, its own array; bit for bit (plain mul and sub)
        agreesWithPlain("rnnCellBackward tanh", new int[] {1, 1, 1, 1}, 0f,
                (ops, a, n) -> ops.rnnCellBackward(a[0], OFF, a[1], 2, a[2], 1, a[3], OFF, n, false));
        agreesWithPlain("rnnCellBackward relu", new int[] {1, 1, 1, 1}, 0f,
                (ops, a, n) -> ops.rnnCellBackward(a[0], OFF, a[1], 2, a[2], 1, a[3], OFF, n, true));
    }

    @Test
    void lstmBackwardVectorTailsMatchPlain() throws ReflectiveOperationException {
        // generated: the gate gradients replace the gates (dG == gates), dcNext read and written
        agreesWithPlain("lstmCellBackward", new int[] {1, 1, 4, 1, 1, 1}, 0f,
                (ops, a, n) -> ops.lstmCellBackward(a[0], OFF, a[1], 2, a[2], OFF, a[3], OFF, a[4], OFF, a[5], 1,
                        a[2], OFF, n));
    }

    @Test
    void gruBackwardVectorTailsMatchPlain() throws ReflectiveOperationException {
        // generated: dG == gates, dhNext read and written, dR its own buffer
        agreesWithPlain("gruCellBackward", new int[] {1, 1, 3, 1, 1, 3}, 0f,
                (ops, a, n) -> ops.gruCellBackward(a[0], OFF, a[1], 2, a[2], OFF, a[3], OFF, a[4], OFF, a[2], a[5],
                        OFF, n));
    }
}
