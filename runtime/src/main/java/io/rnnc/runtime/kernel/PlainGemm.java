package io.rnnc.runtime.kernel;

import java.util.Arrays;

/**
 * Portable float products in plain Java, the fallback when the Vector API is absent. C2
 * auto-vectorises {@code c[j] += a * b[j]} only when both arrays are indexed from zero, so op(B)
 * is copied into one array per row and each row of C into a zero-based scratch row; the k loop is
 * unrolled by four so each pass over the C row does four multiply-adds per element.
 */
final class PlainGemm implements GemmKernels {

    private static final class Scratch {
        float[][] bRows = new float[0][0];
        float[] cRow = new float[0];

        float[][] bRows(int k, int n) {
            if (bRows.length < k || (k > 0 && bRows[0].length < n)) {
                bRows = new float[Math.max(k, bRows.length)][Math.max(n, bRows.length == 0 ? 0 : bRows[0].length)];
            }
            return bRows;
        }

        float[] cRow(int n) {
            if (cRow.length < n) {
                cRow = new float[n];
            }
            return cRow;
        }
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public PackedFloatMatrix.Layout packedLayout() {
        return PackedFloatMatrix.Layout.ROWS;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      boolean accumulate, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        Scratch s = scratch.get();
        float[][] bRows = s.bRows(k, n);
        for (int p = 0; p < k; p++) {
            float[] row = bRows[p];
            if (transB) {
                for (int j = 0, src = bOff + p; j < n; j++, src += ldb) {
                    row[j] = b[src];
                }
            } else {
                System.arraycopy(b, bOff + p * ldb, row, 0, n);
            }
        }
        rows(transA, m, n, k, a, aOff, lda, bRows, accumulate, c, cOff, ldc, s.cRow(n));
    }

    @Override
    public void sgemmPacked(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                            boolean accumulate, float[] c, int cOff, int ldc) {
        if (!b.layout().rowArrays()) {
            PackedFloatMatrix.sgemmAnyLayout(m, a, aOff, lda, b, accumulate, c, cOff, ldc);
            return;
        }
        if (m <= 0 || b.cols() == 0) {
            return;
        }
        rows(false, m, b.cols(), b.rows(), a, aOff, lda, b.rowData(), accumulate, c, cOff, ldc,
                scratch.get().cRow(b.cols()));
    }

    private static void rows(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                             float[][] bRows, boolean accumulate, float[] c, int cOff, int ldc, float[] cRow) {
        int strideP = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (accumulate) {
                System.arraycopy(c, ci, cRow, 0, n);
            } else {
                Arrays.fill(cRow, 0, n, 0f);
            }
            int ai = transA ? aOff + i : aOff + i * lda;
            int p = 0;
            for (; p + 4 <= k; p += 4, ai += 4 * strideP) {
                axpy4(n, a[ai], bRows[p], a[ai + strideP], bRows[p + 1],
                        a[ai + 2 * strideP], bRows[p + 2], a[ai + 3 * strideP], bRows[p + 3], cRow);
            }
            for (; p < k; p++, ai += strideP) {
                axpy1(n, a[ai], bRows[p], cRow);
            }
            System.arraycopy(cRow, 0, c, ci, n);
        }
    }

    /** {@code c[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]}, zero-based so C2 vectorises it. */
    private static void axpy4(int n, float a0, float[] b0, float a1, float[] b1, float a2, float[] b2,
                              float a3, float[] b3, float[] c) {
        for (int j = 0; j < n; j++) {
            c[j] = c[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    private static void axpy1(int n, float a0, float[] b0, float[] c) {
        for (int j = 0; j < n; j++) {
            c[j] += a0 * b0[j];
        }
    }
}
