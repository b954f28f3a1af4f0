package io.rnnc.runtime.init;

import io.rnnc.runtime.TensorStore;

/**
 * PyTorch's default initialisations: RNN/LSTM/GRU weights and biases and Linear layers draw from
 * U(-bound, bound) (bound = 1/sqrt(H) or 1/sqrt(fan_in)); Embedding draws from N(0, 1). Elements are
 * drawn in row-major order, tensor after tensor, from one {@link Rng}.
 */
public final class Init {

    private Init() {
    }

    public static void uniform(TensorStore store, String name, double bound, Rng rng) {
        var t = store.info(name);
        for (int i = 0; i < t.size(); i++) {
            store.set(t.offset() + i, (2 * rng.nextDouble() - 1) * bound);
        }
    }

    public static void normal(TensorStore store, String name, Rng rng) {
        var t = store.info(name);
        for (int i = 0; i < t.size(); i++) {
            store.set(t.offset() + i, rng.nextGaussian());
        }
    }
}
