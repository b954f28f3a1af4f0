package io.rnnc.runtime.model;

/**
 * Dropout between stacked layers, PyTorch's {@code nn.LSTM(dropout=p)} (and {@code nn.GRU}, {@code nn.RNN}):
 * during training, each element of every layer's output except the last layer's is zeroed with
 * probability p and the kept ones are scaled by 1/(1-p); evaluation and inference use no mask.
 *
 * <p><b>Deterministic and thread-count independent.</b> Whether element (t, row, unit) of layer l's output is
 * kept in optimizer step s is a pure function of {@code (seed, s, l, global batch row, t, unit)}: a counter-based
 * hash (SplitMix64's finaliser, chained over the coordinates; 32 bits of it per element), no generator state. So a chunk of rows fills
 * exactly the part of the batch's mask that a single chunk, or any other split, would have filled, and a
 * resumed run draws the same masks. Use the spec's seed, the optimizer's step count before the update
 * ({@code optimizerState().step()}), the layer index (0 = the first layer's output) and the chunk's first
 * global batch row. (The masks cannot equal PyTorch's, whose generator is sequential; tests hold a mask fixed.)
 *
 * <p><b>Layout.</b> A mask block is {@code [T, n, W]} like the layer output it multiplies: element
 * {@code (t * n + r) * W + u}, W = the layer's output width (2H for a bidirectional layer). The mask holds
 * 0 or the scale, so the forward is {@code out *= mask} and the backward {@code dOut *= mask} (the same
 * {@link #apply} loop, which the JIT vectorises). The scale is PyTorch's: {@code 1 / (1 - p)} in double for
 * float64, and for float32 {@code 1f / (float) (1 - p)}, the float division PyTorch's {@code noise.div_(1 - p)}
 * performs on a float tensor.
 */
public final class Dropout {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final double p;
    /** An element is kept when its 32 bits of hash, unsigned, are >= this: probability 1 - p (to 2^-32). */
    private final long threshold;
    private final float scale32;
    private final double scale64;

    /** @param p the probability of dropping an element, {@code 0 <= p < 1} */
    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout must be at least 0 and below 1, got " + p);
        }
        this.p = p;
        this.threshold = (long) Math.ceil(p * 0x1p32);
        this.scale32 = 1f / (float) (1 - p);
        this.scale64 = 1 / (1 - p);
    }

    public double p() {
        return p;
    }

    /** What a kept float32 element is multiplied by. */
    public float scale32() {
        return scale32;
    }

    /** What a kept float64 element is multiplied by. */
    public double scale64() {
        return scale64;
    }

    /** Dropout is off (p = 0): a generated model skips the mask. */
    public boolean isIdentity() {
        return p == 0;
    }

    /**
     * Fills {@code mask[0 .. steps*n*width)} for rows {@code row0 .. row0+n-1} of the batch (global rows),
     * {@code [steps, n, width]}, with 0 or {@link #scale32()}.
     */
    public void fill(float[] mask, long seed, long step, int layer, int row0, int n, int steps, int width) {
        checkBlock(mask.length, n, steps, width);
        long layerKey = layerKey(seed, step, layer);
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < n; r++) {
                fillRow(mask, (t * n + r) * width, cellKey(layerKey, row0 + r, t), width);
            }
        }
    }

    /**
     * As {@link #fill(float[], long, long, int, int, int, int, int)} for a block whose row r is global batch row
     * {@code row0 + rowOf[r]} (a chunk's rows in their length order): each element's mask is still keyed by its
     * sample's global row, so it does not depend on the order, the chunking or the thread count.
     */
    public void fill(float[] mask, long seed, long step, int layer, int row0, int[] rowOf, int n, int steps, int width) {
        checkBlock(mask.length, n, steps, width);
        long layerKey = layerKey(seed, step, layer);
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < n; r++) {
                fillRow(mask, (t * n + r) * width, cellKey(layerKey, row0 + rowOf[r], t), width);
            }
        }
    }

    /** As {@link #fill(float[], long, long, int, int, int[], int, int, int)} for float64. */
    public void fill(double[] mask, long seed, long step, int layer, int row0, int[] rowOf, int n, int steps, int width) {
        checkBlock(mask.length, n, steps, width);
        long layerKey = layerKey(seed, step, layer);
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < n; r++) {
                fillRow(mask, (t * n + r) * width, cellKey(layerKey, row0 + rowOf[r], t), width);
            }
        }
    }

    /**
     * {@code dst[dOff + i] = src[sOff + i] * mask[i]} for i in 0..len-1: a layer's output times its mask, into the
     * buffer the next layer reads (the output itself stays for the layer's own backward pass).
     */
    public static void apply(float[] src, int sOff, float[] mask, float[] dst, int len) {
        for (int i = 0; i < len; i++) {
            dst[i] = src[sOff + i] * mask[i];
        }
    }

    /** As {@link #apply(float[], int, float[], float[], int)} for float64. */
    public static void apply(double[] src, int sOff, double[] mask, double[] dst, int len) {
        for (int i = 0; i < len; i++) {
            dst[i] = src[sOff + i] * mask[i];
        }
    }

    /** As {@link #fill(float[], long, long, int, int, int, int, int)} for float64, with 0 or {@link #scale64()}. */
    public void fill(double[] mask, long seed, long step, int layer, int row0, int n, int steps, int width) {
        checkBlock(mask.length, n, steps, width);
        long layerKey = layerKey(seed, step, layer);
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < n; r++) {
                fillRow(mask, (t * n + r) * width, cellKey(layerKey, row0 + r, t), width);
            }
        }
    }

    /** {@code x[off + i] *= mask[i]} for i in 0..len-1: the forward (on outputs) and the backward (on their gradients). */
    public static void apply(float[] x, int off, float[] mask, int len) {
        for (int i = 0; i < len; i++) {
            x[off + i] *= mask[i];
        }
    }

    /** As {@link #apply(float[], int, float[], int)} for float64. */
    public static void apply(double[] x, int off, double[] mask, int len) {
        for (int i = 0; i < len; i++) {
            x[off + i] *= mask[i];
        }
    }

    /**
     * One (row, step) cell of a mask, {@code mask[base .. base+width)}, from its key: one 64-bit hash decides two
     * units, its low half the even one, its high half the odd one.
     */
    private void fillRow(float[] mask, int base, long key, int width) {
        for (int u = 0; u < width; u += 2) {
            long h = mix(key + (u / 2 + 1L) * GOLDEN);
            mask[base + u] = scale32 * kept(h & 0xFFFFFFFFL);
            if (u + 1 < width) {
                mask[base + u + 1] = scale32 * kept(h >>> 32);
            }
        }
    }

    /** As {@link #fillRow(float[], int, long, int)} for float64, with 0 or {@link #scale64()}. */
    private void fillRow(double[] mask, int base, long key, int width) {
        for (int u = 0; u < width; u += 2) {
            long h = mix(key + (u / 2 + 1L) * GOLDEN);
            mask[base + u] = scale64 * kept(h & 0xFFFFFFFFL);
            if (u + 1 < width) {
                mask[base + u + 1] = scale64 * kept(h >>> 32);
            }
        }
    }

    /**
     * 1 if 32 bits of hash (as an unsigned value in a long) keep their element, else 0; branch-free, since
     * a random keep/drop branch would be mispredicted at every other element.
     */
    private int kept(long bits32) {
        return (int) ((bits32 - threshold) >>> 63) ^ 1;
    }

    /** The key of one layer's mask in one optimizer step. */
    private static long layerKey(long seed, long step, int layer) {
        long k = mix(seed ^ 0x6A09E667F3BCC909L);
        k = mix(k + (step + 1) * GOLDEN);
        return mix(k + (layer + 1L) * 0xD1B54A32D192ED03L);
    }

    /** The key of one (global row, step) cell of a layer's mask. */
    private static long cellKey(long layerKey, int row, int t) {
        long k = mix(layerKey + (row + 1L) * 0xC2B2AE3D27D4EB4FL);
        return mix(k + (t + 1L) * 0x165667B19E3779F9L);
    }

    /** SplitMix64's finaliser (Stafford's mix 13): a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void checkBlock(int length, int n, int steps, int width) {
        if (n < 0 || steps < 0 || width < 0 || (long) n * steps * width > length) {
            throw new IllegalArgumentException("a mask block of " + steps + " x " + n + " x " + width
                    + " does not fit in " + length + " values");
        }
    }
}
