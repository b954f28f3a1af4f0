package io.rnnc.runtime;

import java.util.Arrays;

/** One named tensor inside a flat store: PyTorch state_dict name, row-major shape, first element. */
public record TensorInfo(String name, int[] shape, int offset) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && Arrays.equals(t.shape, shape) && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape) + offset;
    }

    /** {@code rnn.weight_ih_l0 [400, 28]} */
    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape);
    }
}
