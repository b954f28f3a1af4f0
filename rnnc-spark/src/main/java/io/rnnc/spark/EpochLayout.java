package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;

import java.io.Serializable;

/**
 * Where each sample of an epoch goes: the epoch's order is the plain trainer's ({@link Batches}, a pure function
 * of seed and epoch), step {@code b} takes epoch positions {@code b·B ..}, and shard {@code s} of a step takes
 * its rows {@code s·S .. s·S + S - 1}. Shard {@code s} of every step lives in Spark partition {@code s}, in
 * step order, so the rows of step {@code b} start at {@code b · shardRows(0, s)} of that partition (only an
 * epoch's last step can be short). Pure arithmetic, no Spark.
 */
public final class EpochLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int samples;
    private final int batchSize;
    private final int shardRows;

    /**
     * @param samples   samples in the training set
     * @param batchSize global batch B
     * @param shardRows rows of one shard S (a multiple of the model's chunk rows, so shards are whole chunks)
     */
    public EpochLayout(int samples, int batchSize, int shardRows) {
        if (samples < 1 || batchSize < 1 || shardRows < 1) {
            throw new IllegalArgumentException("samples, batch and shard rows must be positive: " + samples + ", "
                    + batchSize + ", " + shardRows);
        }
        this.samples = samples;
        this.batchSize = batchSize;
        this.shardRows = Math.min(shardRows, batchSize);
    }

    public int samples() {
        return samples;
    }

    public int batchSize() {
        return batchSize;
    }

    public int shardRows() {
        return shardRows;
    }

    /** Steps per epoch, the short last one included. */
    public int steps() {
        return (samples + batchSize - 1) / batchSize;
    }

    /** Shards of a full step: the Spark partitions. */
    public int shards() {
        return (batchSize + shardRows - 1) / shardRows;
    }

    /** Rows of step {@code b}. */
    public int stepRows(int b) {
        return Math.min(batchSize, samples - b * batchSize);
    }

    /** Rows of shard {@code s} in step {@code b} (0 when a short last step does not reach it). */
    public int shardRows(int b, int s) {
        return Math.max(0, Math.min(shardRows, stepRows(b) - s * shardRows));
    }

    /** Where shard {@code s}'s rows of step {@code b} start in partition {@code s}. */
    public int offset(int b, int s) {
        return b * shardRows(0, s);
    }

    /** The partition (shard) of epoch position {@code p}. */
    public int shardOf(int p) {
        return (p % batchSize) / shardRows;
    }

    /**
     * The epoch position of every sample: {@code result[i]} is where dataset sample {@code i} comes in epoch
     * {@code e}, the inverse of the order {@link Batches} gives the plain trainer.
     */
    public int[] positions(long seed, int epoch) {
        Batches order = new Batches(new Indices(samples), batchSize, true, seed);
        order.startEpoch(epoch);
        int[] pos = new int[samples];
        for (int p = 0; p < samples; p++) {
            pos[order.index(p)] = p;
        }
        return pos;
    }

    /** A dataset of n samples that only has a size: what {@link Batches} needs to give an order. */
    private record Indices(int size) implements Dataset {
        @Override
        public SampleLayout layout() {
            throw new UnsupportedOperationException("an order only");
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            throw new UnsupportedOperationException("an order only");
        }
    }
}
