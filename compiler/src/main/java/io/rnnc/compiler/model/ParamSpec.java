package io.rnnc.compiler.model;

import java.util.List;

/**
 * One trainable tensor under its PyTorch state_dict name, with its shape and PyTorch's default
 * initialisation: U(-bound, bound) or, for embeddings, N(0, 1).
 *
 * @param offset first element of this tensor in the model's flat parameter store
 */
public record ParamSpec(String name, List<Integer> shape, Init init, double bound, long offset) {

    public enum Init { UNIFORM, NORMAL }

    public ParamSpec {
        shape = List.copyOf(shape);
    }

    public long size() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@code rnn.weight_ih_l0 [400, 28]} */
    @Override
    public String toString() {
        return name + " " + shape;
    }
}
