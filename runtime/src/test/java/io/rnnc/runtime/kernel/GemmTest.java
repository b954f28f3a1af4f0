package io.rnnc.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every float product form on every reachable implementation against a double-precision triple loop. */
class GemmTest {

    private static final int[] SIZES = {1, 3, 37, 101};
    private static final float SENTINEL = -12345.5f;

    static Stream<GemmKernels> impls() {
        return KernelImpls.all().stream();
    }

    @Test
    void vectorPathIsTestedWhenTheModuleIsPresent() {
        List<String> names = KernelImpls.all().stream().map(GemmKernels::name).toList();
        assertTrue(names.contains("plain"), names.toString());
        if (KernelImpls.vectorModulePresent()) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith("vector (")), names.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void allFormsOnAwkwardShapes(GemmKernels impl) {
        Random rnd = new Random(42);
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    for (int form = 0; form < 4; form++) {
                        check(impl, rnd, form >= 2, (form & 1) == 1, m, n, k, rnd.nextBoolean());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void largeDimension257EachWay(GemmKernels impl) {
        Random rnd = new Random(7);
        int[][] shapes = {{257, 37, 101}, {37, 257, 101}, {101, 37, 257}, {257, 257, 3}, {1, 257, 257}};
        for (int[] s : shapes) {
            for (int form = 0; form < 4; form++) {
                check(impl, rnd, form >= 2, (form & 1) == 1, s[0], s[1], s[2], true);
                check(impl, rnd, form >= 2, (form & 1) == 1, s[0], s[1], s[2], false);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void randomShapes(GemmKernels impl) {
        Random rnd = new Random(2024);
        for (int t = 0; t < 60; t++) {
            check(impl, rnd, rnd.nextBoolean(), rnd.nextBoolean(),
                    1 + rnd.nextInt(130), 1 + rnd.nextInt(130), 1 + rnd.nextInt(130), rnd.nextBoolean());
        }
        // the shapes of the RNN benchmarks, with unpadded C rows
        check(impl, rnd, false, true, 64, 400, 128, false);
        check(impl, rnd, false, false, 64, 100, 100, true);
        check(impl, rnd, true, false, 100, 100, 64, true);
    }

    @ParameterizedTest
    @MethodSource("impls")
    void packedFormMatchesNaive(GemmKernels impl) {
        Random rnd = new Random(99);
        int[] sizes = {1, 3, 37, 101, 257};
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : new int[] {1, 3, 37, 100}) {
                    checkPacked(impl, rnd, m, n, k, rnd.nextBoolean(), rnd.nextBoolean());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void batchOneIntoPaddedRowsGivesTheBatchedRowsBitForBit(GemmKernels impl) {
        // A recurrent step at batch 1 takes the matrix-vector path; each row must come out exactly as it
        // does inside a larger batch, on every call (successive calls visit the panels in opposite orders).
        Random rnd = new Random(31);
        for (int n : new int[] {1, 16, 45, 100, 300, 400}) {
            for (int k : new int[] {1, 37, 100}) {
                boolean accumulate = rnd.nextBoolean();
                int m = 5;
                int ldc = Gemm.padded(n);
                float[] b = random(rnd, n * k);
                PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, impl.packedLayout());
                pb.pack(true, b, 0, k);
                float[] a = random(rnd, m * k);
                float[] c0 = random(rnd, m * ldc);
                float[] batched = c0.clone();
                impl.sgemmPacked(m, a, 0, k, pb, accumulate, batched, 0, ldc, true);
                double[] ref = naiveAll(false, true, m, n, k, a, 0, k, b, 0, k, accumulate ? c0 : null, 0, ldc);
                String what = impl.name() + " padded m=" + m + " n=" + n + " k=" + k + " acc=" + accumulate;
                compare(what, m, n, k, batched, 0, ldc, ref, c0);
                for (int rep = 0; rep < 3; rep++) {
                    for (int i = 0; i < m; i++) {
                        // one padded row, a sentinel after it
                        float[] row = new float[ldc + 3];
                        java.util.Arrays.fill(row, SENTINEL);
                        System.arraycopy(c0, i * ldc, row, 0, ldc);
                        impl.sgemmPacked(1, a, i * k, k, pb, accumulate, row, 0, ldc, true);
                        for (int j = 0; j < n; j++) {
                            assertEquals(Float.floatToRawIntBits(batched[i * ldc + j]), Float.floatToRawIntBits(row[j]),
                                    what + ": row " + i + " column " + j + " call " + rep);
                        }
                        for (int j = ldc; j < row.length; j++) {
                            assertEquals(SENTINEL, row[j], what + ": wrote past the padded row");
                        }
                        // a C without room for the padding takes the general path, with the same bits
                        float[] tight = java.util.Arrays.copyOfRange(c0, i * ldc, i * ldc + n);
                        impl.sgemmPacked(1, a, i * k, k, pb, accumulate, tight, 0, ldc, true);
                        for (int j = 0; j < n; j++) {
                            assertEquals(Float.floatToRawIntBits(batched[i * ldc + j]), Float.floatToRawIntBits(tight[j]),
                                    what + ": unpadded row " + i + " column " + j);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void rowsPastAMultipleOfFourMatchSingleRowProductsBitForBit(GemmKernels impl) {
        // The vector kernels run the one to three rows past the last multiple of four on the four-row
        // kernel (a rarely called one-row kernel would wait long for C2); each row must still come out as
        // the same row computed alone, transposed A or not, overwriting or adding, padded C or not.
        Random rnd = new Random(57);
        for (int m : new int[] {2, 3, 5, 6, 7, 10}) {
            for (int n : new int[] {5, 16, 45, 100}) {
                int k = 1 + rnd.nextInt(60);
                for (int variant = 0; variant < 8; variant++) {
                    boolean transA = (variant & 1) != 0;
                    boolean accumulate = (variant & 2) != 0;
                    boolean padded = (variant & 4) != 0;
                    int ldc = Gemm.padded(n);
                    int lda = transA ? m : k;
                    float[] a = random(rnd, m * k);
                    float[] b = random(rnd, k * n);
                    float[] c0 = random(rnd, m * ldc);
                    float[] all = c0.clone();
                    impl.sgemm(transA, false, m, n, k, a, 0, lda, b, 0, n, accumulate, all, 0, ldc, padded);
                    String what = impl.name() + " m=" + m + " n=" + n + " k=" + k + " transA=" + transA
                            + " acc=" + accumulate + " padded=" + padded;
                    for (int i = 0; i < m; i++) {
                        float[] row = java.util.Arrays.copyOfRange(c0, i * ldc, (i + 1) * ldc);
                        // row i of op(A) alone: A's row (or column, when transposed) i
                        impl.sgemm(transA, false, 1, n, k, a, i * (transA ? 1 : k), lda, b, 0, n, accumulate, row, 0, ldc,
                                padded);
                        for (int j = 0; j < (padded ? ldc : n); j++) {
                            assertEquals(Float.floatToRawIntBits(row[j]), Float.floatToRawIntBits(all[i * ldc + j]),
                                    what + ": row " + i + " column " + j);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void zeroInnerDimensionOverwritesOrKeeps(GemmKernels impl) {
        float[] c = {1, 2, 3, 4};
        impl.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, true, c, 0, 2);
        assertEquals(List.of(1f, 2f, 3f, 4f), List.of(c[0], c[1], c[2], c[3]));
        impl.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, false, c, 0, 2);
        assertEquals(List.of(0f, 0f, 0f, 0f), List.of(c[0], c[1], c[2], c[3]));
    }

    @ParameterizedTest
    @MethodSource("impls")
    void overwriteIgnoresNaNInC(GemmKernels impl) {
        Random rnd = new Random(5);
        int m = 5;
        int n = 19;
        int k = 7;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        impl.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, false, c, 0, n);
        for (float v : c) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void packedMatrixInAnotherLayoutStillWorks() {
        // a matrix packed for one implementation, used by the other: the generic path must be right
        Random rnd = new Random(3);
        for (GemmKernels impl : KernelImpls.all()) {
            for (PackedFloatMatrix.Layout layout : List.of(PackedFloatMatrix.Layout.ROWS,
                    PackedFloatMatrix.Layout.panels(8, 3), PackedFloatMatrix.Layout.panels(16, 5))) {
                int m = 6;
                int n = 45;
                int k = 9;
                float[] a = random(rnd, m * k);
                float[] b = random(rnd, k * n);
                PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, layout);
                pb.pack(false, b, 0, n);
                float[] c = new float[m * n];
                impl.sgemmPacked(m, a, 0, k, pb, false, c, 0, n);
                double[] ref = naive(false, false, m, n, k, a, 0, k, b, 0, n, null, 0, n);
                compare(impl.name() + " " + layout, m, n, k, c, 0, n, ref, null);
            }
        }
    }

    @Test
    void packedGetReadsBackEveryElement() {
        Random rnd = new Random(11);
        for (PackedFloatMatrix.Layout layout : List.of(PackedFloatMatrix.Layout.ROWS,
                PackedFloatMatrix.Layout.panels(16, 5), PackedFloatMatrix.Layout.panels(8, 3))) {
            int k = 13;
            int n = 101;
            int ldb = 120;
            float[] b = random(rnd, n * ldb + 4);
            PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, layout);
            pb.pack(true, b, 4, ldb);
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(b[4 + j * ldb + p], pb.get(p, j), layout + " (" + p + "," + j + ")");
                }
            }
        }
    }

    @Test
    void byTransposeMatchesTheDirectProduct() {
        Random rnd = new Random(7);
        // (m, n, k): a weight gradient's shape (long m, short n), odd sizes, one row
        int[][] shapes = {{400, 28, 64}, {300, 100, 33}, {37, 5, 9}, {1, 17, 3}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        int lda = (transA ? m : k) + 1;
                        int ldb = (transB ? k : n) + 2;
                        int ldc = n + 3;
                        float[] a = random(rnd, 2 + (transA ? k : m) * lda);
                        float[] b = random(rnd, 1 + (transB ? n : k) * ldb);
                        float[] c0 = random(rnd, 4 + m * ldc);
                        float[] direct = c0.clone();
                        float[] viaT = c0.clone();
                        Gemm.sgemm(transA, transB, m, n, k, a, 2, lda, b, 1, ldb, acc, direct, 4, ldc);
                        Gemm.sgemmByTranspose(transA, transB, m, n, k, a, 2, lda, b, 1, ldb, acc, viaT, 4, ldc);
                        String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB
                                + " acc=" + acc;
                        for (int i = 0; i < c0.length; i++) {
                            int rel = i - 4;
                            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                            if (inside) {
                                assertEquals(direct[i], viaT[i], 1e-5f * (k + 2) * (1 + Math.abs(direct[i])), what + " at " + i);
                            } else {
                                assertEquals(c0[i], viaT[i], 0f, what + ": wrote outside C at " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void transposeWritesTheTransposedBlockOnly() {
        int rows = 7, cols = 5, lds = 9, ldd = 10;
        float[] src = new float[2 + rows * lds];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] dst = new float[3 + cols * ldd];
        java.util.Arrays.fill(dst, SENTINEL);
        Gemm.transpose(rows, cols, src, 2, lds, dst, 3, ldd);
        for (int idx = 0; idx < dst.length; idx++) {
            int rel = idx - 3;
            int j = rel / ldd, i = rel % ldd;
            boolean inside = rel >= 0 && j < cols && i < rows;
            assertEquals(inside ? src[2 + i * lds + j] : SENTINEL, dst[idx], 0f, "index " + idx);
        }
    }

    // ---- helpers

    private static void check(GemmKernels impl, Random rnd, boolean transA, boolean transB,
                              int m, int n, int k, boolean accumulate) {
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + rnd.nextInt(3);
        int ldb = bCols + rnd.nextInt(3);
        int ldc = n + rnd.nextInt(3);
        int aOff = rnd.nextInt(4);
        int bOff = rnd.nextInt(4);
        int cOff = rnd.nextInt(4);
        float[] a = random(rnd, aOff + aRows * lda);
        float[] b = random(rnd, bOff + bRows * ldb);
        float[] c = new float[cOff + m * ldc + 3];
        java.util.Arrays.fill(c, SENTINEL);
        float[] c0 = new float[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = (float) rnd.nextGaussian();
            }
        }
        System.arraycopy(c, 0, c0, 0, c.length);
        impl.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        double[] ref = naiveAll(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate ? c0 : null, cOff, ldc);
        String what = impl.name() + " transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k
                + " acc=" + accumulate;
        compare(what, m, n, k, c, cOff, ldc, ref, c0);
        assertOutsideUntouched(what, m, n, c, c0, cOff, ldc);
    }

    private static void checkPacked(GemmKernels impl, Random rnd, int m, int n, int k, boolean transB,
                                    boolean accumulate) {
        int ldb = (transB ? k : n) + rnd.nextInt(3);
        int bOff = rnd.nextInt(4);
        float[] b = random(rnd, bOff + (transB ? n : k) * ldb);
        PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, impl.packedLayout());
        pb.pack(transB, b, bOff, ldb);
        // repeated use of one packing, as the time steps of an RNN do
        for (int rep = 0; rep < 2; rep++) {
            int lda = k + rnd.nextInt(3);
            int aOff = rnd.nextInt(4);
            int ldc = n + rnd.nextInt(3);
            int cOff = rnd.nextInt(4);
            float[] a = random(rnd, aOff + m * lda);
            float[] c = new float[cOff + m * ldc + 3];
            java.util.Arrays.fill(c, SENTINEL);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * ldc + j] = (float) rnd.nextGaussian();
                }
            }
            float[] c0 = c.clone();
            impl.sgemmPacked(m, a, aOff, lda, pb, accumulate, c, cOff, ldc);
            double[] ref = naiveAll(false, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate ? c0 : null,
                    cOff, ldc);
            String what = impl.name() + " packed m=" + m + " n=" + n + " k=" + k + " transB=" + transB
                    + " acc=" + accumulate;
            compare(what, m, n, k, c, cOff, ldc, ref, c0);
            assertOutsideUntouched(what, m, n, c, c0, cOff, ldc);
        }
    }

    static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** Reference in double: [0..m*n) the product (plus C0), [m*n..2mn) the sum of |terms| for the tolerance. */
    private static double[] naiveAll(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                                     float[] b, int bOff, int ldb, float[] c0, int cOff, int ldc) {
        return naive(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c0, cOff, ldc);
    }

    static double[] naive(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float[] c0, int cOff, int ldc) {
        double[] r = new double[2 * m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0 == null ? 0 : c0[cOff + i * ldc + j];
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                r[i * n + j] = s;
                r[m * n + i * n + j] = abs;
            }
        }
        return r;
    }

    /** Float summation of k+1 terms in any order stays within (k+2)·eps·Σ|terms| of the exact sum. */
    private static void compare(String what, int m, int n, int k, float[] c, int cOff, int ldc, double[] ref,
                                float[] c0) {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = ref[i * n + j];
                double tol = (k + 2) * 0x1p-23 * ref[m * n + i * n + j] + 1e-30;
                float got = c[cOff + i * ldc + j];
                if (!(Math.abs(got - exact) <= tol)) {
                    bad.add("(" + i + "," + j + "): got " + got + ", expected " + exact);
                    if (bad.size() > 5) {
                        break;
                    }
                }
            }
        }
        if (!bad.isEmpty()) {
            fail(what + ": " + bad);
        }
    }

    private static void assertOutsideUntouched(String what, int m, int n, float[] c, float[] c0, int cOff, int ldc) {
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                fail(what + ": wrote outside C at index " + idx);
            }
        }
    }
}
