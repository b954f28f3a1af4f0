package io.rnnc.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Named, shaped views over one flat array, in PyTorch's row-major layout and state_dict order.
 * Parameters, gradients and each optimizer slot of a model use the same layout, so one loop over
 * the flat array updates every tensor. Subclasses hold a {@code float[]} or a {@code double[]}.
 */
public abstract sealed class TensorStore permits FloatTensorStore, DoubleTensorStore {

    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();
    private final int size;
    /** Why writes are refused (a read-only view over another store's array), or null if writable. */
    private final String readOnly;

    protected TensorStore(List<TensorInfo> tensors) {
        this(tensors, null);
    }

    protected TensorStore(List<TensorInfo> tensors, String readOnly) {
        this.readOnly = readOnly;
        this.tensors = List.copyOf(tensors);
        int end = 0;
        for (TensorInfo t : this.tensors) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor name " + t.name());
            }
            end = Math.max(end, t.offset() + t.size());
        }
        this.size = end;
    }

    /** Every tensor, in order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** Total elements of the flat array. */
    public int size() {
        return size;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new NoSuchElementException("no tensor named '" + name + "'; the store has " + byName.keySet());
        }
        return t;
    }

    /** A copy of one tensor's elements, widened to double. */
    public abstract double[] copyOut(String name);

    /** Overwrites one tensor's elements (length must equal its size). */
    public abstract void copyIn(String name, double[] values);

    /** Element i of the flat array, widened to double. */
    public abstract double get(int i);

    public abstract void set(int i, double value);

    /** Sets every element to zero. */
    public abstract void zero();

    /** Copies all elements from a store of the same layout. */
    public abstract void copyFrom(TensorStore other);

    /** Adds every element of a store of the same layout and type, in index order (gradient sums over chunks). */
    public abstract void addFrom(TensorStore other);

    /** "float32" or "float64". */
    public abstract String dtype();

    /**
     * A store over the same array that refuses every write ({@link #copyIn}, {@link #set}, {@link #zero},
     * {@link #copyFrom}, {@link #addFrom}) with an {@link IllegalStateException} giving {@code why}; it sees
     * every later write to this store. (The public {@code data} array itself cannot be guarded: generated code
     * reads it directly.)
     */
    public abstract TensorStore readOnlyView(String why);

    /** Whether writes through this store are refused ({@link #readOnlyView}). */
    public final boolean isReadOnly() {
        return readOnly != null;
    }

    /** Whether this store and {@code other} are views of the same array (a store and its read-only views). */
    public abstract boolean sharesDataWith(TensorStore other);

    /** Throws if this store is a read-only view; every write calls it first. */
    protected final void checkWritable() {
        if (readOnly != null) {
            throw new IllegalStateException(readOnly);
        }
    }

    protected void checkLength(String name, TensorInfo t, int length) {
        if (length != t.size()) {
            throw new IllegalArgumentException(name + ": expected " + t.size() + " values, got " + length);
        }
    }
}
