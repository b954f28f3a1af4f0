package io.rnnc.runtime.model;

import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.init.Init;
import io.rnnc.runtime.init.Rng;

/**
 * How one parameter tensor is initialised, as PyTorch does by default: RNN/LSTM/GRU and Linear tensors
 * from U(-bound, bound) (bound = 1/sqrt(H) or 1/sqrt(fan_in)), Embedding weights from N(0, 1). A
 * generated class lists one per tensor in state_dict order; {@link ChunkedModel#initialize} draws them
 * in that order from one {@link Rng}.
 *
 * @param tensor the parameter's PyTorch name
 * @param normal draw from N(0, 1) rather than the uniform
 * @param bound  the uniform's bound (ignored when {@code normal})
 */
public record TensorInit(String tensor, boolean normal, double bound) {

    public TensorInit {
        if (!normal && !(bound > 0)) {
            throw new IllegalArgumentException(tensor + ": uniform bound must be positive, got " + bound);
        }
    }

    /** U(-bound, bound). */
    public static TensorInit uniform(String tensor, double bound) {
        return new TensorInit(tensor, false, bound);
    }

    /** N(0, 1). */
    public static TensorInit normal(String tensor) {
        return new TensorInit(tensor, true, 0);
    }

    void draw(TensorStore store, Rng rng) {
        if (normal) {
            Init.normal(store, tensor, rng);
        } else {
            Init.uniform(store, tensor, bound, rng);
        }
    }
}
