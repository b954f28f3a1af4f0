package io.rnnc.runtime.kernel;

/**
 * Matrix products in the forms backpropagation needs, row-major like C BLAS:
 * {@code C[m×n] (+)= op(A)[m×k] · op(B)[k×n]}, where {@code op(X)} is X or Xᵀ.
 * {@code lda}, {@code ldb}, {@code ldc} are the row strides of the arrays as stored.
 * With {@code accumulate} false, C is overwritten.
 *
 * <p>Forward {@code x @ W.T} is {@code sgemm(false, true, ...)}; the gradient {@code dW += dGᵀ·X} is
 * {@code sgemm(true, false, ...)}; {@code dX = dG·W} is {@code sgemm(false, false, ...)}.
 */
public final class Gemm {

    private Gemm() {
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        PlainKernels.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             boolean accumulate, double[] c, int cOff, int ldc) {
        PlainKernels.dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    /**
     * {@code C[m×n] (+)= A[m×k] · B} where B was packed once ({@link PackedFloatMatrix#pack}) for
     * repeated use: the recurrent weights, which stay fixed across the time steps of a training step.
     */
    public static void sgemm(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        PlainKernels.sgemm(false, false, m, b.cols(), b.rows(), a, aOff, lda, b.data(), 0, b.cols(),
                accumulate, c, cOff, ldc);
    }
}
