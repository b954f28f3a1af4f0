package io.rnnc.runtime.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float products on the Vector API (loaded only when {@code jdk.incubator.vector} is present; see
 * {@link Vectorization}). op(A) is read in place (the kernels only broadcast its elements, so a
 * transposed A just swaps its row and k strides), op(B) is copied into column panels of up to {@link #NV} vectors (zero-padded to whole vectors, see {@link Panels}) unless its rows are whole vectors already (then read in place),
 * and a register-blocked micro-kernel keeps a 4-row × NV-vector tile of C in registers for the
 * whole k loop: per k it loads NV vectors of B, broadcasts four elements of A and issues 4·NV
 * fused multiply-adds. Columns past n exist only in the padded panels (zeros); when C's rows
 * have room for them (row stride padded to whole vectors, as generated models lay out their
 * buffers) tiles store whole vectors straight into C, otherwise a partial panel goes through a
 * small scratch tile instead of masked stores (masked stores are slow on JDK 17). Kernels are one small method per tile width so that both JIT tiers compile them.
 * Scratch buffers are per thread and grow once, so calls allocate nothing after warm-up.
 */
final class VectorGemm implements GemmKernels {

    static final VectorSpecies<Float> S = FloatSpecies.CHOSEN;
    static final int L = S.length();
    /** Vectors per panel: 4×5 tiles use 20 of 32 registers with AVX-512; 4×3 fit AVX2's 16. */
    static final int NV = L >= 16 ? 5 : 3;
    private static final PackedFloatMatrix.Layout LAYOUT = PackedFloatMatrix.Layout.panels(L, NV);

    private static final class Scratch {
        float[] b = new float[0];
        float[] a4 = new float[0];
        float[] block = new float[0];
        final float[] tile = new float[4 * NV * L];

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] block(int size) {
            if (block.length < size) {
                block = new float[size];
            }
            return block;
        }

        float[] a4(int size) {
            if (a4.length < size) {
                a4 = new float[size];
            }
            return a4;
        }
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "vector (" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public PackedFloatMatrix.Layout packedLayout() {
        return LAYOUT;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      boolean accumulate, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, false);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      boolean accumulate, float[] c, int cOff, int ldc, boolean cPadded) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            zeroUnlessAccumulating(m, n, accumulate, c, cOff, ldc);
            return;
        }
        Scratch s = scratch.get();
        // A is read in place, transposed or not: the kernels broadcast single elements, which needs no packing
        int ar = transA ? 1 : lda;
        int as = transA ? lda : 1;
        if (!transB && n % L == 0 && ldb >= n && (long) bOff + (long) (k - 1) * ldb + n <= b.length) {
            // B's rows are whole vectors already: no whole copy into panels first (for a short m that would cost
            // as much as the product: a weight gradient's dGates, 1.4 MB per LSTM layer and 32-row chunk). run()
            // reads them in place, or copies each panel's k-block to contiguous rows just before its tiles read it
            run(m, n, k, a, aOff, ar, as, b, bOff, ldb, accumulate, c, cOff, ldc, cPadded, s);
            return;
        }
        float[] bp = s.b(k * Panels.paddedCols(n, L));
        Panels.pack(transB, k, n, b, bOff, ldb, bp, L, NV);
        run(m, n, k, a, aOff, ar, as, bp, 0, 0, accumulate, c, cOff, ldc, cPadded, s);
    }

    @Override
    public void sgemmPacked(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                            boolean accumulate, float[] c, int cOff, int ldc) {
        sgemmPacked(m, a, aOff, lda, b, accumulate, c, cOff, ldc, false);
    }

    @Override
    public void sgemmPacked(int m, float[] a, int aOff, int lda, PackedFloatMatrix b,
                            boolean accumulate, float[] c, int cOff, int ldc, boolean cPadded) {
        if (m == 1 && cPadded && b.layout() == LAYOUT && b.rows() > 0 && b.cols() > 0
                && (long) cOff + b.panelStarts()[b.panelStarts().length - 1] <= c.length) {
            matvec(b.rows(), a, aOff, b, accumulate, c, cOff);
            return;
        }
        if (!b.layout().equals(packedLayout())) {
            PackedFloatMatrix.sgemmAnyLayout(m, a, aOff, lda, b, accumulate, c, cOff, ldc);
            return;
        }
        int n = b.cols();
        int k = b.rows();
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            zeroUnlessAccumulating(m, n, accumulate, c, cOff, ldc);
            return;
        }
        Scratch s = scratch.get();
        run(m, n, k, a, aOff, lda, 1, b.data(), 0, 0, accumulate, c, cOff, ldc, cPadded, s);
    }

    /**
     * Batch 1 (a recurrent step at batch 1 is a matrix-vector product, bound by streaming B from L2):
     * the same one-row kernels and sums as {@link #run}, without its per-call set-up, storing whole
     * vectors into C's padded row. Every other call visits the panels last to first, so that a step
     * begins with the panels the previous step read last (still in L1); the bits do not change.
     */
    private static void matvec(int k, float[] a, int aOff, PackedFloatMatrix b, boolean acc, float[] c, int cOff) {
        int[] starts = b.panelStarts();
        float[] bp = b.data();
        int panels = starts.length - 1;
        boolean backward = b.nextVisitBackward();
        for (int i = 0; i < panels; i++) {
            int q = backward ? panels - 1 - i : i;
            int col0 = starts[q];
            int w = starts[q + 1] - col0;
            tile1(w / L, k, a, aOff, 1, 0, bp, k * col0, w, c, cOff + col0, acc);
        }
    }

    private static void zeroUnlessAccumulating(int m, int n, boolean accumulate, float[] c, int cOff, int ldc) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
    }

    /**
     * Tiles of whole valid vectors, and every tile when the caller lets the padding columns of C's
     * rows be overwritten ({@code cPadded}), are stored straight into C (padding lanes get C's value
     * plus zero products, or zero). Other tiles run into the scratch tile, preloaded with C, and are
     * copied back.
     *
     * <p>Only a single-row product (batch 1) uses the one-row kernels. The one to three rows past the
     * last multiple of four in a taller product go through the four-row kernels instead (see
     * {@link #tailRows}): a one-row kernel used only for such rows runs a few times per step, so C2
     * compiles it seconds after the hot kernels, or never while its queue is busy, and until then it
     * runs in C1 code, where no Vector API call is intrinsified and every vector is boxed (~200 KB per
     * LSTM training step at batch 64, for whole JMH runs in some of them).
     *
     * <p>op(B) is {@code bp} in panel layout when {@code ldb == 0}, else rows of whole vectors read in place:
     * {@code op(B)(p, j) = bp[bOff + p·ldb + j]} (n a multiple of the vector length). The kernels see no
     * difference: their {@code w} argument is B's row stride.
     */
    private static void run(int m, int n, int k, float[] ap, int aOff, int ar, int as, float[] bp, int bOff, int ldb,
                            boolean acc, float[] c, int cOff, int ldc, boolean cPadded, Scratch s) {
        float[] tile = s.tile;
        int padded = Panels.paddedCols(n, L);
        boolean roomy = cPadded && ldc >= padded && (long) cOff + (long) (m - 1) * ldc + padded <= c.length;
        int panels = Panels.count(n, L, NV);
        int full = m == 1 ? 0 : m & ~3;
        float[] a4 = null;
        if (full < m && m > 1) {
            a4 = s.a4(4 * k);
            packTailRows(m - full, k, ap, aOff + full * ar, ar, as, a4);
        }
        // op(A)(i, p) = ap[aOff + i * ar + p * as]
        for (int q = 0; q < panels; q++) {
            int col0 = Panels.start(q, n, L, NV);
            int nv = Panels.vectorsIn(q, n, L, NV);
            int w = nv * L;
            // op(B)(p, col0 + j) = bp[bi + p * bs + j]: panels packed k rows of w each, or rows of B in place
            int bs = ldb == 0 ? w : ldb;
            int bi = ldb == 0 ? k * col0 : bOff + col0;
            int cols = Math.min(w, n - col0);
            boolean direct = roomy || cols == w;
            // With A read transposed (a weight gradient's hᵀ or Xᵀ: a tile's four elements of each k come from a
            // new row of A), or a short A (a step's recurrent products: every row tile re-reads the whole panel),
            // k runs in blocks whose slice of the panel stays in L1 (see kBlocks). A block after the first adds
            // to the sums the previous one stored, so every element of C gets the same fused multiply-adds in
            // the same order as without blocks: the bits do not change. A tall A read along its rows streams
            // well over the whole k, and blocking it measured no faster (or slower).
            int blocks = m == 1 || (as == 1 && m > SHORT_M) ? 1 : kBlocks(k, w);
            for (int kb = 0; kb < blocks; kb++) {
                int k0 = (int) ((long) k * kb / blocks);
                int kc = (int) ((long) k * (kb + 1) / blocks) - k0;
                boolean add = acc || kb > 0;
                int a0 = aOff + k0 * as;
                float[] bb = bp;
                int b0 = bi + k0 * bs;
                int bbs = bs;
                if (ldb != 0 && m >= 8 && K_BLOCK_FLOATS > 0) {
                    // B read in place: copy the block's k-slice of this panel to contiguous rows once, rather
                    // than have every tile read kc rows ldb apart (with a power-of-two ldb they share a few L1
                    // sets and evict each other, and each row is another page)
                    bb = s.block(kc * w);
                    for (int p = 0; p < kc; p++) {
                        System.arraycopy(bp, b0 + p * bs, bb, p * w, w);
                    }
                    b0 = 0;
                    bbs = w;
                }
                int i = 0;
                for (; i < full; i += 4) {
                    int ci = cOff + i * ldc + col0;
                    if (direct) {
                        tile4(nv, kc, ap, a0 + i * ar, as, ar, bb, b0, bbs, c, ci, ldc, add);
                    } else {
                        tileIn(4, cols, w, add, c, ci, ldc, tile);
                        tile4(nv, kc, ap, a0 + i * ar, as, ar, bb, b0, bbs, tile, 0, w, true);
                        tileOut(4, cols, w, c, ci, ldc, tile);
                    }
                }
                if (a4 != null) {
                    tailRows(m - full, nv, kc, a4, k0, k, bb, b0, bbs, w, direct ? w : cols, add, c,
                            cOff + full * ldc + col0, ldc, tile);
                    continue;
                }
                for (; i < m; i++) {
                    int ai = a0 + i * ar;
                    int ci = cOff + i * ldc + col0;
                    if (direct) {
                        tile1(nv, kc, ap, ai, as, ar, bb, b0, bbs, c, ci, add);
                    } else {
                        tileIn(1, cols, w, add, c, ci, ldc, tile);
                        tile1(nv, kc, ap, ai, as, ar, bb, b0, bbs, tile, 0, true);
                        tileOut(1, cols, w, c, ci, ldc, tile);
                    }
                }
            }
        }
    }

    /**
     * Floats of a panel's k-slice that one block may span: 8,192 (32 KB of a 48 KB L1D), so the slice stays
     * in L1 while every row tile of the panel reads it. Unblocked, a panel of k rows × 80 floats outgrows L1
     * once k passes ~100 (the weight gradients have k = T·n = 1,792 at batch 64) and each tile streams it
     * from L2 or further. {@code -Drnnc.gemm.kblock=0} turns blocking and the copy of in-place B blocks off
     * (the kernels as before, for A/B measurements); N sets the budget in floats.
     */
    static final int K_BLOCK_FLOATS = Integer.getInteger("rnnc.gemm.kblock", 8192);

    /**
     * Rows of an A read along its rows up to which k is blocked too: a step's recurrent products (a chunk of 32
     * rows) re-read a panel of k = G rows (400 × 64 floats for the LSTM's dGates·W_hh, 100 KB) once per row
     * tile, from L2 when unblocked (LSTM dGates·W_hh: 84 → 97 GFLOP/s blocked). {@code -Drnnc.gemm.shortm=0}
     * turns this off (for A/B runs).
     */
    static final int SHORT_M = Integer.getInteger("rnnc.gemm.shortm", 64);

    static int kBlocks(int k, int w) {
        if (K_BLOCK_FLOATS <= 0 || (long) k * w <= K_BLOCK_FLOATS) {
            return 1;
        }
        int kc = Math.max(16, K_BLOCK_FLOATS / w);
        return (k + kc - 1) / kc;
    }

    /** The {@code rows} (1-3) tail rows of op(A) as rows of {@code k} floats in {@code a4}, then zero rows up to four. */
    private static void packTailRows(int rows, int k, float[] ap, int ai, int ar, int as, float[] a4) {
        for (int r = 0; r < 4; r++) {
            int t = r * k;
            if (r < rows) {
                for (int p = 0; p < k; p++) {
                    a4[t + p] = ap[ai + r * ar + p * as];
                }
            } else {
                Arrays.fill(a4, t, t + k, 0f);
            }
        }
    }

    /**
     * The tail rows of one panel on the (hot, compiled) four-row kernel, through the scratch tile (preloaded
     * with C's rows when adding; the rows past the tail are never copied back): per element the same fused
     * multiply-adds, from zero or from C, as the rows above it and as the row computed alone.
     */
    private static void tailRows(int rows, int nv, int kc, float[] a4, int k0, int k, float[] bp, int bi, int bs, int w,
                                 int cols, boolean acc, float[] c, int ci, int ldc, float[] tile) {
        if (acc) {
            tileIn(rows, cols, w, true, c, ci, ldc, tile);
        }
        tile4(nv, kc, a4, k0, 1, k, bp, bi, bs, tile, 0, w, acc);
        tileOut(rows, cols, w, c, ci, ldc, tile);
    }

    /*
     * Vectors never cross a method boundary here: a FloatVector passed to a method that C2 does not
     * inline is boxed on the heap (a Float512Vector and its float[] per call). Each kernel below
     * loads, multiplies and stores on its own, and is small enough for C2 to inline every Vector API
     * call in it; run() calls them with plain arguments only.
     */

    private static void tile4(int nv, int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                              float[] c, int ci, int ldc, boolean acc) {
        if (acc) {
            switch (nv) {
                case 5 -> k4x5Acc(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                case 4 -> k4x4Acc(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                case 3 -> k4x3Acc(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                case 2 -> k4x2Acc(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                default -> k4x1Acc(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
            }
        } else {
            switch (nv) {
                case 5 -> k4x5(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                case 4 -> k4x4(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                case 3 -> k4x3(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                case 2 -> k4x2(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
                default -> k4x1(k, ap, ai, as, ar, bp, bi, w, c, ci, ldc);
            }
        }
    }

    /**
     * One row: the sums start from C (zeroed first unless accumulating), as in the 4-row kernels, so a row
     * gets the same bits alone (batch 1) as inside a batch.
     */
    private static void tile1(int nv, int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                              float[] c, int ci, boolean acc) {
        if (!acc) {
            Arrays.fill(c, ci, ci + nv * L, 0f);
        }
        switch (nv) {
            case 5 -> k1x5(k, ap, ai, as, ar, bp, bi, w, c, ci);
            case 4 -> k1x4(k, ap, ai, as, ar, bp, bi, w, c, ci);
            case 3 -> k1x3(k, ap, ai, as, ar, bp, bi, w, c, ci);
            case 2 -> k1x2(k, ap, ai, as, ar, bp, bi, w, c, ci);
            default -> k1x1(k, ap, ai, as, ar, bp, bi, w, c, ci);
        }
    }

    /** The scratch tile [rows × w] gets C's valid columns (or zeros) and zeros past them. */
    private static void tileIn(int rows, int cols, int w, boolean acc, float[] c, int ci, int ldc, float[] tile) {
        for (int r = 0; r < rows; r++) {
            int t = r * w;
            if (acc) {
                System.arraycopy(c, ci + r * ldc, tile, t, cols);
                Arrays.fill(tile, t + cols, t + w, 0f);
            } else {
                Arrays.fill(tile, t, t + w, 0f);
            }
        }
    }

    private static void tileOut(int rows, int cols, int w, float[] c, int ci, int ldc, float[] tile) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * w, c, ci + r * ldc, cols);
        }
    }

    // Two kernels per width, one that overwrites C and one that adds to it, rather than one with an
    // "accumulate" branch: C2 inlines a method's Vector API calls only while its inlining budget lasts, and
    // a call left out boxes its vectors (the step then runs 7-10x slower). A kernel that had run both ways
    // needed ~90 such calls; these need at most 69. The adding kernels start their sums from C.

    /** 4 rows × 5 vectors stored over C: 20 sums from zero; 5 loads of B and 4 broadcasts of A per k. */
    private static void k4x5(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z, c14 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z, c34 = z;
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, bp, bi + 4 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            c04 = a0.fma(b4, c04);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            c14 = a1.fma(b4, c14);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            c24 = a2.fma(b4, c24);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            c34 = a3.fma(b4, c34);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c03.intoArray(c, ci + 3 * L);
        c04.intoArray(c, ci + 4 * L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c12.intoArray(c, ci + ldc + 2 * L);
        c13.intoArray(c, ci + ldc + 3 * L);
        c14.intoArray(c, ci + ldc + 4 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c23.intoArray(c, ci + 2 * ldc + 3 * L);
        c24.intoArray(c, ci + 2 * ldc + 4 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c32.intoArray(c, ci + 3 * ldc + 2 * L);
        c33.intoArray(c, ci + 3 * ldc + 3 * L);
        c34.intoArray(c, ci + 3 * ldc + 4 * L);
    }

    /** 4 rows × 5 vectors added to C: 20 sums that start from C; 5 loads of B and 4 broadcasts of A per k. */
    private static void k4x5Acc(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c02 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, c, ci + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, c, ci + 4 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, ci + ldc + L);
        FloatVector c12 = FloatVector.fromArray(S, c, ci + ldc + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, c, ci + ldc + 3 * L);
        FloatVector c14 = FloatVector.fromArray(S, c, ci + ldc + 4 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
        FloatVector c22 = FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, c, ci + 2 * ldc + 3 * L);
        FloatVector c24 = FloatVector.fromArray(S, c, ci + 2 * ldc + 4 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
        FloatVector c32 = FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, c, ci + 3 * ldc + 3 * L);
        FloatVector c34 = FloatVector.fromArray(S, c, ci + 3 * ldc + 4 * L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, bp, bi + 4 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            c04 = a0.fma(b4, c04);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            c14 = a1.fma(b4, c14);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            c24 = a2.fma(b4, c24);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            c34 = a3.fma(b4, c34);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c03.intoArray(c, ci + 3 * L);
        c04.intoArray(c, ci + 4 * L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c12.intoArray(c, ci + ldc + 2 * L);
        c13.intoArray(c, ci + ldc + 3 * L);
        c14.intoArray(c, ci + ldc + 4 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c23.intoArray(c, ci + 2 * ldc + 3 * L);
        c24.intoArray(c, ci + 2 * ldc + 4 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c32.intoArray(c, ci + 3 * ldc + 2 * L);
        c33.intoArray(c, ci + 3 * ldc + 3 * L);
        c34.intoArray(c, ci + 3 * ldc + 4 * L);
    }

    /** 4 rows × 4 vectors stored over C: 16 sums from zero; 4 loads of B and 4 broadcasts of A per k. */
    private static void k4x4(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c03.intoArray(c, ci + 3 * L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c12.intoArray(c, ci + ldc + 2 * L);
        c13.intoArray(c, ci + ldc + 3 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c23.intoArray(c, ci + 2 * ldc + 3 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c32.intoArray(c, ci + 3 * ldc + 2 * L);
        c33.intoArray(c, ci + 3 * ldc + 3 * L);
    }

    /** 4 rows × 4 vectors added to C: 16 sums that start from C; 4 loads of B and 4 broadcasts of A per k. */
    private static void k4x4Acc(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c02 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, c, ci + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, ci + ldc + L);
        FloatVector c12 = FloatVector.fromArray(S, c, ci + ldc + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, c, ci + ldc + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
        FloatVector c22 = FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, c, ci + 2 * ldc + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
        FloatVector c32 = FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, c, ci + 3 * ldc + 3 * L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c03.intoArray(c, ci + 3 * L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c12.intoArray(c, ci + ldc + 2 * L);
        c13.intoArray(c, ci + ldc + 3 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c23.intoArray(c, ci + 2 * ldc + 3 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c32.intoArray(c, ci + 3 * ldc + 2 * L);
        c33.intoArray(c, ci + 3 * ldc + 3 * L);
    }

    /** 4 rows × 3 vectors stored over C: 12 sums from zero; 3 loads of B and 4 broadcasts of A per k. */
    private static void k4x3(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c12.intoArray(c, ci + ldc + 2 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c32.intoArray(c, ci + 3 * ldc + 2 * L);
    }

    /** 4 rows × 3 vectors added to C: 12 sums that start from C; 3 loads of B and 4 broadcasts of A per k. */
    private static void k4x3Acc(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c02 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, ci + ldc + L);
        FloatVector c12 = FloatVector.fromArray(S, c, ci + ldc + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
        FloatVector c22 = FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
        FloatVector c32 = FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c12.intoArray(c, ci + ldc + 2 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c32.intoArray(c, ci + 3 * ldc + 2 * L);
    }

    /** 4 rows × 2 vectors stored over C: 8 sums from zero; 2 loads of B and 4 broadcasts of A per k. */
    private static void k4x2(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
    }

    /** 4 rows × 2 vectors added to C: 8 sums that start from C; 2 loads of B and 4 broadcasts of A per k. */
    private static void k4x2Acc(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, ci + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
    }

    /** 4 rows × 1 vector stored over C: 4 sums from zero; 1 load of B and 4 broadcasts of A per k. */
    private static void k4x1(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
        }
        c00.intoArray(c, ci);
        c10.intoArray(c, ci + ldc);
        c20.intoArray(c, ci + 2 * ldc);
        c30.intoArray(c, ci + 3 * ldc);
    }

    /** 4 rows × 1 vector added to C: 4 sums that start from C; 1 load of B and 4 broadcasts of A per k. */
    private static void k4x1Acc(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
            float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + ldc);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + ar]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * ar]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * ar]);
            c30 = a3.fma(b0, c30);
        }
        c00.intoArray(c, ci);
        c10.intoArray(c, ci + ldc);
        c20.intoArray(c, ci + 2 * ldc);
        c30.intoArray(c, ci + 3 * ldc);
    }

    /** One row × 5 vectors (single-row products: batch 1). A is read with stride as. */
    private static void k1x5(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                             float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, c, ci + 3 * L);
        FloatVector c4 = FloatVector.fromArray(S, c, ci + 4 * L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = a.fma(FloatVector.fromArray(S, bp, bi + L), c1);
            c2 = a.fma(FloatVector.fromArray(S, bp, bi + 2 * L), c2);
            c3 = a.fma(FloatVector.fromArray(S, bp, bi + 3 * L), c3);
            c4 = a.fma(FloatVector.fromArray(S, bp, bi + 4 * L), c4);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
        c2.intoArray(c, ci + 2 * L);
        c3.intoArray(c, ci + 3 * L);
        c4.intoArray(c, ci + 4 * L);
    }
    /** One row × 4 vectors (single-row products: batch 1). A is read with stride as. */
    private static void k1x4(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                             float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, c, ci + 3 * L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = a.fma(FloatVector.fromArray(S, bp, bi + L), c1);
            c2 = a.fma(FloatVector.fromArray(S, bp, bi + 2 * L), c2);
            c3 = a.fma(FloatVector.fromArray(S, bp, bi + 3 * L), c3);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
        c2.intoArray(c, ci + 2 * L);
        c3.intoArray(c, ci + 3 * L);
    }
    /** One row × 3 vectors (single-row products: batch 1). A is read with stride as. */
    private static void k1x3(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                             float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = a.fma(FloatVector.fromArray(S, bp, bi + L), c1);
            c2 = a.fma(FloatVector.fromArray(S, bp, bi + 2 * L), c2);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
        c2.intoArray(c, ci + 2 * L);
    }
    /** One row × 2 vectors (single-row products: batch 1). A is read with stride as. */
    private static void k1x2(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                             float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + L);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = a.fma(FloatVector.fromArray(S, bp, bi + L), c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
    }
    /** One row × 1 vector (single-row products: batch 1). A is read with stride as. */
    private static void k1x1(int k, float[] ap, int ai, int as, int ar, float[] bp, int bi, int w,
                             float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        for (int p = 0; p < k; p++, ai += as, bi += w) {
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bi), c0);
        }
        c0.intoArray(c, ci);
    }
}
