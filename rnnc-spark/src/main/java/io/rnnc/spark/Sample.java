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
    /** The sample's (input) length and output length, or 0 when the data give no lengths. */
    private final int length;
    private final int targetLength;

    Sample(double[] features, int[] tokens, int[] classes, double[] targets) {
        this(features, tokens, classes, targets, 0, 0);
    }

    Sample(double[] features, int[] tokens, int[] classes, double[] targets, int length, int targetLength) {
        this.features = features;
        this.tokens = tokens;
        this.classes = classes;
        this.targets = targets;
        this.length = length;
        this.targetLength = targetLength;
    }

    /** The data gave this sample its own length. */
    public boolean hasLengths() {
        return length > 0;
    }

    /** Valid input positions of this sample, as {@link Batch#validPositions} counts them (max length without lengths). */
    public long validPositions(int maxLength) {
        return length > 0 ? length : maxLength;
    }

    /** Valid output positions, as {@link Batch#validTargetPositions} counts them. */
    public long validTargetPositions(int maxTargetLength) {
        return length > 0 ? targetLength : maxTargetLength;
    }

    /**
     * Sample {@code index} of {@code data}, filled through a one-row {@code scratch} batch of the model.
     *
     * Per-sample lengths the dataset sets are kept.
     */
    public static Sample of(Dataset data, int index, Batch scratch, ModelInfo info) {
        scratch.clearLengths();
        data.fill(index, scratch, 0);
        boolean lengths = scratch.hasLengths();
        int in = info.inputValuesPerSample();
        int out = info.targetValuesPerSample();
        return new Sample(
                scratch.features == null ? null : Arrays.copyOf(scratch.features, in),
                scratch.tokens == null ? null : Arrays.copyOf(scratch.tokens, in),
                scratch.classes == null ? null : Arrays.copyOf(scratch.classes, out),
                scratch.targets == null ? null : Arrays.copyOf(scratch.targets, out),
                lengths ? scratch.length(0) : 0, lengths ? scratch.targetLength(0) : 0);
    }

    /**
     * Writes this sample into {@code slot} of {@code batch} (a batch of the model it was made for), with its
     * lengths if it has them (clear the batch's lengths before filling it).
     */
    public void writeTo(Batch batch, int slot) {
        copy(features, batch.features, slot);
        copy(tokens, batch.tokens, slot);
        copy(classes, batch.classes, slot);
        copy(targets, batch.targets, slot);
        if (length > 0) {
            if (batch.maxLength() > 0) {
                batch.setLength(slot, length);
            }
            if (batch.maxTargetLength() > 0) {
                batch.setTargetLength(slot, targetLength);
            }
        }
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
