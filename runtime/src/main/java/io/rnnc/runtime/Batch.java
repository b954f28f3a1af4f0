package io.rnnc.runtime;

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
 */
public final class Batch {

    private final int capacity;
    private int size;

    public final double[] features;
    public final int[] tokens;
    public final int[] classes;
    public final double[] targets;

    private Batch(int capacity, double[] features, int[] tokens, int[] classes, double[] targets) {
        this.capacity = capacity;
        this.size = capacity;
        this.features = features;
        this.tokens = tokens;
        this.classes = classes;
        this.targets = targets;
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
                info.classTargets() ? null : new double[capacity * out]);
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

    /**
     * Makes this batch rows {@code row0 .. row0 + n - 1} of {@code src} (a batch of the same model): sets the
     * size to n and copies every per-row array that both batches have. Used to give each chunk of a
     * step its own rows; a per-row array added to this class gets one more line here.
     */
    public void copyRowsFrom(Batch src, int row0, int n) {
        if (row0 < 0 || row0 + n > src.size) {
            throw new IllegalArgumentException("rows " + row0 + ".." + (row0 + n - 1) + " outside the batch of " + src.size);
        }
        setSize(n);
        copyRows(src.features, src.capacity, features, row0, n);
        copyRows(src.tokens, src.capacity, tokens, row0, n);
        copyRows(src.classes, src.capacity, classes, row0, n);
        copyRows(src.targets, src.capacity, targets, row0, n);
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
