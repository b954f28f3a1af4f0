package io.rnnc.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Widths around multiples of the vector length (n = 100 = 6·16 + 4 and its neighbours, 8 and 9 for 8 lanes; whole vectors, whose
 * unpacked B is read in place), rows 1 to 32,
 * every operand form. Every element must be exactly the chain of fused multiply-adds in k order, from zero
 * or from C (vector kernels) — so a change of panel layout or tile shape cannot change a bit, and a row
 * computed alone gets the bits it gets in a batch — and close to a double reference.
 */
class GemmFmaChainTest {

    private static final int[] WIDTHS = {4, 8, 9, 16, 17, 20, 32, 36, 52, 68, 80, 99, 100, 101, 116, 148, 400};
    private static final int[] ROWS = {1, 3, 4, 5, 32};
    private static final float SENTINEL = -12345.5f;

    static Stream<GemmKernels> impls() {
        return KernelImpls.all().stream();
    }

    @ParameterizedTest
    @MethodSource("impls")
    void unpackedProductsAreTheFmaChainBitForBit(GemmKernels impl) {
        Random rnd = new Random(100);
        for (int n : WIDTHS) {
            for (int m : ROWS) {
                int k = 1 + rnd.nextInt(110);
                for (int variant = 0; variant < 16; variant++) {
                    boolean transA = (variant & 1) != 0;
                    boolean transB = (variant & 2) != 0;
                    boolean acc = (variant & 4) != 0;
                    boolean padded = (variant & 8) != 0;
                    int lda = (transA ? m : k) + rnd.nextInt(2);
                    int ldb = (transB ? k : n) + rnd.nextInt(2);
                    int ldc = padded ? Gemm.padded(n) : n + rnd.nextInt(2);
                    int cOff = padded ? 0 : rnd.nextInt(3);
                    float[] a = GemmTest.random(rnd, (transA ? k : m) * lda);
                    float[] b = GemmTest.random(rnd, (transB ? n : k) * ldb);
                    float[] c0 = cWithSentinels(rnd, m, n, cOff, ldc);
                    float[] c = c0.clone();
                    impl.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, acc, c, cOff, ldc, padded);
                    String what = impl.name() + " m=" + m + " n=" + n + " k=" + k + " transA=" + transA
                            + " transB=" + transB + " acc=" + acc + " padded=" + padded;
                    checkChain(what, transA, transB, m, n, k, a, lda, b, ldb, acc, c0, c, cOff, ldc, padded);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void packedProductsAreTheFmaChainBitForBit(GemmKernels impl) {
        Random rnd = new Random(101);
        for (int n : WIDTHS) {
            for (boolean transB : new boolean[] {false, true}) {
                int k = 1 + rnd.nextInt(110);
                int ldb = transB ? k : n;
                float[] b = GemmTest.random(rnd, (transB ? n : k) * ldb);
                PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, impl.packedLayout());
                pb.pack(transB, b, 0, ldb);
                for (int m : ROWS) {
                    for (int variant = 0; variant < 4; variant++) {
                        boolean acc = (variant & 1) != 0;
                        boolean padded = (variant & 2) != 0;
                        int ldc = padded ? Gemm.padded(n) : n;
                        float[] a = GemmTest.random(rnd, m * k);
                        float[] c0 = cWithSentinels(rnd, m, n, 0, ldc);
                        // twice: at batch 1 the panels are visited in alternating orders
                        for (int rep = 0; rep < 2; rep++) {
                            float[] c = c0.clone();
                            impl.sgemmPacked(m, a, 0, k, pb, acc, c, 0, ldc, padded);
                            String what = impl.name() + " packed m=" + m + " n=" + n + " k=" + k + " transB=" + transB
                                    + " acc=" + acc + " padded=" + padded + " call " + rep;
                            checkChain(what, false, transB, m, n, k, a, k, b, ldb, acc, c0, c, 0, ldc, padded);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void longProductsCutIntoKBlocksAreStillTheFmaChain(GemmKernels impl) {
        // a weight gradient's shape: A read transposed with a long k (cut into uneven blocks), rows not a multiple
        // of four, B whole vectors (read in place, copied block by block) or not (packed, partial panels)
        Random rnd = new Random(103);
        for (int n : new int[] {100, 160, 400}) {
            for (int m : new int[] {8, 13}) {
                int k = 700 + rnd.nextInt(60);
                for (int variant = 0; variant < 8; variant++) {
                    boolean transA = (variant & 1) != 0;
                    boolean acc = (variant & 2) != 0;
                    boolean padded = (variant & 4) != 0;
                    int lda = transA ? m + 3 : k;
                    int ldb = n + (n % 16 == 0 ? 16 : 0);
                    int ldc = padded ? Gemm.padded(n) : n;
                    float[] a = GemmTest.random(rnd, (transA ? k : m) * lda);
                    float[] b = GemmTest.random(rnd, k * ldb);
                    float[] c0 = cWithSentinels(rnd, m, n, 0, ldc);
                    float[] c = c0.clone();
                    impl.sgemm(transA, false, m, n, k, a, 0, lda, b, 0, ldb, acc, c, 0, ldc, padded);
                    String what = impl.name() + " long k m=" + m + " n=" + n + " k=" + k + " transA=" + transA
                            + " acc=" + acc + " padded=" + padded;
                    checkChain(what, transA, false, m, n, k, a, lda, b, ldb, acc, c0, c, 0, ldc, padded);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void shortProductsOnALongPackedBAreStillTheFmaChain(GemmKernels impl) {
        // a step's backward recurrence, dGates·W_hh: a chunk's few rows (tail rows too) against a packed B of k = G
        // rows, cut into uneven k blocks
        Random rnd = new Random(107);
        for (int n : new int[] {100, 400}) {
            int k = 300 + rnd.nextInt(500);
            float[] b = GemmTest.random(rnd, k * n);
            PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, impl.packedLayout());
            pb.pack(false, b, 0, n);
            for (int m : new int[] {4, 13, 32, 64}) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean acc = (variant & 1) != 0;
                    boolean padded = (variant & 2) != 0;
                    int lda = k + 5;
                    int ldc = padded ? Gemm.padded(n) : n;
                    float[] a = GemmTest.random(rnd, m * lda);
                    float[] c0 = cWithSentinels(rnd, m, n, 0, ldc);
                    float[] c = c0.clone();
                    impl.sgemmPacked(m, a, 0, lda, pb, acc, c, 0, ldc, padded);
                    String what = impl.name() + " long packed m=" + m + " n=" + n + " k=" + k + " acc=" + acc
                            + " padded=" + padded;
                    checkChain(what, false, false, m, n, k, a, lda, b, n, acc, c0, c, 0, ldc, padded);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void aRowAloneGetsTheBitsItGetsInABatch(GemmKernels impl) {
        // batch 1 into a padded row takes the matrix-vector path (one-row kernels), a batch the 4-row ones
        Random rnd = new Random(102);
        for (int n : WIDTHS) {
            int k = 100;
            int ldc = Gemm.padded(n);
            float[] b = GemmTest.random(rnd, n * k);
            PackedFloatMatrix pb = PackedFloatMatrix.allocate(k, n, impl.packedLayout());
            pb.pack(true, b, 0, k);
            for (boolean acc : new boolean[] {false, true}) {
                int m = 32;
                float[] a = GemmTest.random(rnd, m * k);
                float[] c0 = GemmTest.random(rnd, m * ldc);
                float[] batch = c0.clone();
                impl.sgemmPacked(m, a, 0, k, pb, acc, batch, 0, ldc, true);
                for (int i = 0; i < m; i++) {
                    float[] row = Arrays.copyOfRange(c0, i * ldc, (i + 1) * ldc);
                    impl.sgemmPacked(1, a, i * k, k, pb, acc, row, 0, ldc, true);
                    assertArrayEquals(Arrays.copyOfRange(batch, i * ldc, i * ldc + n), Arrays.copyOf(row, n),
                            impl.name() + " n=" + n + " acc=" + acc + " row " + i);
                }
            }
        }
    }

    // ---- helpers

    /** C's elements random, everything else (gaps between rows, room before and after) a sentinel. */
    private static float[] cWithSentinels(Random rnd, int m, int n, int cOff, int ldc) {
        float[] c = new float[cOff + m * ldc + 3];
        Arrays.fill(c, SENTINEL);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = (float) rnd.nextGaussian();
            }
        }
        return c;
    }

    /** The vector kernels sum by fused multiply-adds; the plain ones (separate multiply and add) are only checked for accuracy. */
    private static boolean fmaChain(String what) {
        return what.startsWith("vector (");
    }

    /**
     * Element (i, j) must be {@code fma(a[k-1], b[k-1], ... fma(a[0], b[0], c0 or 0))} exactly, and within
     * float rounding of the double-precision sum; outside C nothing may change, except the padding columns
     * {@code n .. padded(n)} of a padded C (whose contract lets them be overwritten).
     */
    private static void checkChain(String what, boolean transA, boolean transB, int m, int n, int k, float[] a, int lda,
                                   float[] b, int ldb, boolean acc, float[] c0, float[] c, int cOff, int ldc,
                                   boolean padded) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = acc ? c0[cOff + i * ldc + j] : 0f;
                double exact = s;
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[p * lda + i] : a[i * lda + p];
                    float y = transB ? b[j * ldb + p] : b[p * ldb + j];
                    s = Math.fma(x, y, s);
                    exact += (double) x * y;
                    abs += Math.abs((double) x * y);
                }
                float got = c[cOff + i * ldc + j];
                if (fmaChain(what) && Float.floatToRawIntBits(got) != Float.floatToRawIntBits(s)) {
                    fail(what + ": (" + i + "," + j + ") got " + got + ", the fma chain gives " + s);
                }
                if (!(Math.abs(got - exact) <= (k + 2) * 0x1p-23 * abs + 1e-30)) {
                    fail(what + ": (" + i + "," + j + ") got " + got + ", expected " + exact);
                }
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < (padded ? Gemm.padded(n) : n);
            if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                fail(what + ": wrote outside C at index " + idx);
            }
        }
    }
}
