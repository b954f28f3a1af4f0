package io.rnnc.runtime.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The same rational tanh as {@link Activations#tanh(float)}, lane-wise on the Vector API (with fused
 * multiply-adds, so results may differ from the scalar form in the last bit). Rows of at least one
 * vector end in an overlapping last vector rather than a scalar remainder or masks (masked loads are
 * slow on JDK 17; a scalar remainder of a 100-wide row cost more than a whole vector): full vectors at
 * 0, L, 2L, ... and one more at {@code n - L}, which recomputes some elements with the same values.
 * Every output element depends only on same-index inputs, so that is exact provided the last vector
 * reads original inputs: the methods that generated code calls in place load the last vector's
 * in-place inputs before the loop writes anything, and each method says which of its inputs may be
 * outputs (at the same offset); other outputs must not overlap any input. Rows narrower than a vector
 * run the plain form.
 */
final class VectorArrayOps extends ArrayOps {

    private static final VectorSpecies<Float> S = io.rnnc.runtime.kernel.FloatSpecies.CHOSEN;

    @Override
    String name() {
        return "vector (" + S.vectorBitSize() + "-bit)";
    }

    /** {@code dst} may be {@code src} at the same offset (in place). */
    @Override
    void tanh(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.tanh(src, srcOff, dst, dstOff, n);
            return;
        }
        // The last vector's input, read before the loop can overwrite it (in place)
        FloatVector xl = FloatVector.fromArray(S, src, srcOff + last);
        for (int i = 0;; i = Math.min(i + S.length(), last)) {
            boolean end = i == last;
            FloatVector x = end ? xl : FloatVector.fromArray(S, src, srcOff + i);
            tanh(x).intoArray(dst, dstOff + i);
            if (end) {
                break;
            }
        }
    }

    /** {@code dst} may be {@code src} at the same offset (in place, as generated GRU steps call it). */
    @Override
    void sigmoid(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.sigmoid(src, srcOff, dst, dstOff, n);
            return;
        }
        FloatVector xl = FloatVector.fromArray(S, src, srcOff + last);
        for (int i = 0;; i = Math.min(i + S.length(), last)) {
            boolean end = i == last;
            FloatVector x = end ? xl : FloatVector.fromArray(S, src, srcOff + i);
            tanh(x.mul(0.5f)).fma(0.5f, 0.5f).intoArray(dst, dstOff + i);
            if (end) {
                break;
            }
        }
    }

    @Override
    void gateActivations(float[] x, int off, int rows, int stride, float[] table) {
        if (stride % S.length() != 0) {
            super.gateActivations(x, off, rows, stride, table);
            return;
        }
        // One small loop body (one tanh): C2 inlines every Vector API call of a method only while its
        // inlining budget lasts, and a vector op left as a call boxes its vectors (a fused LSTM step with
        // five tanh in one loop allocated 157 MB per inference batch in some runs).
        for (int r = 0; r < rows; r++) {
            int o = off + r * stride;
            for (int j = 0; j < stride; j += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, o + j).mul(FloatVector.fromArray(S, table, j));
                tanh(v).fma(FloatVector.fromArray(S, table, stride + j), FloatVector.fromArray(S, table, 2 * stride + j))
                        .intoArray(x, o + j);
            }
        }
    }

    // Cell updates: each one self-contained loop (no vector crosses a call, which would box it once C2
    // stops inlining); plain mul/add where the scalar form has them, so results match the plain form
    // bit for bit except through tanh (whose fused polynomial matches the tanh array form). Rows end in
    // the overlapping last vector (see the class comment); each loop picks the preloaded vectors at its
    // last position (C2 merges the two boxes through the phi, so nothing is allocated).

    /** {@code src} must not overlap {@code dst}; {@code dst} is read and written (preloaded for the last vector). */
    @Override
    void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.addTo(src, srcOff, dst, dstOff, n);
            return;
        }
        FloatVector dl = FloatVector.fromArray(S, dst, dstOff + last);
        for (int i = 0;; i = Math.min(i + S.length(), last)) {
            boolean end = i == last;
            FloatVector d = end ? dl : FloatVector.fromArray(S, dst, dstOff + i);
            d.add(FloatVector.fromArray(S, src, srcOff + i)).intoArray(dst, dstOff + i);
            if (end) {
                break;
            }
        }
    }

    /**
     * {@code c[cNext..]} may be {@code c[cPrev..]} (in place; generated code uses distinct slots); the gates,
     * {@code tc} and {@code h} must not overlap each other or {@code c}.
     */
    @Override
    void lstmCell(float[] gates, int ga, float[] c, int cPrev, int cNext, float[] tc, int tcOff, float[] h, int hOff,
            int n) {
        int last = n - S.length();
        if (last < 0) {
            lstmCellTail(gates, ga, c, cPrev, cNext, tc, tcOff, h, hOff, n, 0);
            return;
        }
        FloatVector cl = FloatVector.fromArray(S, c, cPrev + last);
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            boolean end = j == last;
            FloatVector ig = FloatVector.fromArray(S, gates, ga + j);
            FloatVector fg = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector gg = FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector og = FloatVector.fromArray(S, gates, ga + 3 * n + j);
            FloatVector cOld = end ? cl : FloatVector.fromArray(S, c, cPrev + j);
            FloatVector cNew = fg.mul(cOld).add(ig.mul(gg));
            cNew.intoArray(c, cNext + j);
            FloatVector tcl = cNew.max(-Activations.CLAMP).min(Activations.CLAMP);
            FloatVector tt = tcl.mul(tcl);
            FloatVector tp = tt.fma(Activations.P6, Activations.P5)
                    .fma(tt, FloatVector.broadcast(S, Activations.P4))
                    .fma(tt, FloatVector.broadcast(S, Activations.P3))
                    .fma(tt, FloatVector.broadcast(S, Activations.P2))
                    .fma(tt, FloatVector.broadcast(S, Activations.P1))
                    .fma(tt, FloatVector.broadcast(S, Activations.P0))
                    .mul(tcl);
            FloatVector tq = tt.fma(Activations.Q3, Activations.Q2)
                    .fma(tt, FloatVector.broadcast(S, Activations.Q1))
                    .fma(tt, FloatVector.broadcast(S, 1f));
            FloatVector t = tp.div(tq);
            t.intoArray(tc, tcOff + j);
            og.mul(t).intoArray(h, hOff + j);
            if (end) {
                break;
            }
        }
    }

    /**
     * The n block is read and written (preloaded for the last vector); {@code hn} must not overlap
     * {@code rec}, {@code b} or the gates.
     */
    @Override
    void gruCandidate(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff, float[] gates, int ga, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.gruCandidate(rec, recOff, b, bOff, hn, hnOff, gates, ga, n);
            return;
        }
        FloatVector nl = FloatVector.fromArray(S, gates, ga + 2 * n + last);
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            boolean end = j == last;
            FloatVector v = FloatVector.fromArray(S, rec, recOff + j).add(FloatVector.fromArray(S, b, bOff + j));
            v.intoArray(hn, hnOff + j);
            FloatVector nn = end ? nl : FloatVector.fromArray(S, gates, ga + 2 * n + j);
            nn.add(FloatVector.fromArray(S, gates, ga + j).mul(v)).intoArray(gates, ga + 2 * n + j);
            if (end) {
                break;
            }
        }
    }

    /**
     * The n block is transformed in place, and {@code h[hNext..]} may be {@code h[hPrev..]} (both preloaded for
     * the last vector); otherwise {@code h} must not overlap the gates.
     */
    @Override
    void gruCell(float[] gates, int ga, float[] h, int hPrev, int hNext, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.gruCell(gates, ga, h, hPrev, hNext, n);
            return;
        }
        FloatVector nl = FloatVector.fromArray(S, gates, ga + 2 * n + last);
        FloatVector hl = FloatVector.fromArray(S, h, hPrev + last);
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            boolean end = j == last;
            FloatVector z = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector pre = end ? nl : FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector tcl = pre.max(-Activations.CLAMP).min(Activations.CLAMP);
            FloatVector tt = tcl.mul(tcl);
            FloatVector tp = tt.fma(Activations.P6, Activations.P5)
                    .fma(tt, FloatVector.broadcast(S, Activations.P4))
                    .fma(tt, FloatVector.broadcast(S, Activations.P3))
                    .fma(tt, FloatVector.broadcast(S, Activations.P2))
                    .fma(tt, FloatVector.broadcast(S, Activations.P1))
                    .fma(tt, FloatVector.broadcast(S, Activations.P0))
                    .mul(tcl);
            FloatVector tq = tt.fma(Activations.Q3, Activations.Q2)
                    .fma(tt, FloatVector.broadcast(S, Activations.Q1))
                    .fma(tt, FloatVector.broadcast(S, 1f));
            FloatVector nn = tp.div(tq);
            nn.intoArray(gates, ga + 2 * n + j);
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector hp = end ? hl : FloatVector.fromArray(S, h, hPrev + j);
            one.sub(z).mul(nn).add(z.mul(hp)).intoArray(h, hNext + j);
            if (end) {
                break;
            }
        }
    }

    /**
     * The add and the sigmoid of {@link ArrayOps#gruGates} in one pass (the same operations: the same bits).
     * The gates are read and written (preloaded for the last vector); {@code rec} must not overlap them.
     */
    @Override
    void gruGates(float[] rec, int ra, float[] gates, int ga, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.gruGates(rec, ra, gates, ga, n);
            return;
        }
        FloatVector gl = FloatVector.fromArray(S, gates, ga + last);
        for (int i = 0;; i = Math.min(i + S.length(), last)) {
            boolean end = i == last;
            FloatVector g = end ? gl : FloatVector.fromArray(S, gates, ga + i);
            FloatVector x = g.add(FloatVector.fromArray(S, rec, ra + i));
            tanh(x.mul(0.5f)).fma(0.5f, 0.5f).intoArray(gates, ga + i);
            if (end) {
                break;
            }
        }
    }

    /**
     * {@link #gruCandidate} and {@link #gruCell} in one pass, the candidate's pre-activation kept in a register
     * instead of stored and reloaded (the same operations: the same bits). The n block is read and written and
     * {@code h[hNext..]} may be {@code h[hPrev..]} (both preloaded for the last vector); {@code hn} must not
     * overlap {@code rec}, {@code b} or the gates, and {@code h} must not overlap the gates.
     */
    @Override
    void gruCandidateCell(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff, float[] gates, int ga,
            float[] h, int hPrev, int hNext, int n) {
        int last = n - S.length();
        if (last < 0) {
            super.gruCandidateCell(rec, recOff, b, bOff, hn, hnOff, gates, ga, h, hPrev, hNext, n);
            return;
        }
        FloatVector nl = FloatVector.fromArray(S, gates, ga + 2 * n + last);
        FloatVector hl = FloatVector.fromArray(S, h, hPrev + last);
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            boolean end = j == last;
            FloatVector v = FloatVector.fromArray(S, rec, recOff + j).add(FloatVector.fromArray(S, b, bOff + j));
            v.intoArray(hn, hnOff + j);
            FloatVector pre = end ? nl : FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector nn = tanh(pre.add(FloatVector.fromArray(S, gates, ga + j).mul(v)));
            nn.intoArray(gates, ga + 2 * n + j);
            FloatVector z = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector hp = end ? hl : FloatVector.fromArray(S, h, hPrev + j);
            FloatVector.broadcast(S, 1f).sub(z).mul(nn).add(z.mul(hp)).intoArray(h, hNext + j);
            if (end) {
                break;
            }
        }
    }

    /**
     * {@code dG[dgOff..]} may be {@code gates[ga..]} (the gradients replace the gates in place, as generated
     * code calls it) and {@code dcNext} is read and written: these are preloaded for the last vector.
     * {@code dh}, {@code dhNext}, {@code tc} and {@code c} must not overlap any output.
     */
    @Override
    void lstmCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] tc,
            int tcOff, float[] c, int cOff, float[] dcNext, int dcOff, float[] dG, int dgOff, int n) {
        int last = n - S.length();
        if (last < 0) {
            lstmBackwardTail(dh, dhOff, dhNext, dhNextOff, gates, ga, tc, tcOff, c, cOff, dcNext, dcOff, dG, dgOff, n, 0);
            return;
        }
        FloatVector il = FloatVector.fromArray(S, gates, ga + last);
        FloatVector fl = FloatVector.fromArray(S, gates, ga + n + last);
        FloatVector gl = FloatVector.fromArray(S, gates, ga + 2 * n + last);
        FloatVector ol = FloatVector.fromArray(S, gates, ga + 3 * n + last);
        FloatVector dcl = FloatVector.fromArray(S, dcNext, dcOff + last);
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            boolean end = j == last;
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j).add(FloatVector.fromArray(S, dhNext, dhNextOff + j));
            FloatVector i = end ? il : FloatVector.fromArray(S, gates, ga + j);
            FloatVector f = end ? fl : FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector g = end ? gl : FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector o = end ? ol : FloatVector.fromArray(S, gates, ga + 3 * n + j);
            FloatVector t = FloatVector.fromArray(S, tc, tcOff + j);
            FloatVector dcIn = end ? dcl : FloatVector.fromArray(S, dcNext, dcOff + j);
            FloatVector dc = dcIn.add(d.mul(o).mul(one.sub(t.mul(t))));
            dc.mul(g).mul(i).mul(one.sub(i)).intoArray(dG, dgOff + j);
            dc.mul(FloatVector.fromArray(S, c, cOff + j)).mul(f).mul(one.sub(f)).intoArray(dG, dgOff + n + j);
            dc.mul(i).mul(one.sub(g.mul(g))).intoArray(dG, dgOff + 2 * n + j);
            d.mul(t).mul(o).mul(one.sub(o)).intoArray(dG, dgOff + 3 * n + j);
            dc.mul(f).intoArray(dcNext, dcOff + j);
            if (end) {
                break;
            }
        }
        flushSubnormals(dG, dgOff, 4 * n);
        flushSubnormals(dcNext, dcOff, n);
    }

    /**
     * No input may overlap {@code dG}: every input is read where its output is not written, so the last
     * vector needs no preloading. Plain mul/sub (tanh) and a blend (ReLU) as in the scalar form: the same bits.
     */
    @Override
    void rnnCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] h, int hOff, float[] dG,
            int dgOff, int n, boolean relu) {
        int last = n - S.length();
        if (last < 0) {
            rnnBackwardTail(dh, dhOff, dhNext, dhNextOff, h, hOff, dG, dgOff, n, relu, 0);
            return;
        }
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j).add(FloatVector.fromArray(S, dhNext, dhNextOff + j));
            FloatVector y = FloatVector.fromArray(S, h, hOff + j);
            FloatVector g = relu
                    ? FloatVector.zero(S).blend(d, y.compare(VectorOperators.GT, 0f))
                    : d.mul(FloatVector.broadcast(S, 1f).sub(y.mul(y)));
            g.intoArray(dG, dgOff + j);
            if (j == last) {
                break;
            }
        }
        flushSubnormals(dG, dgOff, n);
    }

    /**
     * {@code dG[dgOff..]} may be {@code gates[ga..]} (in place, as generated code calls it) and {@code dhNext}
     * is read and written: these are preloaded for the last vector. {@code dR} must not overlap {@code dG} or the
     * gates; {@code dh}, {@code h} and {@code hn} must not overlap any output.
     */
    @Override
    void gruCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] h,
            int hOff, float[] hn, int hnOff, float[] dG, float[] dR, int dgOff, int n) {
        int last = n - S.length();
        if (last < 0) {
            gruBackwardTail(dh, dhOff, dhNext, dhNextOff, gates, ga, h, hOff, hn, hnOff, dG, dR, dgOff, n, 0);
            return;
        }
        FloatVector rl = FloatVector.fromArray(S, gates, ga + last);
        FloatVector zl = FloatVector.fromArray(S, gates, ga + n + last);
        FloatVector nl = FloatVector.fromArray(S, gates, ga + 2 * n + last);
        FloatVector dhl = FloatVector.fromArray(S, dhNext, dhNextOff + last);
        for (int j = 0;; j = Math.min(j + S.length(), last)) {
            boolean end = j == last;
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector dIn = end ? dhl : FloatVector.fromArray(S, dhNext, dhNextOff + j);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j).add(dIn);
            FloatVector rg = end ? rl : FloatVector.fromArray(S, gates, ga + j);
            FloatVector z = end ? zl : FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector nn = end ? nl : FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector dn = d.mul(one.sub(z)).mul(one.sub(nn.mul(nn)));
            FloatVector dz = d.mul(FloatVector.fromArray(S, h, hOff + j).sub(nn)).mul(z).mul(one.sub(z));
            FloatVector dr = dn.mul(FloatVector.fromArray(S, hn, hnOff + j)).mul(rg).mul(one.sub(rg));
            dr.intoArray(dG, dgOff + j);
            dz.intoArray(dG, dgOff + n + j);
            dn.intoArray(dG, dgOff + 2 * n + j);
            dr.intoArray(dR, dgOff + j);
            dz.intoArray(dR, dgOff + n + j);
            dn.mul(rg).intoArray(dR, dgOff + 2 * n + j);
            d.mul(z).intoArray(dhNext, dhNextOff + j);
            if (end) {
                break;
            }
        }
        flushSubnormals(dG, dgOff, 3 * n);
        flushSubnormals(dR, dgOff, 3 * n);
        flushSubnormals(dhNext, dhNextOff, n);
    }

    /**
     * {@link ArrayOps#flush} over {@code a[off..off+n)} in place, a pass of its own after a backward row
     * (n of at least one vector): inside the cell loops its three operations per stored vector cost the LSTM
     * backward C2's inlining of Vector API calls (vectors boxed, the step 10 % slower). Idempotent, so the
     * overlapping last vector is exact.
     */
    private static void flushSubnormals(float[] a, int off, int n) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector min = FloatVector.broadcast(S, FLUSH_BELOW);
        int last = n - S.length();
        int j = 0;
        for (; j < last; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, a, off + j);
            v.blend(zero, v.abs().compare(VectorOperators.LT, min)).intoArray(a, off + j);
        }
        FloatVector v = FloatVector.fromArray(S, a, off + last);
        v.blend(zero, v.abs().compare(VectorOperators.LT, min)).intoArray(a, off + last);
    }

    private static FloatVector tanh(FloatVector x) {
        FloatVector c = x.max(-Activations.CLAMP).min(Activations.CLAMP);
        FloatVector t = c.mul(c);
        FloatVector p = t.fma(Activations.P6, Activations.P5)
                .fma(t, FloatVector.broadcast(S, Activations.P4))
                .fma(t, FloatVector.broadcast(S, Activations.P3))
                .fma(t, FloatVector.broadcast(S, Activations.P2))
                .fma(t, FloatVector.broadcast(S, Activations.P1))
                .fma(t, FloatVector.broadcast(S, Activations.P0))
                .mul(c);
        FloatVector q = t.fma(Activations.Q3, Activations.Q2)
                .fma(t, FloatVector.broadcast(S, Activations.Q1))
                .fma(t, FloatVector.broadcast(S, 1f));
        return p.div(q);
    }
}
