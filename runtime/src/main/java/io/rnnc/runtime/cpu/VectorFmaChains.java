package io.rnnc.runtime.cpu;

import io.rnnc.runtime.kernel.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link FmaPeak}'s chains on the CPU's preferred vectors; loaded only when the Vector API module is present. */
final class VectorFmaChains {

    /**
     * The hardware's species (not the one the kernels may be forced to), a constant so that C2 compiles the
     * chains to vector registers (a variable one runs boxed).
     */
    private static final VectorSpecies<Float> S = FloatSpecies.HARDWARE;

    private VectorFmaChains() {
    }

    static int lanes() {
        return S.length();
    }

    static int bits() {
        return S.vectorBitSize();
    }

    static float run(long iterations) {
        FloatVector b = FloatVector.broadcast(S, 0.999999f);
        FloatVector c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 0f), a1 = FloatVector.broadcast(S, 1f);
        FloatVector a2 = FloatVector.broadcast(S, 2f), a3 = FloatVector.broadcast(S, 3f);
        FloatVector a4 = FloatVector.broadcast(S, 4f), a5 = FloatVector.broadcast(S, 5f);
        FloatVector a6 = FloatVector.broadcast(S, 6f), a7 = FloatVector.broadcast(S, 7f);
        FloatVector a8 = FloatVector.broadcast(S, 8f), a9 = FloatVector.broadcast(S, 9f);
        FloatVector a10 = FloatVector.broadcast(S, 10f), a11 = FloatVector.broadcast(S, 11f);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(b, c);
            a1 = a1.fma(b, c);
            a2 = a2.fma(b, c);
            a3 = a3.fma(b, c);
            a4 = a4.fma(b, c);
            a5 = a5.fma(b, c);
            a6 = a6.fma(b, c);
            a7 = a7.fma(b, c);
            a8 = a8.fma(b, c);
            a9 = a9.fma(b, c);
            a10 = a10.fma(b, c);
            a11 = a11.fma(b, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
