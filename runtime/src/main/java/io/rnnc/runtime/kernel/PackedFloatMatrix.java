package io.rnnc.runtime.kernel;

/**
 * The right operand {@code op(B)} [k×n] of a matrix product, copied once into the layout the
 * fastest kernel reads, for products that reuse it many times (the recurrent weights within one
 * training step). Allocated once; {@link #pack} refills it after each optimizer step.
 */
public final class PackedFloatMatrix {

    private final int rows;
    private final int cols;
    private final float[] data;

    private PackedFloatMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.data = new float[rows * cols];
    }

    /** Room for an operand of k rows and n columns (as used in the product, i.e. after op). */
    public static PackedFloatMatrix allocate(int k, int n) {
        return new PackedFloatMatrix(k, n);
    }

    /** Copies {@code op(B)}: with {@code transB}, B is stored [n×k] and used transposed. */
    public void pack(boolean transB, float[] b, int bOff, int ldb) {
        for (int p = 0; p < rows; p++) {
            for (int j = 0; j < cols; j++) {
                data[p * cols + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
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

    float[] data() {
        return data;
    }
}
