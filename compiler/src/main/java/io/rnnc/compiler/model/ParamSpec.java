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
        Invariants.require(name != null && !name.isEmpty(), "a parameter needs a name");
        Invariants.present(init, "parameter init");
        shape = List.copyOf(shape);
        Invariants.require(!shape.isEmpty() && shape.stream().allMatch(d -> d >= 1), "parameter", name,
                "needs a non-empty shape of positive sizes, got", shape);
        Invariants.require(offset >= 0, "parameter", name, "has a negative offset", offset);
        Invariants.require(Double.isFinite(bound) && bound >= 0, "parameter", name, "has init bound", bound);
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
