package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.init.Rng;

/**
 * Cuts a {@link Dataset} into batches, epoch after epoch. With shuffling on, the order of epoch
 * {@code e} is a pure function of {@code (seed, e)}: a run resumed at epoch {@code e} sees exactly the
 * batches the uninterrupted run would have seen, whatever happened before. The last batch of an
 * epoch is short when the batch size does not divide the dataset.
 *
 * <p>One index array is allocated up front; {@link #fill} allocates nothing. Not thread-safe.
 */
public final class Batches {

    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private int epoch = -1;

    /**
     * @param batchSize samples per batch (the last one may have fewer)
     * @param shuffle   reorder the samples each epoch; off for evaluation
     * @param seed      the run's seed; each epoch's order derives from it and the epoch number
     */
    public Batches(Dataset data, int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        if (data.size() < 1) {
            throw new IllegalArgumentException(data.layout().description() + " hold no samples");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.order = new int[data.size()];
        startEpoch(0);
    }

    public Dataset data() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch, the short last one included. */
    public int count() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** Samples per epoch. */
    public int samples() {
        return order.length;
    }

    /** Sets the sample order for epoch {@code e} (0-based): identity, shuffled if asked. */
    public void startEpoch(int e) {
        if (e == epoch) {
            return;
        }
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            new Rng(epochSeed(seed, e)).shuffle(order, order.length);
        }
        epoch = e;
    }

    /** Dataset index of the {@code i}-th sample of the current epoch. */
    public int index(int i) {
        return order[i];
    }

    /**
     * Fills {@code batch} with batch {@code b} (0..count-1) of the current epoch and sets its size.
     *
     * @return the number of samples written
     */
    public int fill(int b, Batch batch) {
        if (b < 0 || b >= count()) {
            throw new IndexOutOfBoundsException("batch " + b + " of " + count());
        }
        if (batch.capacity() < batchSize) {
            throw new IllegalArgumentException("batch capacity " + batch.capacity() + " is smaller than the batch size " + batchSize);
        }
        int first = b * batchSize;
        int n = Math.min(batchSize, order.length - first);
        for (int s = 0; s < n; s++) {
            data.fill(order[first + s], batch, s);
        }
        batch.setSize(n);
        return n;
    }

    /**
     * The generator seed of one epoch: a SplitMix64-style mix so that neighbouring epochs and seeds
     * give unrelated orders.
     */
    public static long epochSeed(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        return z ^ (z >>> 33);
    }
}
