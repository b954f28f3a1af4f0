package io.rnnc.runtime.math;

/**
 * Scalar non-linearities, small enough for the JIT to inline into generated loops. The float forms
 * are the fast ones generated float32 code uses; the double forms are exact (float64 models exist
 * for gradient checks, where an approximation would show as error).
 */
public final class Activations {

    private Activations() {
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }

    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
