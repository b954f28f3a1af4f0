package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

/**
 * Batches for stateful training (truncated backpropagation through time) over one long sequence: a book
 * for a character model, years of a time series. The stream of N positions is cut into B parallel rows of
 * L consecutive positions each — row b reads positions {@code [b·L, (b+1)·L)} — and each row into chunks
 * of T steps: chunk j is steps {@code [j·T, (j+1)·T)} of every row (the char-RNN layout, and that of the
 * {@code stateful_chunks} fixtures). Batch j+1's row b therefore continues batch j's row b, so a stateful
 * model starts chunk j+1 from chunk j's final state; {@link #fill} says {@link Start#RESET_STATE} for chunk
 * 0 — the start of every epoch — and {@link Start#CARRY_STATE} otherwise.
 *
 * <p><b>Targets.</b> {@link #nextTokens} predicts the next token: the target of position p is the id at
 * p+1, so the rows need N-1 positions and L = floor((N-1)/B). The other factories take a target per
 * position (class ids or value vectors, aligned with the inputs) and L = floor(N/B). The N - B·L positions
 * that do not fill a row are left out, as PyTorch's {@code batchify}.
 *
 * <p><b>The last chunk</b> when T does not divide L, chosen by {@link Tail}: {@link Tail#KEEP} makes it a
 * chunk of L mod T steps carried with that length in every row (the rest is zero padding the model ignores),
 * so every position is trained on exactly once — PyTorch's {@code word_language_model}, whose last
 * {@code get_batch} is shorter; the model must then take per-sample lengths. {@link Tail#DROP} leaves those
 * positions out so every batch is full-length — Karpathy's char-rnn and {@code drop_remainder=True} — for a
 * model or a comparison without lengths.
 *
 * <p>Holds the stream arrays it was given (not copied); {@link #fill} allocates nothing. Not thread-safe.
 */
public final class StreamBatches {

    /** What a stateful model does with its carried state before training on a batch. */
    public enum Start {
        /** Zero the state first: the batch starts the stream (chunk 0 of an epoch). */
        RESET_STATE,
        /** Start from the final state of the previous batch, whose rows this batch continues. */
        CARRY_STATE
    }

    /** The last chunk of each row when the chunk length does not divide the row length. */
    public enum Tail {
        /** Leave the last L mod T positions of every row out: every batch has T steps. */
        DROP,
        /** Train on them as a shorter last chunk, with that length set in the batch. */
        KEEP
    }

    private final int[] ids;
    private final double[] features;
    private final int width;
    private final int[] classes;
    private final double[] values;
    private final int targetWidth;
    /** Target of position p is at p + shift: 1 for next-token prediction, 0 for aligned targets. */
    private final int shift;
    private final int rows;
    private final int steps;
    private final int rowLength;
    private final int chunks;
    private final int lastSteps;

    private StreamBatches(String what, int positions, int[] ids, double[] features, int width, int[] classes, double[] values,
                          int targetWidth, int shift, int rows, int steps, Tail tail) {
        if (rows < 1 || steps < 1) {
            throw new IllegalArgumentException("rows and steps must be positive: " + rows + ", " + steps);
        }
        this.ids = ids;
        this.features = features;
        this.width = width;
        this.classes = classes;
        this.values = values;
        this.targetWidth = targetWidth;
        this.shift = shift;
        this.rows = rows;
        this.steps = steps;
        int usable = positions - shift;
        this.rowLength = Math.max(0, usable) / rows;
        int need = tail == Tail.DROP ? steps : 1;
        if (rowLength < need) {
            long minimum = (long) rows * need + shift;
            StringBuilder hint = new StringBuilder();
            if (usable >= need) {
                hint.append("lower the batch to at most ").append(usable / need).append(usable / need == 1 ? " row" : " rows");
            }
            if (tail == Tail.DROP && usable >= rows) {
                hint.append(hint.length() > 0 ? " or " : "").append("lower the sequence to at most ").append(usable / rows).append(" steps")
                        .append(", or keep the short last chunk (Tail.KEEP)");
            }
            throw new RnncIoException("a stream of " + positions + " " + what + " is too short for " + rows + " rows"
                    + (tail == Tail.DROP ? " of " + steps + " steps" : "") + ": it needs at least " + minimum
                    + (shift > 0 ? " (each row's inputs and the token after the last one)" : "")
                    + (hint.length() > 0 ? "; " + hint : ""));
        }
        int full = rowLength / steps;
        int rest = rowLength % steps;
        this.chunks = tail == Tail.KEEP && rest > 0 ? full + 1 : full;
        this.lastSteps = tail == Tail.KEEP && rest > 0 ? rest : steps;
    }

    /**
     * A token stream whose targets are the next token (a character or word model).
     *
     * @param rows  B, the batch (rows trained in parallel, each continuing itself from batch to batch)
     * @param steps T, the spec's sequence length (steps per chunk)
     */
    public static StreamBatches nextTokens(int[] ids, int rows, int steps, Tail tail) {
        return new StreamBatches("tokens", ids.length, ids, null, 0, null, null, 0, 1, rows, steps, tail);
    }

    /** Token inputs with a class target per position ({@code classes.length == ids.length}). */
    public static StreamBatches tokens(int[] ids, int[] classes, int rows, int steps, Tail tail) {
        checkAligned(ids.length, classes.length, "class targets");
        return new StreamBatches("tokens", ids.length, ids, null, 0, classes, null, 0, 0, rows, steps, tail);
    }

    /**
     * Feature vectors {@code [N, width]} with a value target per position {@code [N, targetWidth]} (a series
     * forecast: put the next value in the targets).
     */
    public static StreamBatches features(double[] x, int width, double[] targets, int targetWidth, int rows, int steps,
                                         Tail tail) {
        int n = positions(x.length, width, "features");
        checkAligned(n, positions(targets.length, targetWidth, "targets"), "target vectors");
        return new StreamBatches("steps", n, null, x, width, null, targets, targetWidth, 0, rows, steps, tail);
    }

    /** Feature vectors {@code [N, width]} with a class target per position. */
    public static StreamBatches features(double[] x, int width, int[] classes, int rows, int steps, Tail tail) {
        int n = positions(x.length, width, "features");
        checkAligned(n, classes.length, "class targets");
        return new StreamBatches("steps", n, null, x, width, classes, null, 0, 0, rows, steps, tail);
    }

    /** B, the rows of every batch. */
    public int rows() {
        return rows;
    }

    /** T, the steps of a full chunk. */
    public int steps() {
        return steps;
    }

    /** L, the stream positions each row reads. */
    public int rowLength() {
        return rowLength;
    }

    /** Batches per epoch (chunks of each row). */
    public int chunks() {
        return chunks;
    }

    /** Steps of chunk j: T, or L mod T for a kept short last chunk. */
    public int chunkSteps(int j) {
        checkChunk(j);
        return j == chunks - 1 ? lastSteps : steps;
    }

    /**
     * Fills {@code batch} (a many_to_many batch of T steps and at least B rows) with chunk j of every row:
     * row b, step t is stream position {@code b·L + j·T + t}. Sets the size to B; a full chunk clears the
     * lengths, a short last chunk sets every row's length to its steps and zeros the padding.
     *
     * @return whether the model resets its state first ({@code j == 0}) or carries it
     */
    public Start fill(int j, Batch batch) {
        checkChunk(j);
        checkBatch(batch);
        int n = chunkSteps(j);
        batch.setSize(rows);
        batch.clearLengths();
        for (int b = 0; b < rows; b++) {
            int p = b * rowLength + j * steps;
            int at = b * steps;
            if (ids != null) {
                System.arraycopy(ids, p, batch.tokens, at, n);
                java.util.Arrays.fill(batch.tokens, at + n, at + steps, 0);
            } else {
                System.arraycopy(features, p * width, batch.features, at * width, n * width);
                java.util.Arrays.fill(batch.features, (at + n) * width, (at + steps) * width, 0.0);
            }
            if (classes != null) {
                System.arraycopy(classes, p, batch.classes, at, n);
                java.util.Arrays.fill(batch.classes, at + n, at + steps, 0);
            } else if (values != null) {
                System.arraycopy(values, p * targetWidth, batch.targets, at * targetWidth, n * targetWidth);
                java.util.Arrays.fill(batch.targets, (at + n) * targetWidth, (at + steps) * targetWidth, 0.0);
            } else {
                System.arraycopy(ids, p + 1, batch.classes, at, n);
                java.util.Arrays.fill(batch.classes, at + n, at + steps, 0);
            }
            if (n < steps) {
                batch.setLength(b, n);
            }
        }
        return j == 0 ? Start.RESET_STATE : Start.CARRY_STATE;
    }

    /**
     * The stream as a {@link Dataset} of {@code chunks() · rows()} samples in stream order: sample {@code j·B + b} is
     * chunk j of row b, so {@link Batches} of exactly B samples, unshuffled, give the batches {@link #fill} gives
     * (batch j continues batch j-1 row by row). This is how a {@code Trainer} trains a stateful model on a stream
     * (its options' {@code withStream}); the caller resets the model's state at the start of each epoch. Needs
     * full chunks only ({@link Tail#DROP}, or a row length T divides).
     *
     * @param description what the stream is, for messages
     */
    public Dataset asDataset(String description) {
        if (lastSteps != steps) {
            throw new IllegalStateException("a stream whose last chunk is short (Tail.KEEP) is read with fill(j, batch)");
        }
        boolean tokenInputs = ids != null;
        boolean classTargets = classes != null || values == null;
        int vocab = 0;
        if (tokenInputs) {
            for (int id : ids) {
                vocab = Math.max(vocab, id + 1);
            }
        }
        int classCount = 0;
        if (classTargets) {
            for (int c : classes != null ? classes : ids) {
                classCount = Math.max(classCount, c + 1);
            }
        }
        SampleLayout layout = new SampleLayout(tokenInputs, tokenInputs ? new int[] {steps} : new int[] {steps, width}, vocab,
                classTargets, classTargets ? new int[] {steps} : new int[] {steps, targetWidth}, classCount, description);
        return new Dataset() {
            @Override
            public int size() {
                return chunks * rows;
            }

            @Override
            public SampleLayout layout() {
                return layout;
            }

            @Override
            public void fill(int index, Batch batch, int slot) {
                int j = index / rows;
                int p = (index % rows) * rowLength + j * steps;
                int at = slot * steps;
                if (ids != null) {
                    System.arraycopy(ids, p, batch.tokens, at, steps);
                } else {
                    System.arraycopy(features, p * width, batch.features, at * width, steps * width);
                }
                if (classes != null) {
                    System.arraycopy(classes, p, batch.classes, at, steps);
                } else if (values != null) {
                    System.arraycopy(values, p * targetWidth, batch.targets, at * targetWidth, steps * targetWidth);
                } else {
                    System.arraycopy(ids, p + 1, batch.classes, at, steps);
                }
            }
        };
    }

    private void checkBatch(Batch batch) {
        if (batch.capacity() < rows) {
            throw new IllegalArgumentException("the batch holds " + batch.capacity() + " rows, the stream is cut into " + rows);
        }
        boolean tokenInputs = ids != null;
        boolean classTargets = classes != null || values == null;
        if ((tokenInputs ? batch.tokens : batch.features) == null || (classTargets ? batch.classes : batch.targets) == null) {
            throw new IllegalArgumentException("the stream has " + (tokenInputs ? "token" : "feature") + " inputs and "
                    + (classTargets ? "class" : "value") + " targets; the batch's model does not");
        }
        int inPerRow = (tokenInputs ? batch.tokens.length : batch.features.length) / batch.capacity();
        int outPerRow = (classTargets ? batch.classes.length : batch.targets.length) / batch.capacity();
        if (batch.maxLength() != steps || inPerRow != steps * (tokenInputs ? 1 : width)
                || outPerRow != steps * (classTargets ? 1 : targetWidth)) {
            throw new IllegalArgumentException("the batch is not a many_to_many batch of " + steps + " steps"
                    + (tokenInputs ? "" : " of " + width + " features") + (classTargets ? "" : " and " + targetWidth + " targets"));
        }
    }

    private void checkChunk(int j) {
        if (j < 0 || j >= chunks) {
            throw new IndexOutOfBoundsException("chunk " + j + " of " + chunks);
        }
    }

    private static int positions(int length, int width, String what) {
        if (width < 1 || length % width != 0) {
            throw new IllegalArgumentException(length + " " + what + " values are not whole vectors of " + width);
        }
        return length / width;
    }

    private static void checkAligned(int inputs, int targets, String what) {
        if (targets != inputs) {
            throw new IllegalArgumentException(inputs + " input positions but " + targets + " " + what + ": one per position");
        }
    }
}
