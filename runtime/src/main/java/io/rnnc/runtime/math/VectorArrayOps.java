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
