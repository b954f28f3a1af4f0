package io.rnnc.runtime.kernel;

/**
 * How the vector kernels cut the n columns of a right operand into panels: n is padded to whole
 * vectors of {@code lanes} floats, the vectors are split into as few panels of at most
 * {@code maxVectors} vectors as possible, and the panels are made as even as possible (n = 100 with
 * 16 lanes and 5 vectors gives panels of 4 and 3 vectors, not 5 and 2). A packed operand stores
 * panel after panel, each as k rows of its padded width; columns past n are zero.
 * Pure arithmetic so that no call allocates.
 */
final class Panels {

    private Panels() {
    }

    static int vectors(int n, int lanes) {
        return (n + lanes - 1) / lanes;
    }

    static int paddedCols(int n, int lanes) {
        return vectors(n, lanes) * lanes;
    }

    static int count(int n, int lanes, int maxVectors) {
        return (vectors(n, lanes) + maxVectors - 1) / maxVectors;
    }

    /** Vectors in panel q. */
    static int vectorsIn(int q, int n, int lanes, int maxVectors) {
        int nv = vectors(n, lanes);
        int panels = (nv + maxVectors - 1) / maxVectors;
        return nv / panels + (q < nv % panels ? 1 : 0);
    }

    /** First column of panel q; panel q's data starts at {@code k * start}. */
    static int start(int q, int n, int lanes, int maxVectors) {
        int nv = vectors(n, lanes);
        int panels = (nv + maxVectors - 1) / maxVectors;
        return lanes * (q * (nv / panels) + Math.min(q, nv % panels));
    }

    /**
     * Copies {@code op(B)} [k×n] into panel layout at {@code dst[0..k*paddedCols)}. With
     * {@code transB}, B is stored [n×k] (row j of the stored matrix is column j of op(B)).
     */
    static void pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] dst,
                     int lanes, int maxVectors) {
        int panels = count(n, lanes, maxVectors);
        for (int q = 0; q < panels; q++) {
            int col0 = start(q, n, lanes, maxVectors);
            int width = vectorsIn(q, n, lanes, maxVectors) * lanes;
            int cols = Math.min(width, n - col0);
            int base = k * col0;
            if (transB) {
                packTransposed(k, cols, width, b, bOff + col0 * ldb, ldb, dst, base);
            } else {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * ldb + col0, dst, base + p * width, cols);
                }
            }
            if (cols < width) {
                for (int p = 0; p < k; p++) {
                    java.util.Arrays.fill(dst, base + p * width + cols, base + (p + 1) * width, 0f);
                }
            }
        }
    }

    /** dst[base + p*width + j] = b[bOff + j*ldb + p]; four source rows at a time for locality. */
    private static void packTransposed(int k, int cols, int width, float[] b, int bOff, int ldb,
                                       float[] dst, int base) {
        int j = 0;
        for (; j + 4 <= cols; j += 4) {
            int s0 = bOff + j * ldb;
            int s1 = s0 + ldb;
            int s2 = s1 + ldb;
            int s3 = s2 + ldb;
            int d = base + j;
            for (int p = 0; p < k; p++, d += width) {
                dst[d] = b[s0 + p];
                dst[d + 1] = b[s1 + p];
                dst[d + 2] = b[s2 + p];
                dst[d + 3] = b[s3 + p];
            }
        }
        for (; j < cols; j++) {
            int s = bOff + j * ldb;
            int d = base + j;
            for (int p = 0; p < k; p++, d += width) {
                dst[d] = b[s + p];
            }
        }
    }
}
