package io.rnnc.runtime.state;

import java.util.Arrays;
import java.util.List;

/**
 * The recurrent state of a model's stack for up to {@link #capacity()} rows, owned by the caller: the final
 * {@code h} (and {@code c} for LSTM layers) of every layer and direction, in the model's precision. It is
 * what the step API reads and writes ({@code forward(x, lengths, state)}, {@code step(x_t, state)}) and what
 * a stateful model carries from one training chunk to the next. Several states may be used with one model
 * (one per user stream); a state fits every model of an equal {@link StateLayout}.
 *
 * <p><b>Storage</b>, for generated code: one flat array for h and one for c (float[] for float32, double[]
 * for float64). Block k = (layer l, direction d), numbered {@code l·D_l + d} bottom layer first as PyTorch's
 * {@code h_n}, holds {@code [capacity, H_l]} row-major and starts at {@link #offset(int, int)}; row r of it at
 * {@code offset + r·H_l}. The c array, present when some layer is an LSTM, has the same layout as h (its
 * entries for other cells stay 0), so one offset serves both. A fresh or reset state is zeros, as PyTorch's
 * default {@code h_0}.
 *
 * <p>Copies, resets and reorders allocate nothing (the scratch for {@link #reorderRows} is made once). Not
 * thread-safe, except that distinct rows may be written by different threads (chunks own disjoint rows).
 */
public final class RnnState {

    private final StateLayout layout;
    private final int capacity;
    private final int[] offsets;
    private final int[] blockLayer;
    private final int length;
    private final float[] h32;
    private final float[] c32;
    private final double[] h64;
    private final double[] c64;
    /** Scratch for reorderRows (a copy of h or c), made once so that a reorder allocates nothing. */
    private final float[] scratch32;
    private final double[] scratch64;

    /** A zero state of {@code capacity} rows for models of {@code layout}. */
    public RnnState(StateLayout layout, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a state needs at least one row, got " + capacity);
        }
        this.layout = layout;
        this.capacity = capacity;
        List<StateLayout.LayerState> layers = layout.layers();
        int blocks = 0;
        for (StateLayout.LayerState l : layers) {
            blocks += l.directions();
        }
        this.offsets = new int[blocks];
        this.blockLayer = new int[blocks];
        int k = 0;
        long off = 0;
        for (int l = 0; l < layers.size(); l++) {
            for (int d = 0; d < layers.get(l).directions(); d++) {
                offsets[k] = (int) off;
                blockLayer[k++] = l;
                off += (long) capacity * layers.get(l).hidden();
            }
        }
        if (off > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a state of " + capacity + " rows of " + layout.describe() + " is too large");
        }
        this.length = (int) off;
        boolean f32 = layout.float32();
        boolean cells = layout.hasCells();
        this.h32 = f32 ? new float[length] : null;
        this.c32 = f32 && cells ? new float[length] : null;
        this.h64 = f32 ? null : new double[length];
        this.c64 = !f32 && cells ? new double[length] : null;
        this.scratch32 = f32 ? new float[length] : null;
        this.scratch64 = f32 ? null : new double[length];
    }

    public StateLayout layout() {
        return layout;
    }

    /** Rows this state holds. */
    public int capacity() {
        return capacity;
    }

    /** Start of block (layer, direction) in the flat h and c arrays. */
    public int offset(int layer, int direction) {
        return offsets[block(layer, direction)];
    }

    /** H of a layer. */
    public int hidden(int layer) {
        return layout.layers().get(layer).hidden();
    }

    /** The flat float32 h (null for float64 states), for generated code. */
    public float[] floatH() {
        return h32;
    }

    /** The flat float32 c (null unless float32 with an LSTM layer). */
    public float[] floatC() {
        return c32;
    }

    public double[] doubleH() {
        return h64;
    }

    public double[] doubleC() {
        return c64;
    }

    /** h of (layer, direction, row, unit), as a double whatever the precision. */
    public double h(int layer, int direction, int row, int unit) {
        int i = index(layer, direction, row, unit);
        return h32 != null ? h32[i] : h64[i];
    }

    /** c of (layer, direction, row, unit) of an LSTM layer. */
    public double c(int layer, int direction, int row, int unit) {
        checkCell(layer);
        int i = index(layer, direction, row, unit);
        return c32 != null ? c32[i] : c64[i];
    }

    /** Sets one h value (narrowed to float for float32 states): a caller-chosen initial state. */
    public void setH(int layer, int direction, int row, int unit, double value) {
        int i = index(layer, direction, row, unit);
        if (h32 != null) {
            h32[i] = (float) value;
        } else {
            h64[i] = value;
        }
    }

    /** Sets one c value of an LSTM layer. */
    public void setC(int layer, int direction, int row, int unit, double value) {
        checkCell(layer);
        int i = index(layer, direction, row, unit);
        if (c32 != null) {
            c32[i] = (float) value;
        } else {
            c64[i] = value;
        }
    }

    /** Zeros every row (the start of an epoch, of a new stream). */
    public void reset() {
        if (h32 != null) {
            Arrays.fill(h32, 0f);
            if (c32 != null) {
                Arrays.fill(c32, 0f);
            }
        } else {
            Arrays.fill(h64, 0.0);
            if (c64 != null) {
                Arrays.fill(c64, 0.0);
            }
        }
    }

    /** Zeros one row (one stream starts over while the others continue). */
    public void resetRow(int row) {
        checkRow(row);
        for (int k = 0; k < offsets.length; k++) {
            int w = width(k);
            int from = offsets[k] + row * w;
            if (h32 != null) {
                Arrays.fill(h32, from, from + w, 0f);
                if (c32 != null) {
                    Arrays.fill(c32, from, from + w, 0f);
                }
            } else {
                Arrays.fill(h64, from, from + w, 0.0);
                if (c64 != null) {
                    Arrays.fill(c64, from, from + w, 0.0);
                }
            }
        }
    }

    /** A new state with the same layout, rows and values. */
    public RnnState copy() {
        RnnState s = new RnnState(layout, capacity);
        s.copyFrom(this);
        return s;
    }

    /** Makes this state equal to {@code src} (same layout and capacity). */
    public void copyFrom(RnnState src) {
        checkSameLayout(src.layout);
        if (src.capacity != capacity) {
            throw new IllegalArgumentException("states of different sizes: " + src.capacity + " rows into " + capacity);
        }
        if (h32 != null) {
            System.arraycopy(src.h32, 0, h32, 0, length);
            if (c32 != null) {
                System.arraycopy(src.c32, 0, c32, 0, length);
            }
        } else {
            System.arraycopy(src.h64, 0, h64, 0, length);
            if (c64 != null) {
                System.arraycopy(src.c64, 0, c64, 0, length);
            }
        }
    }

    /** Copies row {@code srcRow} of {@code src} (same layout, any capacity) into row {@code dstRow} of this state. */
    public void copyRowFrom(RnnState src, int srcRow, int dstRow) {
        checkSameLayout(src.layout);
        src.checkRow(srcRow);
        checkRow(dstRow);
        for (int k = 0; k < offsets.length; k++) {
            int w = width(k);
            int s = src.offsets[k] + srcRow * w;
            int d = offsets[k] + dstRow * w;
            if (h32 != null) {
                System.arraycopy(src.h32, s, h32, d, w);
                if (c32 != null) {
                    System.arraycopy(src.c32, s, c32, d, w);
                }
            } else {
                System.arraycopy(src.h64, s, h64, d, w);
                if (c64 != null) {
                    System.arraycopy(src.c64, s, c64, d, w);
                }
            }
        }
    }

    /**
     * Row selection and reordering in place: afterwards row r holds what row {@code from[r]} held before, for
     * r in 0..n-1 (rows n.. are unchanged). Rows may repeat — beam search keeps the parents of the surviving
     * hypotheses, a stream scheduler compacts the live streams. Allocation-free.
     */
    public void reorderRows(int[] from, int n) {
        if (n < 0 || n > capacity || n > from.length) {
            throw new IllegalArgumentException(n + " rows to reorder, the state holds " + capacity);
        }
        for (int r = 0; r < n; r++) {
            checkRow(from[r]);
        }
        if (h32 != null) {
            reorder(h32, from, n);
            if (c32 != null) {
                reorder(c32, from, n);
            }
        } else {
            reorder(h64, from, n);
            if (c64 != null) {
                reorder(c64, from, n);
            }
        }
    }

    private void reorder(float[] a, int[] from, int n) {
        System.arraycopy(a, 0, scratch32, 0, length);
        for (int k = 0; k < offsets.length; k++) {
            int w = width(k);
            for (int r = 0; r < n; r++) {
                System.arraycopy(scratch32, offsets[k] + from[r] * w, a, offsets[k] + r * w, w);
            }
        }
    }

    private void reorder(double[] a, int[] from, int n) {
        System.arraycopy(a, 0, scratch64, 0, length);
        for (int k = 0; k < offsets.length; k++) {
            int w = width(k);
            for (int r = 0; r < n; r++) {
                System.arraycopy(scratch64, offsets[k] + from[r] * w, a, offsets[k] + r * w, w);
            }
        }
    }

    /**
     * Checks that this state fits a model of {@code expected} and holds at least {@code rows} rows; the model
     * calls it before it reads or writes a caller's state.
     *
     * @throws IllegalArgumentException saying both layouts, or both row counts
     */
    public void checkFits(StateLayout expected, int rows) {
        checkSameLayout(expected);
        if (rows > capacity) {
            throw new IllegalArgumentException("the state holds " + capacity + " rows, the batch has " + rows
                    + ": make the state with at least " + rows + " rows");
        }
    }

    private void checkSameLayout(StateLayout other) {
        if (!layout.equals(other)) {
            throw new IllegalArgumentException("a state of model " + layout.model() + " (" + layout.describe()
                    + ") cannot be used with model " + other.model() + " (" + other.describe() + ")");
        }
    }

    private int block(int layer, int direction) {
        List<StateLayout.LayerState> layers = layout.layers();
        if (layer < 0 || layer >= layers.size() || direction < 0 || direction >= layers.get(layer).directions()) {
            throw new IndexOutOfBoundsException("layer " + layer + " direction " + direction + " is not in " + layout.describe());
        }
        int k = 0;
        for (int l = 0; l < layer; l++) {
            k += layers.get(l).directions();
        }
        return k + direction;
    }

    private int width(int block) {
        return layout.layers().get(blockLayer[block]).hidden();
    }

    private int index(int layer, int direction, int row, int unit) {
        int k = block(layer, direction);
        checkRow(row);
        int w = width(k);
        if (unit < 0 || unit >= w) {
            throw new IndexOutOfBoundsException("unit " + unit + " outside 0.." + (w - 1));
        }
        return offsets[k] + row * w + unit;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= capacity) {
            throw new IndexOutOfBoundsException("row " + row + " outside the state's 0.." + (capacity - 1));
        }
    }

    private void checkCell(int layer) {
        if (!layout.layers().get(layer).hasCell()) {
            throw new IllegalArgumentException("layer " + layer + " (" + layout.layers().get(layer) + ") has no cell state c");
        }
    }
}
