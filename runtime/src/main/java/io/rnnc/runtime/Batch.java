package io.rnnc.runtime;

import java.util.Arrays;

/**
 * One batch of inputs and targets, batch-major, in arrays sized once for a model's largest batch
 * and refilled in place, so that a training loop allocates nothing per step.
 * <ul>
 *   <li>{@code features}: float inputs {@code [B, T, I]} ({@code [B, I]} for one_to_one and one_to_many);
 *       null for token models</li>
 *   <li>{@code tokens}: token ids {@code [B, T]} ({@code [B, T_in]} for seq2seq); null for feature models</li>
 *   <li>{@code classes}: class-id targets {@code [B]} or {@code [B, T_out]} (cross-entropy); else null</li>
 *   <li>{@code targets}: float targets {@code [B, O]} or {@code [B, T_out, O]} (mse, bce); else null</li>
 * </ul>
 * Only the first {@link #size()} samples are used. Features and targets are doubles so that one
 * batch type serves float32 and float64 models; generated float32 code narrows them as it reads.
 *
 * <h2>Per-sample lengths</h2>
 * The spec's {@code sequence T} is the longest a sample may be. A batch may say how long each sample
 * really is, PyTorch's {@code pack_padded_sequence(x, lengths, enforce_sorted=False)}: positions at and
 * after a sample's length are padding, whatever they hold, and must not enter a state, a loss, a gradient
 * or a metric. Which lengths a mode reads:
 * <table>
 *   <caption>lengths by mode</caption>
 *   <tr><th>mode</th><th>{@link #length} (1..{@link #maxLength()})</th><th>{@link #targetLength} (1..{@link #maxTargetLength()})</th></tr>
 *   <tr><td>one_to_one</td><td>none</td><td>none</td></tr>
 *   <tr><td>one_to_many</td><td>none (x is one vector)</td><td>output steps (T)</td></tr>
 *   <tr><td>many_to_one</td><td>input steps (T); the head reads step length-1</td><td>none</td></tr>
 *   <tr><td>many_to_many</td><td>input and output steps (T)</td><td>none (the same as the length)</td></tr>
 *   <tr><td>seq2seq</td><td>source steps (T_in)</td><td>target steps (T_out)</td></tr>
 * </table>
 * Every length starts at its maximum, and {@link #hasLengths()} is false: such a batch is exactly today's
 * fixed-length batch, and generated code tests {@link #hasLengths()} (one field read) to keep its fixed path.
 * {@link #setLength}/{@link #setTargetLength} mark the batch as carrying lengths (even when the value set is
 * the maximum); {@link #clearLengths()} makes it a fixed-length batch again. A dataset that sets lengths must
 * set them for every row it fills; one that does not leaves them alone (so a batch reused across datasets of
 * both kinds should be cleared when switching). The model checks them with {@link #checkLengths} before a step.
 * Setting, checking and reading lengths allocate nothing.
 */
public final class Batch {

    private final int capacity;
    private int size;

    public final double[] features;
    public final int[] tokens;
    public final int[] classes;
    public final double[] targets;

    /** Length of each row's (input or source) sequence, {@code [capacity]}; all {@link #maxLength} until set. */
    private final int[] lengths;
    /** Length of each row's output sequence (seq2seq, one_to_many), {@code [capacity]}; all {@link #maxTargetLength} until set. */
    private final int[] targetLengths;
    /** Longest (input) sequence this batch's model takes; 0 when its mode has no input sequence. */
    private final int maxLength;
    /** Longest separate output sequence (seq2seq, one_to_many); 0 when the mode has none. */
    private final int maxTargetLength;
    private boolean hasLengths;

    private Batch(int capacity, double[] features, int[] tokens, int[] classes, double[] targets, int maxLength,
                  int maxTargetLength) {
        this.capacity = capacity;
        this.size = capacity;
        this.features = features;
        this.tokens = tokens;
        this.classes = classes;
        this.targets = targets;
        this.maxLength = maxLength;
        this.maxTargetLength = maxTargetLength;
        this.lengths = new int[capacity];
        this.targetLengths = new int[capacity];
        clearLengths();
    }

    /** A batch of {@code capacity} samples shaped for the model described by {@code info}. */
    public static Batch forModel(ModelInfo info, int capacity) {
        if (capacity < 1 || capacity > info.maxBatch()) {
            throw new IllegalArgumentException("batch capacity " + capacity + " is outside 1.." + info.maxBatch()
                    + " (the model's 'batch')");
        }
        int in = info.inputValuesPerSample();
        int out = info.targetValuesPerSample();
        return new Batch(capacity,
                info.tokenInputs() ? null : new double[capacity * in],
                info.tokenInputs() ? new int[capacity * in] : null,
                info.classTargets() ? new int[capacity * out] : null,
                info.classTargets() ? null : new double[capacity * out],
                maxLengthOf(info), maxTargetLengthOf(info));
    }

    /** The longest input sequence a model of {@code info} takes (T, T_in), or 0 if its mode reads one vector. */
    public static int maxLengthOf(ModelInfo info) {
        String mode = info.mode();
        return mode.equals("many_to_one") || mode.equals("many_to_many") || mode.equals("seq2seq") ? info.inputSteps() : 0;
    }

    /** The longest separate output sequence of a model of {@code info} (seq2seq's T_out, one_to_many's T), else 0. */
    public static int maxTargetLengthOf(ModelInfo info) {
        String mode = info.mode();
        return mode.equals("seq2seq") || mode.equals("one_to_many") ? info.outputSteps() : 0;
    }

    /** A batch of the model's largest size. */
    public static Batch forModel(ModelInfo info) {
        return forModel(info, info.maxBatch());
    }

    public int capacity() {
        return capacity;
    }

    /** Samples in use, 1..capacity (a short last batch of an epoch uses fewer). */
    public int size() {
        return size;
    }

    public void setSize(int size) {
        if (size < 1 || size > capacity) {
            throw new IllegalArgumentException("batch size " + size + " is outside 1.." + capacity);
        }
        this.size = size;
    }

    // ---- per-sample lengths ----

    /** The batch carries per-sample lengths (else every sample has the full length: today's fixed path). */
    public boolean hasLengths() {
        return hasLengths;
    }

    /** The longest input sequence of this batch's model (T, or T_in for seq2seq); 0 if its mode has none. */
    public int maxLength() {
        return maxLength;
    }

    /** The longest output sequence (T_out for seq2seq, T for one_to_many); 0 for the other modes. */
    public int maxTargetLength() {
        return maxTargetLength;
    }

    /**
     * Sets the length of row {@code row}'s (input or source) sequence and marks the batch as carrying
     * lengths. The range is checked here for the row and by {@link #checkLengths} for the batch.
     *
     * @throws IllegalStateException    if the model's mode has no input sequence (one_to_one, one_to_many)
     * @throws IllegalArgumentException if the row or the length is out of range
     */
    public void setLength(int row, int length) {
        if (maxLength == 0) {
            throw new IllegalStateException("this model's mode reads one input vector per sample: it has no input lengths"
                    + (maxTargetLength > 0 ? " (set the output's with setTargetLength)" : ""));
        }
        checkRow(row);
        if (length < 1 || length > maxLength) {
            throw new IllegalArgumentException(lengthError("length", row, length, maxLength));
        }
        lengths[row] = length;
        hasLengths = true;
    }

    /**
     * Sets the length of row {@code row}'s output sequence (seq2seq targets, one_to_many outputs) and marks
     * the batch as carrying lengths.
     *
     * @throws IllegalStateException    if the model's mode has no separate output sequence
     * @throws IllegalArgumentException if the row or the length is out of range
     */
    public void setTargetLength(int row, int length) {
        if (maxTargetLength == 0) {
            throw new IllegalStateException("this model's mode has no separate output sequence: "
                    + (maxLength > 0 ? "its targets follow the input lengths (setLength)" : "it has no lengths"));
        }
        checkRow(row);
        if (length < 1 || length > maxTargetLength) {
            throw new IllegalArgumentException(lengthError("target length", row, length, maxTargetLength));
        }
        targetLengths[row] = length;
        hasLengths = true;
    }

    /** Sets the lengths of rows 0..lengths.length-1 (see {@link #setLength}). */
    public void setLengths(int... lengths) {
        for (int r = 0; r < lengths.length; r++) {
            setLength(r, lengths[r]);
        }
    }

    /** Back to a fixed-length batch: every length at its maximum, {@link #hasLengths()} false. */
    public void clearLengths() {
        Arrays.fill(lengths, maxLength);
        Arrays.fill(targetLengths, maxTargetLength);
        hasLengths = false;
    }

    /** Row {@code row}'s (input or source) length: the maximum unless set. */
    public int length(int row) {
        return lengths[row];
    }

    /** Row {@code row}'s output length (seq2seq, one_to_many): the maximum unless set. */
    public int targetLength(int row) {
        return targetLengths[row];
    }

    /**
     * The lengths array itself, {@code [capacity]}, for generated loops (read only; rows past {@link #size()}
     * hold stale values).
     */
    public int[] lengthsArray() {
        return lengths;
    }

    /** The output lengths array itself, {@code [capacity]} (read only). */
    public int[] targetLengthsArray() {
        return targetLengths;
    }

    /**
     * Checks every used row's lengths against the model's maxima; the model calls it on the whole batch
     * before a step (so a message names the row of the user's batch, not of a chunk). Does nothing when the
     * batch carries no lengths. Lengths set on a batch of another shape are caught here too.
     *
     * @param maxLength       the model's T (T_in for seq2seq), or 0 if its mode has no input lengths
     * @param maxTargetLength the model's T_out (seq2seq) or T (one_to_many), else 0
     * @throws IllegalArgumentException naming the first bad row, its length and the allowed range
     */
    public void checkLengths(int maxLength, int maxTargetLength) {
        if (!hasLengths) {
            return;
        }
        for (int r = 0; r < size; r++) {
            if (maxLength > 0 ? lengths[r] < 1 || lengths[r] > maxLength : lengths[r] != this.maxLength) {
                throw new IllegalArgumentException(maxLength > 0 ? lengthError("length", r, lengths[r], maxLength)
                        : "batch row " + r + " has length " + lengths[r] + ", but the model takes no input lengths");
            }
            if (maxTargetLength > 0 ? targetLengths[r] < 1 || targetLengths[r] > maxTargetLength
                    : targetLengths[r] != this.maxTargetLength) {
                throw new IllegalArgumentException(maxTargetLength > 0
                        ? lengthError("target length", r, targetLengths[r], maxTargetLength)
                        : "batch row " + r + " has target length " + targetLengths[r] + ", but the model takes no target lengths");
            }
        }
    }

    /** {@link #checkLengths(int, int)} with the maxima of {@code info}'s mode. */
    public void checkLengths(ModelInfo info) {
        checkLengths(maxLengthOf(info), maxTargetLengthOf(info));
    }

    /** The longest (input) length among rows {@code r0 .. r1-1} (the maximum when the batch has no lengths). */
    public int longestLength(int r0, int r1) {
        return longest(lengths, maxLength, r0, r1);
    }

    /** The longest output length among rows {@code r0 .. r1-1}. */
    public int longestTargetLength(int r0, int r1) {
        return longest(targetLengths, maxTargetLength, r0, r1);
    }

    /**
     * Valid (input) positions of rows {@code r0 .. r1-1}: the sum of their lengths. The masked mean loss of
     * many_to_many divides by this over the whole batch (cross-entropy: valid (b, t); MSE: times O).
     */
    public long validPositions(int r0, int r1) {
        return sum(lengths, maxLength, r0, r1);
    }

    /** Valid output positions of rows {@code r0 .. r1-1} (seq2seq's masked cross-entropy divides by this). */
    public long validTargetPositions(int r0, int r1) {
        return sum(targetLengths, maxTargetLength, r0, r1);
    }

    private long sum(int[] a, int max, int r0, int r1) {
        checkRange(r0, r1);
        if (!hasLengths) {
            return (long) max * (r1 - r0);
        }
        long n = 0;
        for (int r = r0; r < r1; r++) {
            n += a[r];
        }
        return n;
    }

    private int longest(int[] a, int max, int r0, int r1) {
        checkRange(r0, r1);
        if (!hasLengths) {
            return max;
        }
        int m = 0;
        for (int r = r0; r < r1; r++) {
            m = Math.max(m, a[r]);
        }
        return m;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= capacity) {
            throw new IndexOutOfBoundsException("row " + row + " outside the batch's 0.." + (capacity - 1));
        }
    }

    private void checkRange(int r0, int r1) {
        if (r0 < 0 || r1 > capacity || r0 > r1) {
            throw new IndexOutOfBoundsException("rows " + r0 + ".." + (r1 - 1) + " outside the batch's 0.." + (capacity - 1));
        }
    }

    private static String lengthError(String what, int row, int length, int max) {
        return "batch row " + row + " has " + what + " " + length + "; a " + what + " must be 1.." + max
                + " (the model's longest sequence is " + max + " steps)";
    }

    /**
     * Makes this batch rows {@code row0 .. row0 + n - 1} of {@code src} (a batch of the same model): sets the
     * size to n and copies every per-row array that both batches have, lengths and {@link #hasLengths()} included.
     * Used to give each chunk of a step its own rows; a per-row array added to this class gets one more line here.
     */
    public void copyRowsFrom(Batch src, int row0, int n) {
        if (row0 < 0 || row0 + n > src.size) {
            throw new IllegalArgumentException("rows " + row0 + ".." + (row0 + n - 1) + " outside the batch of " + src.size);
        }
        // A missing array must not leave this batch's old rows in place to be read as the source's
        sameArray("features", src.features, features);
        sameArray("tokens", src.tokens, tokens);
        sameArray("classes", src.classes, classes);
        sameArray("targets", src.targets, targets);
        setSize(n);
        copyRows(src.features, src.capacity, features, row0, n);
        copyRows(src.tokens, src.capacity, tokens, row0, n);
        copyRows(src.classes, src.capacity, classes, row0, n);
        copyRows(src.targets, src.capacity, targets, row0, n);
        if (src.maxLength != maxLength || src.maxTargetLength != maxTargetLength) {
            throw new IllegalArgumentException("batches of different sequence lengths: " + maxLength + "/" + maxTargetLength
                    + " steps here, " + src.maxLength + "/" + src.maxTargetLength + " in the source");
        }
        hasLengths = src.hasLengths;
        System.arraycopy(src.lengths, row0, lengths, 0, n);
        System.arraycopy(src.targetLengths, row0, targetLengths, 0, n);
    }

    private static void sameArray(String name, Object src, Object dst) {
        if ((src == null) != (dst == null)) {
            throw new IllegalArgumentException("a batch of another kind: " + (src == null
                    ? "it has no " + name + " array, which this model reads"
                    : "it has a " + name + " array, which this model does not read")
                    + "; make batches with Batch.forModel(model.info())");
        }
    }

    /** Copies n rows from row0 of {@code src} (any primitive array, {@code capacity} rows) to the start of {@code dst}. */
    private void copyRows(Object src, int srcCapacity, Object dst, int row0, int n) {
        if (src == null || dst == null) {
            return;
        }
        int per = java.lang.reflect.Array.getLength(dst) / capacity;
        if (java.lang.reflect.Array.getLength(src) / srcCapacity != per) {
            throw new IllegalArgumentException("batches of different shapes: " + per + " values per row here, "
                    + java.lang.reflect.Array.getLength(src) / srcCapacity + " in the source");
        }
        System.arraycopy(src, row0 * per, dst, 0, n * per);
    }
}
