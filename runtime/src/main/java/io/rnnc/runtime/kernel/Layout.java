package io.rnnc.runtime.kernel;

/**
 * Memory layout facts shared by the code generator and the kernels, free of side effects: reading them
 * loads no kernel and probes no CPU, so the compiler can plan buffer strides while writing source only.
 * The same constants on every machine keep generated source identical everywhere.
 */
public final class Layout {

    /**
     * Row strides that are a multiple of this let the vector kernels store whole vectors of C
     * (see {@link Gemm#sgemmPadded}); a multiple of every vector width the kernels use (4, 8 or 16 floats).
     */
    public static final int PAD = 16;

    private Layout() {
    }

    /** {@code n} rounded up to a multiple of {@link #PAD}: the row stride of a padded C. */
    public static int padded(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative width " + n);
        }
        return (n + PAD - 1) / PAD * PAD;
    }
}
