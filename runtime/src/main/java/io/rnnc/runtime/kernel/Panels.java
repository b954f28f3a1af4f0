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
                transpose(cols, k, b, bOff + col0 * ldb, ldb, dst, base, width);
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

    /**
     * {@code dst[dstOff + j·ldd + i] = src[srcOff + i·lds + j]} for {@code i < rows}, {@code j < cols}: the
     * transpose of a {@code rows × cols} block, four source rows at a time (four read streams, four adjacent
     * floats per written row). Packs transposed panels here, and is {@link Gemm#transpose}.
     */
    static void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd) {
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int s0 = srcOff + i * lds;
            int s1 = s0 + lds;
            int s2 = s1 + lds;
            int s3 = s2 + lds;
            int d = dstOff + i;
            for (int j = 0; j < cols; j++, d += ldd) {
                dst[d] = src[s0 + j];
                dst[d + 1] = src[s1 + j];
                dst[d + 2] = src[s2 + j];
                dst[d + 3] = src[s3 + j];
            }
        }
        for (; i < rows; i++) {
            int s = srcOff + i * lds;
            int d = dstOff + i;
            for (int j = 0; j < cols; j++, d += ldd) {
                dst[d] = src[s + j];
            }
        }
    }
}
