package io.rnnc.runtime.kernel;

import java.lang.invoke.MethodHandles;

/**
 * Matrix products in the forms backpropagation needs, row-major like C BLAS:
 * {@code C[m×n] (+)= op(A)[m×k] · op(B)[k×n]}, where {@code op(X)} is X or Xᵀ.
 * {@code lda}, {@code ldb}, {@code ldc} are the row strides of the arrays as stored (for a
 * transposed operand, the stride of the stored, untransposed rows). With {@code accumulate} false,
 * C is overwritten (its old contents, even NaN, are ignored).
 *
 * <p>Forward {@code x @ W.T} is {@code sgemm(false, true, ...)}; the gradient {@code dW += dGᵀ·X} is
 * {@code sgemm(true, false, ...)}; {@code dX = dG·W} is {@code sgemm(false, false, ...)}.
 *
 * <p>The float products run on the Vector API when it is available and on plain Java otherwise,
 * chosen once per JVM ({@link Vectorization}; {@link #implementation()} says which). Both accumulate
 * in float in an order that differs from a naive loop, so results differ from it by rounding only.
 * Each call packs its operands into per-thread buffers that grow once: calls allocate nothing after
 * warm-up, and any number of threads may call concurrently on distinct outputs.
 */
public final class Gemm {

    private static final GemmKernels KERNELS = Vectorization.choose(MethodHandles.lookup(), GemmKernels.class,
            "io.rnnc.runtime.kernel.VectorGemm", PlainGemm::new);

    private Gemm() {
    }

    /** The active float kernels: {@code "vector (512-bit)"}, {@code "vector (256-bit)"}, ... or {@code "plain"}. */
    public static String implementation() {
        return KERNELS.name();
    }

    static GemmKernels kernels() {
        return KERNELS;
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        KERNELS.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    /** The double form; plain Java on every path (float64 models serve gradient checks). */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             boolean accumulate, double[] c, int cOff, int ldc) {
        DoubleGemm.dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    /**
     * {@code C[m×n] (+)= A[m×k] · B} where B was packed once ({@link PackedFloatMatrix#pack}) for
     * repeated use: the recurrent weights, which stay fixed across the time steps of a training step.
     * A is not transposed.
     */
    public static void sgemm(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        KERNELS.sgemmPacked(m, a, aOff, lda, b, accumulate, c, cOff, ldc);
    }

    /** Per-thread scratch for {@link #sgemmByTranspose}: grows once, so calls allocate nothing after warm-up. */
    private static final ThreadLocal<float[][]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /**
     * The same product as {@link #sgemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)},
     * computed as its transpose {@code Cᵀ[n×m] = op(B)ᵀ · op(A)ᵀ} into a per-thread scratch and then transposed
     * (added, with {@code accumulate}) into C. Worth it when n is short and m long: the vector kernels put
     * C's columns across their vectors, so a weight gradient {@code dW[G×IN] = dGᵀ·X} with IN = 28 or 100
     * would run on narrow, padded tiles, while its transpose has the G gate rows there. Rounding differs
     * from the direct form (the transpose sums in the same order per element, but the kernels' tiling may
     * differ); the result does not depend on the calling thread.
     */
    public static void sgemmByTranspose(boolean transA, boolean transB, int m, int n, int k,
                                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                        boolean accumulate, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        int ldt = padded(m);
        float[][] holder = TRANSPOSED.get();
        if (holder[0].length < n * ldt) {
            holder[0] = new float[n * ldt];
        }
        float[] t = holder[0];
        KERNELS.sgemm(!transB, !transA, n, m, k, b, bOff, ldb, a, aOff, lda, false, t, 0, ldt, true);
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0, ti = i; j < n; j++, ti += ldt) {
                    c[ci + j] += t[ti];
                }
            }
        } else {
            transpose(n, m, t, 0, ldt, c, cOff, ldc);
        }
    }

    /**
     * {@code dst[dstOff + j·ldd + i] = src[srcOff + i·lds + j]} for {@code i < rows}, {@code j < cols}: writes
     * the transpose of a {@code rows × cols} block. Generated models compute a weight gradient as its
     * transpose when that puts the long, whole-vector dimension (the gate rows) across the vectors.
     */
    public static void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd) {
        Panels.transpose(rows, cols, src, srcOff, lds, dst, dstOff, ldd);
    }

    /** The padding unit of row strides: {@link Layout#PAD}. */
    public static final int PAD = Layout.PAD;

    /** {@code n} rounded up to a multiple of {@link #PAD}: {@link Layout#padded}. */
    public static int padded(int n) {
        return Layout.padded(n);
    }

    /**
     * {@link #sgemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)}
     * for a C whose rows are padded ({@code ldc >= padded(n)}): the columns {@code n .. padded(n)}
     * of each C row are scratch and may be overwritten (with zero, or left as they were plus zero
     * products), which lets the kernels store whole vectors instead of taking a tail path. The
     * columns {@code 0 .. n} get exactly what the unpadded form gives them.
     */
    public static void sgemmPadded(boolean transA, boolean transB, int m, int n, int k,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   boolean accumulate, float[] c, int cOff, int ldc) {
        KERNELS.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, true);
    }

    /** The packed form of {@link #sgemmPadded(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int)}. */
    public static void sgemmPadded(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                                   boolean accumulate, float[] c, int cOff, int ldc) {
        KERNELS.sgemmPacked(m, a, aOff, lda, b, accumulate, c, cOff, ldc, true);
    }
}
