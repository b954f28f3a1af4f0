package io.rnnc.runtime.kernel;

import java.util.Arrays;

/**
 * Double products, plain Java on both paths: float64 models exist for gradient checks, where
 * exactness matters and speed does not much. i-k-j order over contiguous rows of B; a transposed B
 * is first copied into a per-thread buffer so the inner loop stays contiguous.
 */
final class DoubleGemm {

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[1][0]);

    private DoubleGemm() {
    }

    static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      boolean accumulate, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        double[] bb = b;
        int bo = bOff;
        int bs = ldb;
        if (transB) {
            double[][] holder = SCRATCH.get();
            if (holder[0].length < k * n) {
                holder[0] = new double[k * n];
            }
            bb = holder[0];
            bo = 0;
            bs = n;
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    bb[p * n + j] = b[bOff + j * ldb + p];
                }
            }
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, ci, ci + n, 0.0);
            }
            for (int p = 0; p < k; p++) {
                double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                int bp = bo + p * bs;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * bb[bp + j];
                }
            }
        }
    }
}
