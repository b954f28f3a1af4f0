package io.rnnc.runtime.math;

import io.rnnc.runtime.kernel.Vectorization;

/**
 * Array forms of the float non-linearities: {@link VectorArrayOps} on the Vector API when
 * {@link Vectorization#enabled()}, else this plain form (whose loops C2 auto-vectorises). The vector
 * class is loaded by name, so nothing touches {@code jdk.incubator.vector} when it is absent.
 */
class ArrayOps {

    static ArrayOps create() {
        if (Vectorization.enabled()) {
            try {
                return (ArrayOps) Class.forName("io.rnnc.runtime.math.VectorArrayOps")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("rnnc: could not start the Vector API activations (" + e + "); using plain Java.");
            }
        }
        return new ArrayOps();
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
}
