package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;

/**
 * A fixed, indexable set of samples that writes any one of them into a slot of a {@link Batch}, in
 * place: reading data for a training step allocates nothing. {@link Batches} turns a dataset into
 * shuffled batches; {@link Datasets} makes subsets and splits.
 *
 * <p>Implementations are immutable after construction, so one dataset can feed several loaders.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** What one sample looks like, to check it against a model before training starts. */
    SampleLayout layout();

    /**
     * Writes sample {@code index} (0..size-1) into position {@code slot} of {@code batch}: its inputs
     * (features or tokens) and its targets (classes or floats), in the batch-major layout of {@link Batch}.
     */
    void fill(int index, Batch batch, int slot);
}
