package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.data.Dataset;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One training sample as Spark moves it between machines: the values one slot of a {@link Batch} holds, in
 * the batch's own layout (features or tokens, classes or float targets), so that writing it back into a
 * batch slot gives the bits a {@link Dataset} would have written.
 */
public final class Sample implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] features;
    private final int[] tokens;
    private final int[] classes;
    private final double[] targets;

    Sample(double[] features, int[] tokens, int[] classes, double[] targets) {
        this.features = features;
        this.tokens = tokens;
        this.classes = classes;
        this.targets = targets;
    }

    /**
     * Sample {@code index} of {@code data}, filled through a one-row {@code scratch} batch of the model.
     *
     * @throws UserError if the dataset gives per-sample lengths (not supported on Spark yet)
     */
    public static Sample of(Dataset data, int index, Batch scratch, ModelInfo info) {
        data.fill(index, scratch, 0);
        if (scratch.hasLengths()) {
            throw new UserError("the data give per-sample lengths, which training on Spark does not support yet "
                    + "(a chunk's masked mean needs the whole batch's valid positions); train it with 'rnnc train'");
        }
        int in = info.inputValuesPerSample();
        int out = info.targetValuesPerSample();
        return new Sample(
                scratch.features == null ? null : Arrays.copyOf(scratch.features, in),
                scratch.tokens == null ? null : Arrays.copyOf(scratch.tokens, in),
                scratch.classes == null ? null : Arrays.copyOf(scratch.classes, out),
                scratch.targets == null ? null : Arrays.copyOf(scratch.targets, out));
    }

    /** Writes this sample into {@code slot} of {@code batch} (a batch of the model it was made for). */
    public void writeTo(Batch batch, int slot) {
        copy(features, batch.features, slot);
        copy(tokens, batch.tokens, slot);
        copy(classes, batch.classes, slot);
        copy(targets, batch.targets, slot);
    }

    private static void copy(Object src, Object dst, int slot) {
        if ((src == null) != (dst == null)) {
            throw new IllegalStateException("a sample of another model's layout");
        }
        if (src != null) {
            int n = java.lang.reflect.Array.getLength(src);
            System.arraycopy(src, 0, dst, slot * n, n);
        }
    }
}
