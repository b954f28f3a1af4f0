package io.rnnc.runtime.kernel;

import io.rnnc.runtime.math.Activations;

/** Run by {@link VectorizationTest} in a JVM without the Vector API module. */
public final class NoVectorMain {

    private NoVectorMain() {
    }

    public static void main(String[] args) {
        float[] a = {1, 2, 3, 4, 5, 6};     // [2x3]
        float[] b = {1, 0, 2, 1, 0, 3};     // [3x2]
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, false, c, 0, 2);
        float[] t = {0.5f, -0.5f};
        Activations.tanh(t, 0, 2);
        PackedFloatMatrix pb = PackedFloatMatrix.allocate(3, 2);
        pb.pack(false, b, 0, 2);
        float[] c2 = new float[4];
        Gemm.sgemm(2, a, 0, 3, pb, false, c2, 0, 2);
        boolean ok = c[0] == 5 && c[1] == 11 && c[2] == 14 && c[3] == 23
                && java.util.Arrays.equals(c, c2) && Math.abs(t[0] - Math.tanh(0.5)) < 1e-6;
        System.out.println("RESULT " + Gemm.implementation() + " " + Activations.implementation() + " " + (ok ? "ok" : "WRONG"));
    }
}
