package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;

/**
 * The rows of a chunk ordered by sequence length, longest first, and how many are still running at each
 * step: PyTorch's {@code sorted_indices} and {@code batch_sizes} of a packed sequence. Generated code
 * computes it once per step from {@link Batch}'s lengths and then lets the work of step t follow the rows
 * still running: rows {@code row(0) .. row(activeRows(t) - 1)}, all of which have {@code length > t}.
 *
 * <p><b>The plan for generated code.</b> Gather the chunk's rows in this order into its step buffers at
 * {@code loadInputs}, so that the rows running at step t are the first {@code activeRows(t)} of every buffer
 * and each per-step matrix product covers only them (the recurrence over {@code m <= n} contiguous rows);
 * a row that stops keeps its state from its last valid step (h_n), its outputs after it are zero, and nothing
 * after it enters the backward pass. Scatter back to the user's order only where rows leave the model
 * (logits, outputs, final states). Each row's own arithmetic does not depend on where it sits, so a sample's
 * results do not depend on the order of the batch; only sums over rows (weight gradients, the loss) change
 * with it, by float rounding. The order is stable (equal lengths keep their row order), so the same batch
 * gives the same bits on any thread count.
 *
 * <p>The backward direction of a bidirectional layer runs t = {@link #longest()}-1 down to 0 over the same
 * prefixes: the rows that join at step t (their last valid step) are sorted positions
 * {@code activeRows(t + 1) .. activeRows(t) - 1}, whose reverse state starts there from zeros; so each sample's
 * reverse pass starts at its own last step, as PyTorch's packed reverse direction does.
 *
 * <p>Sized once ({@code capacity} rows, {@code maxSteps} steps); {@link #update} allocates nothing: a counting
 * sort, O(rows + steps). Not thread-safe: one per chunk.
 */
public final class LengthOrder {

    private final int capacity;
    private final int maxSteps;
    /** order[k] = the chunk row at sorted position k. */
    private final int[] order;
    /** position[r] = where chunk row r sits in the order (the inverse permutation). */
    private final int[] position;
    /** active[t] = rows whose length exceeds t, for t in 0..maxSteps. */
    private final int[] active;
    /** Counting-sort scratch, one slot per length 0..maxSteps. */
    private final int[] next;
    private int rows;

    /**
     * @param capacity rows of a chunk at most
     * @param maxSteps the longest length a row may have (T, T_in or T_out)
     */
    public LengthOrder(int capacity, int maxSteps) {
        if (capacity < 1 || maxSteps < 1) {
            throw new IllegalArgumentException("capacity and steps must be positive: " + capacity + ", " + maxSteps);
        }
        this.capacity = capacity;
        this.maxSteps = maxSteps;
        this.order = new int[capacity];
        this.position = new int[capacity];
        this.active = new int[maxSteps + 1];
        this.next = new int[maxSteps + 1];
    }

    /** Orders rows {@code row0 .. row0+n-1} of a batch by their (input) lengths; rows are numbered 0..n-1. */
    public void update(Batch batch, int row0, int n) {
        update(batch.lengthsArray(), row0, n);
    }

    /** Orders rows {@code row0 .. row0+n-1} of a batch by their output lengths (seq2seq's decoder). */
    public void updateTargets(Batch batch, int row0, int n) {
        update(batch.targetLengthsArray(), row0, n);
    }

    /**
     * Orders {@code lengths[row0 .. row0+n-1]} (each 1..maxSteps, as {@link Batch#checkLengths} guarantees),
     * longest first, ties in row order; the rows are numbered 0..n-1.
     */
    public void update(int[] lengths, int row0, int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("rows " + n + " outside 1.." + capacity);
        }
        java.util.Arrays.fill(active, 0);
        for (int r = 0; r < n; r++) {
            int len = lengths[row0 + r];
            if (len < 1 || len > maxSteps) {
                throw new IllegalArgumentException("row " + r + " has length " + len + ", outside 1.." + maxSteps);
            }
            active[len - 1]++;
        }
        // active[t] = rows with length > t = rows with length >= t+1: a suffix sum of the counts
        for (int t = maxSteps - 2; t >= 0; t--) {
            active[t] += active[t + 1];
        }
        active[maxSteps] = 0;
        // Rows of length len start after every longer row: at active[len] (rows with length > len)
        for (int len = 1; len <= maxSteps; len++) {
            next[len] = active[len];
        }
        for (int r = 0; r < n; r++) {
            int k = next[lengths[row0 + r]]++;
            order[k] = r;
            position[r] = k;
        }
        rows = n;
    }

    /**
     * {@code n} rows of one length each, in row order: the identity order, every row running for the first
     * {@code length} steps (1..maxSteps). Generation encodes a source this way without a {@link Batch}.
     */
    public void uniform(int n, int length) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("rows " + n + " outside 1.." + capacity);
        }
        if (length < 1 || length > maxSteps) {
            throw new IllegalArgumentException("length " + length + " outside 1.." + maxSteps);
        }
        for (int r = 0; r < n; r++) {
            order[r] = r;
            position[r] = r;
        }
        java.util.Arrays.fill(active, 0, length, n);
        java.util.Arrays.fill(active, length, maxSteps + 1, 0);
        rows = n;
    }

    /** Rows of the last update. */
    public int rows() {
        return rows;
    }

    /** The chunk row at sorted position k (0 = a longest row). */
    public int row(int k) {
        return order[k];
    }

    /** Sorted position of chunk row r (the inverse of {@link #row}). */
    public int position(int r) {
        return position[r];
    }

    /** Rows whose length exceeds t (still running at step t): the first this many of the order. 0 for t >= maxSteps. */
    public int activeRows(int t) {
        return t >= maxSteps ? 0 : active[t];
    }

    /**
     * Some row of the last update is shorter than maxSteps: the step blocks have padding, and generated code
     * takes its per-step path (products over the running rows only) instead of the merged products of a
     * full batch.
     */
    public boolean ragged() {
        return active[maxSteps - 1] < rows;
    }

    /** The longest length of the last update (the steps a chunk must run). */
    public int longest() {
        int t = 0;
        while (t < maxSteps && active[t] > 0) {
            t++;
        }
        return t;
    }

    /** The order array itself, {@code [capacity]} (read only; the first {@link #rows()} are valid). */
    public int[] orderArray() {
        return order;
    }
}
