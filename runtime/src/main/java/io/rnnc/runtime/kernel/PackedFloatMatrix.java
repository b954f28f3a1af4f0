package io.rnnc.runtime.kernel;

import java.util.Arrays;

/**
 * The right operand {@code op(B)} [k×n] of a matrix product, copied once into the layout the
 * active kernel reads fastest, for products that reuse it many times (the recurrent weights within
 * one training step). Allocated once; {@link #pack} refills it after each optimizer step. The
 * layout is chosen by the kernels active in this JVM (see {@link Gemm#implementation()}): column
 * panels padded to whole vectors for the Vector API kernels, one array per row for the plain ones.
 * Not thread-safe while being packed; safe to read from many threads afterwards.
 */
public final class PackedFloatMatrix {

    /**
     * Where the elements live: {@code rowArrays} (one {@code float[]} per row, which C2 vectorises
     * in plain loops) or column panels of at most {@code maxVectors} vectors of {@code lanes} floats.
     */
    record Layout(boolean rowArrays, int lanes, int maxVectors) {
        static final Layout ROWS = new Layout(true, 1, 1);

        static Layout panels(int lanes, int maxVectors) {
            return new Layout(false, lanes, maxVectors);
        }
    }

    private final int rows;
    private final int cols;
    private final Layout layout;
    private final float[] data;
    private final float[][] rowData;
    /** Panel layouts: first padded column of each panel, then the padded width (panels + 1 entries). */
    private final int[] panelStarts;
    /**
     * Which way the next batch-1 product visits the panels ({@link VectorGemm}): alternate steps run
     * them in opposite orders, so a step starts on the panels the previous one read last, which are
     * still in L1. Only the order of independent column panels changes, never a sum, so results do
     * not depend on it; threads sharing this matrix may race on it harmlessly.
     */
    private boolean visitBackward;

    private PackedFloatMatrix(int rows, int cols, Layout layout) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative size " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.layout = layout;
        if (layout.rowArrays()) {
            this.data = null;
            this.rowData = new float[rows][cols];
        } else {
            this.data = new float[rows * Panels.paddedCols(cols, layout.lanes())];
            this.rowData = null;
        }
        if (layout.rowArrays() || cols == 0) {
            this.panelStarts = new int[] {0};
        } else {
            int panels = Panels.count(cols, layout.lanes(), layout.maxVectors());
            this.panelStarts = new int[panels + 1];
            for (int q = 0; q < panels; q++) {
                panelStarts[q] = Panels.start(q, cols, layout.lanes(), layout.maxVectors());
            }
            panelStarts[panels] = Panels.paddedCols(cols, layout.lanes());
        }
    }

    /** Room for an operand of k rows and n columns (as used in the product, i.e. after op). */
    public static PackedFloatMatrix allocate(int k, int n) {
        return new PackedFloatMatrix(k, n, Gemm.kernels().packedLayout());
    }

    static PackedFloatMatrix allocate(int k, int n, Layout layout) {
        return new PackedFloatMatrix(k, n, layout);
    }

    /** Copies {@code op(B)}: with {@code transB}, B is stored [n×k] and used transposed. */
    public void pack(boolean transB, float[] b, int bOff, int ldb) {
        if (layout.rowArrays()) {
            for (int p = 0; p < rows; p++) {
                float[] row = rowData[p];
                if (transB) {
                    for (int j = 0; j < cols; j++) {
                        row[j] = b[bOff + j * ldb + p];
                    }
                } else {
                    System.arraycopy(b, bOff + p * ldb, row, 0, cols);
                }
            }
        } else {
            Panels.pack(transB, rows, cols, b, bOff, ldb, data, layout.lanes(), layout.maxVectors());
        }
    }

    /** k */
    public int rows() {
        return rows;
    }

    /** n */
    public int cols() {
        return cols;
    }

    /** Element (p, j) of op(B); for slow generic paths and tests. */
    public float get(int p, int j) {
        if (p < 0 || p >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("(" + p + ", " + j + ") outside " + rows + "x" + cols);
        }
        if (layout.rowArrays()) {
            return rowData[p][j];
        }
        int lanes = layout.lanes();
        int maxV = layout.maxVectors();
        int q = 0;
        while (q + 1 < Panels.count(cols, lanes, maxV) && Panels.start(q + 1, cols, lanes, maxV) <= j) {
            q++;
        }
        int col0 = Panels.start(q, cols, lanes, maxV);
        int width = Panels.vectorsIn(q, cols, lanes, maxV) * lanes;
        return data[rows * col0 + p * width + (j - col0)];
    }

    Layout layout() {
        return layout;
    }

    float[] data() {
        return data;
    }

    float[][] rowData() {
        return rowData;
    }

    /** Panel q spans padded columns {@code panelStarts()[q] .. panelStarts()[q + 1]}; its data starts at {@code rows * panelStarts()[q]}. */
    int[] panelStarts() {
        return panelStarts;
    }

    /** The order for this batch-1 product (true: last panel first), flipped for the next one. */
    boolean nextVisitBackward() {
        boolean backward = visitBackward;
        visitBackward = !backward;
        return backward;
    }

    @Override
    public String toString() {
        return "PackedFloatMatrix[" + rows + "x" + cols + ", " + (layout.rowArrays() ? "rows" : "panels of "
                + layout.maxVectors() + "x" + layout.lanes()) + "]";
    }

    /** A generic (slow) product for a matrix packed in a layout the caller's kernels do not read. */
    static void sgemmAnyLayout(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                               boolean accumulate, float[] c, int cOff, int ldc) {
        int n = b.cols;
        int k = b.rows;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * lda + p];
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b.get(p, j);
                }
            }
        }
    }
}
