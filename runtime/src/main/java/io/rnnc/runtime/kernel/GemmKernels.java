package io.rnnc.runtime.kernel;

/**
 * One implementation of {@link Gemm}'s float products: the Vector API one or the plain-Java one.
 * Instances are stateless apart from per-thread scratch buffers, so one instance serves all threads.
 */
interface GemmKernels {

    /** {@code "vector (512-bit)"} or {@code "plain"}. */
    String name();

    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               boolean accumulate, float[] c, int cOff, int ldc);

    /** The layout this implementation reads fastest, for a packed operand of n columns. */
    PackedFloatMatrix.Layout packedLayout();

    void sgemmPacked(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                     boolean accumulate, float[] c, int cOff, int ldc);

    /** As above; with {@code cPadded}, columns n .. {@link Gemm#padded}(n) of C's rows may be overwritten. */
    default void sgemm(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       boolean accumulate, float[] c, int cOff, int ldc, boolean cPadded) {
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    /** As above; with {@code cPadded}, columns n .. {@link Gemm#padded}(n) of C's rows may be overwritten. */
    default void sgemmPacked(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                             boolean accumulate, float[] c, int cOff, int ldc, boolean cPadded) {
        sgemmPacked(m, a, aOff, lda, b, accumulate, c, cOff, ldc);
    }
}
