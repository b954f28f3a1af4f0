package io.rnnc.spark;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * Chunk gradients being summed in chunk order, wherever they arrive from. A single machine computes
 * {@code g = g0; g += g1; g += g2; ...} and {@code loss = 0; loss += l0; ...}; floating-point addition is not
 * associative, so a tree of partial sums would give other bits. This accumulator folds a chunk into the sum only
 * when every chunk before it has been folded, and keeps the others pending. Merged in any order and in any tree
 * (Spark's {@code treeAggregate}, a collect), it ends with the single machine's bits; what travels up the tree
 * is the folded prefix plus the chunks that cannot be folded yet.
 */
final class ChunkSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Chunks folded into {@link #prefix}: 0 .. folded-1. */
    private int folded;
    private FlatValues prefix;
    private double loss;
    /** The longest time one task spent computing its chunks (for the overhead figures). */
    private long slowestTaskNanos;
    /** Chunks that arrived before one of their predecessors. */
    private final TreeMap<Integer, Chunk> pending = new TreeMap<>();

    private record Chunk(FlatValues gradients, double loss) implements Serializable {
    }

    /** Nothing yet: the zero of the aggregation. */
    ChunkSum() {
    }

    /** Adds chunk {@code index}'s gradients and loss share (the accumulator keeps {@code gradients}). */
    ChunkSum add(int index, FlatValues gradients, double chunkLoss) {
        if (index < folded || pending.containsKey(index)) {
            throw new IllegalStateException("chunk " + index + " added twice");
        }
        pending.put(index, new Chunk(gradients, chunkLoss));
        fold();
        return this;
    }

    /** Notes that one task computed for {@code nanos}. */
    void recordTask(long nanos) {
        slowestTaskNanos = Math.max(slowestTaskNanos, nanos);
    }

    long slowestTaskNanos() {
        return slowestTaskNanos;
    }

    /** Takes in everything {@code other} holds (other is not used afterwards). */
    ChunkSum merge(ChunkSum other) {
        slowestTaskNanos = Math.max(slowestTaskNanos, other.slowestTaskNanos);
        if (other.folded > 0) {
            if (folded > 0) {
                throw new IllegalStateException("two sums both hold chunk 0");
            }
            // other's prefix comes first; this one's chunks are all pending (it has no chunk 0)
            folded = other.folded;
            prefix = other.prefix;
            loss = other.loss;
        }
        for (var e : other.pending.entrySet()) {
            if (e.getKey() < folded || pending.containsKey(e.getKey())) {
                throw new IllegalStateException("chunk " + e.getKey() + " added twice");
            }
            pending.put(e.getKey(), e.getValue());
        }
        fold();
        return this;
    }

    private void fold() {
        for (Chunk c = pending.remove(folded); c != null; c = pending.remove(folded)) {
            if (folded == 0) {
                prefix = c.gradients;
                loss = 0;
            } else {
                prefix.add(c.gradients);
            }
            loss += c.loss;
            folded++;
        }
    }

    /** Chunks folded so far (all of a step's chunks once every task's sum has been merged). */
    int folded() {
        return folded;
    }

    /** Chunks still waiting for a predecessor. */
    int pending() {
        return pending.size();
    }

    /** The gradient sum of chunks 0 .. folded-1. */
    FlatValues gradients() {
        return prefix;
    }

    /** The step's mean loss: the chunks' shares added in chunk order. */
    double loss() {
        return loss;
    }
}
