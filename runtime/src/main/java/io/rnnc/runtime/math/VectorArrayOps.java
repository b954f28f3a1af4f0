package io.rnnc.runtime.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The same rational tanh as {@link Activations#tanh(float)}, lane-wise on the Vector API (with fused
 * multiply-adds, so results may differ from the scalar form in the last bit); the tail that does
 * not fill a vector uses the scalar form rather than masks (masked loads are slow on JDK 17).
 */
final class VectorArrayOps extends ArrayOps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    String name() {
        return "vector (" + S.vectorBitSize() + "-bit)";
    }

    @Override
    void tanh(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            tanh(FloatVector.fromArray(S, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Activations.tanh(src[srcOff + i]);
        }
    }

    @Override
    void sigmoid(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, src, srcOff + i);
            tanh(x.mul(0.5f)).fma(0.5f, 0.5f).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Activations.sigmoid(src[srcOff + i]);
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
    // bit for bit except through tanh (whose fused polynomial matches the tanh array form). The
    // remainder that does not fill a vector runs the plain form.

    @Override
    void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, dst, dstOff + i).add(FloatVector.fromArray(S, src, srcOff + i))
                    .intoArray(dst, dstOff + i);
        }
        super.addTo(src, srcOff + i, dst, dstOff + i, n - i);
    }

    @Override
    void lstmCell(float[] gates, int ga, float[] c, int cPrev, int cNext, float[] tc, int tcOff, float[] h, int hOff,
            int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector ig = FloatVector.fromArray(S, gates, ga + j);
            FloatVector fg = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector gg = FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector og = FloatVector.fromArray(S, gates, ga + 3 * n + j);
            FloatVector cNew = fg.mul(FloatVector.fromArray(S, c, cPrev + j)).add(ig.mul(gg));
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
        }
        if (j < n) {
            lstmCellTail(gates, ga, c, cPrev, cNext, tc, tcOff, h, hOff, n, j);
        }
    }

    @Override
    void gruCandidate(float[] rec, int recOff, float[] b, int bOff, float[] hn, int hnOff, float[] gates, int ga, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, rec, recOff + j).add(FloatVector.fromArray(S, b, bOff + j));
            v.intoArray(hn, hnOff + j);
            FloatVector.fromArray(S, gates, ga + 2 * n + j).add(FloatVector.fromArray(S, gates, ga + j).mul(v))
                    .intoArray(gates, ga + 2 * n + j);
        }
        for (; j < n; j++) {
            float v = rec[recOff + j] + b[bOff + j];
            hn[hnOff + j] = v;
            gates[ga + 2 * n + j] += gates[ga + j] * v;
        }
    }

    @Override
    void gruCell(float[] gates, int ga, float[] h, int hPrev, int hNext, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector z = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector pre = FloatVector.fromArray(S, gates, ga + 2 * n + j);
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
            one.sub(z).mul(nn).add(z.mul(FloatVector.fromArray(S, h, hPrev + j))).intoArray(h, hNext + j);
        }
        for (; j < n; j++) {
            float z = gates[ga + n + j];
            float nn = Activations.tanh(gates[ga + 2 * n + j]);
            gates[ga + 2 * n + j] = nn;
            h[hNext + j] = (1f - z) * nn + z * h[hPrev + j];
        }
    }

    @Override
    void lstmCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] tc,
            int tcOff, float[] c, int cOff, float[] dcNext, int dcOff, float[] dG, int dgOff, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j).add(FloatVector.fromArray(S, dhNext, dhNextOff + j));
            FloatVector i = FloatVector.fromArray(S, gates, ga + j);
            FloatVector f = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector g = FloatVector.fromArray(S, gates, ga + 2 * n + j);
            FloatVector o = FloatVector.fromArray(S, gates, ga + 3 * n + j);
            FloatVector t = FloatVector.fromArray(S, tc, tcOff + j);
            FloatVector dc = FloatVector.fromArray(S, dcNext, dcOff + j).add(d.mul(o).mul(one.sub(t.mul(t))));
            dc.mul(g).mul(i).mul(one.sub(i)).intoArray(dG, dgOff + j);
            dc.mul(FloatVector.fromArray(S, c, cOff + j)).mul(f).mul(one.sub(f)).intoArray(dG, dgOff + n + j);
            dc.mul(i).mul(one.sub(g.mul(g))).intoArray(dG, dgOff + 2 * n + j);
            d.mul(t).mul(o).mul(one.sub(o)).intoArray(dG, dgOff + 3 * n + j);
            dc.mul(f).intoArray(dcNext, dcOff + j);
        }
        if (j < n) {
            lstmBackwardTail(dh, dhOff, dhNext, dhNextOff, gates, ga, tc, tcOff, c, cOff, dcNext, dcOff, dG, dgOff, n, j);
        }
    }

    @Override
    void gruCellBackward(float[] dh, int dhOff, float[] dhNext, int dhNextOff, float[] gates, int ga, float[] h,
            int hOff, float[] hn, int hnOff, float[] dG, float[] dR, int dgOff, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += S.length()) {
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j).add(FloatVector.fromArray(S, dhNext, dhNextOff + j));
            FloatVector rg = FloatVector.fromArray(S, gates, ga + j);
            FloatVector z = FloatVector.fromArray(S, gates, ga + n + j);
            FloatVector nn = FloatVector.fromArray(S, gates, ga + 2 * n + j);
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
        }
        if (j < n) {
            gruBackwardTail(dh, dhOff, dhNext, dhNextOff, gates, ga, h, hOff, hn, hnOff, dG, dR, dgOff, n, j);
        }
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
