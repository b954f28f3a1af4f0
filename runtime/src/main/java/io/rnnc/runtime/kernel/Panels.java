package io.rnnc.runtime.kernel;

/**
 * How the vector kernels cut the n columns of a right operand into panels: n is padded to whole
 * vectors of {@code lanes} floats, the vectors are split into as few panels of at most
 * {@code maxVectors} vectors as possible, and the panels are made as even as possible (n = 64 with
 * 16 lanes and 5 vectors gives one panel of 4 vectors; n = 112 gives 4 and 3, not 5 and 2). A packed
 * operand stores panel after panel, each as k rows of its width; columns past n are zero.
 *
 * <p>A narrow tail: with 16 or more lanes, when n is past a multiple of the lanes by only 1 to
 * {@link #NARROW} columns (n = 100 = 6·16 + 4), those columns are not padded to a whole vector: the last
 * panel gets {@link #NARROW} columns (one 128-bit vector) after its whole vectors, and the narrow part
 * counts as one vector when the panels are balanced, the last panel holding at most
 * {@link #NARROW_PANEL_VECTORS} whole vectors (n = 100: panels of 4 and 2 vectors + 4 columns, 100
 * packed columns instead of 112). A 512-bit fused multiply-add costs a core twice the time of a
 * 128-bit one (Zen 4), so the 12 padding columns of n = 100 were 4 of the 28 FMA cycles per k of a
 * 4-row tile; narrow, the tail costs 2. With 8 lanes a 128-bit FMA costs what a 256-bit one does, so
 * there is nothing to gain and the layout stays padded. Only the packed width changes: C's row stride
 * for padded stores is still {@link #paddedCols}, which is at least {@link #packedCols}.
 * Pure arithmetic so that no call allocates.
 */
final class Panels {

    /** Columns of the narrow tail part: one 128-bit vector of floats. */
    static final int NARROW = 4;
    /** Most whole vectors in the panel that carries the narrow part (its kernels' register tile). */
    static final int NARROW_PANEL_VECTORS = 3;

    private Panels() {
    }

    static int vectors(int n, int lanes) {
        return (n + lanes - 1) / lanes;
    }

    static int paddedCols(int n, int lanes) {
        return vectors(n, lanes) * lanes;
    }

    /** Whether the last 1..{@link #NARROW} columns go in a narrow part rather than a padded vector. */
    static boolean narrowTail(int n, int lanes) {
        int tail = n % lanes;
        return lanes >= 4 * NARROW && n > lanes && tail > 0 && tail <= NARROW;
    }

    /** Whole vectors across the panels (the narrow part not counted). */
    static int wholeVectors(int n, int lanes) {
        return narrowTail(n, lanes) ? n / lanes : vectors(n, lanes);
    }

    /** Columns the packed operand holds per row of k: {@link #paddedCols} or, narrow, the whole vectors plus {@link #NARROW}. */
    static int packedCols(int n, int lanes) {
        return narrowTail(n, lanes) ? n / lanes * lanes + NARROW : paddedCols(n, lanes);
    }

    static int count(int n, int lanes, int maxVectors) {
        int units = vectors(n, lanes);
        int panels = (units + maxVectors - 1) / maxVectors;
        if (narrowTail(n, lanes) && units / panels > Math.min(maxVectors - 1, NARROW_PANEL_VECTORS) + 1) {
            panels++;
        }
        return panels;
    }

    /** Whole vectors in panel q (the last panel's narrow part not counted). */
    static int vectorsIn(int q, int n, int lanes, int maxVectors) {
        int units = vectors(n, lanes);
        int panels = count(n, lanes, maxVectors);
        int v = units / panels + (q < units % panels ? 1 : 0);
        return q == panels - 1 && narrowTail(n, lanes) ? v - 1 : v;
    }

    /** Packed width of panel q in columns: its whole vectors, plus {@link #NARROW} for the narrow part. */
    static int width(int q, int n, int lanes, int maxVectors) {
        int w = vectorsIn(q, n, lanes, maxVectors) * lanes;
        return q == count(n, lanes, maxVectors) - 1 && narrowTail(n, lanes) ? w + NARROW : w;
    }

    /** First column of panel q; panel q's data starts at {@code k * start}. */
    static int start(int q, int n, int lanes, int maxVectors) {
        int units = vectors(n, lanes);
        int panels = count(n, lanes, maxVectors);
        return lanes * (q * (units / panels) + Math.min(q, units % panels));
    }

    /**
     * Copies {@code op(B)} [k×n] into panel layout at {@code dst[0..k*packedCols)}. With
     * {@code transB}, B is stored [n×k] (row j of the stored matrix is column j of op(B)).
     */
    static void pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] dst,
                     int lanes, int maxVectors) {
        int panels = count(n, lanes, maxVectors);
        for (int q = 0; q < panels; q++) {
            int col0 = start(q, n, lanes, maxVectors);
            int width = width(q, n, lanes, maxVectors);
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
