package io.rnnc.benchmarks;

import io.rnnc.runtime.kernel.Gemm;
import io.rnnc.runtime.kernel.PackedFloatMatrix;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One float product of a training step, timed alone in CPU time of the calling thread, or a register-only FMA
 * loop that shows what C2 lets a kernel reach (issue 18 item 1). One measurement per JVM: several timed cases
 * in one JVM share profiles and inlining decisions (JDK 17), so {@code run-gemm-ceiling.sh} starts a JVM per case.
 *
 * <p>Products ({@code --product}), on the shapes the generated class of the seed spec's layout calls (2 layers,
 * T = 28 steps, H = 100, 28 inputs; {@code --cell} sets G = H, 4H or 3H): every batch of 64 or more runs as chunks
 * of 32 rows ({@code CHUNK}), so batch 64 and 256 call the same shapes, 2 and 8 times per step.
 * <ul>
 *   <li>{@code rec}: {@code gates[32×G] += h·W_hhᵀ}, packed, C padded (once per step and layer)</li>
 *   <li>{@code proj0}, {@code proj1}: the input projection {@code gates[T·32×G] += X·W_ihᵀ}, k = 28 or 100</li>
 *   <li>{@code bwdrec}: {@code dh[32×H] = dGates·W_hh}, packed, k = G (once per step and layer)</li>
 *   <li>{@code dwih0}, {@code dwih1}, {@code dwhh}: {@code dW = (opᵀ·dGates)ᵀ} by transpose, k = T·32 or (T-1)·32</li>
 *   <li>{@code dx}: {@code dX[T·32×100] = dGates·W_ih} (layer 1's input gradient), W read per call</li>
 *   <li>{@code l1}: {@code C[64×80] += A[64×64]·B} packed, every operand in L1 (the kernel alone)</li>
 *   <li>{@code fma}: 20 independent FMA chains on registers, no loads (the FMA ceiling C2 reaches)</li>
 *   <li>{@code fmabcast}: the 4×5 kernel's k step with 4 broadcasts of A from an array and B in registers</li>
 *   <li>{@code fmaload}: the 4×5 kernel's k step with B loaded from an L1-resident array and A broadcast</li>
 *   <li>{@code fmaload8}: an 8×3 tile's k step (3 loads of B, 8 broadcasts of A, 24 FMAs per k)</li>
 *   <li>{@code fmaloadbuf}: the same with B in a direct buffer whose start is 64-byte aligned, plus {@code --offset}
 *   floats: 0 puts every vector of B on a cache line of its own, 4 splits each across two (a float[]'s data
 *   starts wherever the heap put the array, 16 bytes past an 8-byte boundary)</li>
 * </ul>
 * {@code --m}, {@code --k}, {@code --n} override the shape; {@code --offset F} starts the fmaload probe's B F floats
 * into its array (with {@code -XX:ObjectAlignmentInBytes=64}, F = 12 puts its vectors on cache-line boundaries). GFLOP/s = 2·m·k·n / time, with the real n (not the
 * padded one). Prints one JSON line.
 */
public final class GemmCeiling {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int T = 28;
    private static final int CHUNK = 32;
    private static final int H = 100;
    private static final int IN0 = 28;

    private GemmCeiling() {
    }

    /** One timed case: {@link #call} runs it once, {@link #flops} per call. */
    abstract static class Case {
        final String name;
        final double flops;

        Case(String name, double flops) {
            this.name = name;
            this.flops = flops;
        }

        abstract void call();

        /** Something the result depends on, so that no call is dead code. */
        abstract float check();
    }

    static int gates(String cell) {
        return switch (cell) {
            case "rnn" -> H;
            case "lstm" -> 4 * H;
            case "gru" -> 3 * H;
            default -> throw new IllegalArgumentException("--cell: rnn, lstm or gru, got '" + cell + "'");
        };
    }

    static float[] fill(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** Floats B's data starts after its array's first element in the fmaload probe (alignment to cache lines). */
    static int offset = 0;

    static Case product(String product, String cell, int mArg, int kArg, int nArg) {
        int g = gates(cell);
        int gs = Gemm.padded(g);
        Random rnd = new Random(7);
        switch (product) {
            case "rec", "proj0", "proj1", "l1" -> {
                int m = pick(mArg, product.equals("rec") ? CHUNK : product.equals("l1") ? 64 : T * CHUNK);
                int k = pick(kArg, product.equals("proj0") ? IN0 : product.equals("l1") ? 64 : H);
                int n = pick(nArg, product.equals("l1") ? 80 : g);
                int ldc = Gemm.padded(n);
                float[] a = fill(rnd, m * k);
                float[] w = fill(rnd, n * k);
                PackedFloatMatrix packed = PackedFloatMatrix.allocate(k, n);
                packed.pack(true, w, 0, k);
                float[] c = new float[m * ldc];
                return new Case(product, 2.0 * m * k * n) {
                    void call() {
                        Gemm.sgemmPadded(m, a, 0, k, packed, true, c, 0, ldc);
                    }

                    float check() {
                        return c[0];
                    }
                };
            }
            case "bwdrec" -> {
                int m = pick(mArg, CHUNK);
                int k = pick(kArg, g);
                int n = pick(nArg, H);
                int ldc = Gemm.padded(n);
                float[] a = fill(rnd, m * Gemm.padded(k));
                float[] w = fill(rnd, k * n);
                PackedFloatMatrix packed = PackedFloatMatrix.allocate(k, n);
                packed.pack(false, w, 0, n);
                float[] c = new float[m * ldc];
                int lda = Gemm.padded(k);
                return new Case(product, 2.0 * m * k * n) {
                    void call() {
                        Gemm.sgemmPadded(m, a, 0, lda, packed, false, c, 0, ldc);
                    }

                    float check() {
                        return c[0];
                    }
                };
            }
            case "dwih0", "dwih1", "dwhh" -> {
                // dW[G×in] = dGatesᵀ·X over k rows, as the generated class calls it
                int k = pick(kArg, product.equals("dwhh") ? (T - 1) * CHUNK : T * CHUNK);
                int in = pick(nArg, product.equals("dwih0") ? IN0 : H);
                int m = pick(mArg, g);
                int ldg = Gemm.padded(m);
                float[] dGates = fill(rnd, k * ldg);
                float[] x = fill(rnd, k * in);
                float[] dw = new float[m * in];
                return new Case(product, 2.0 * m * k * in) {
                    void call() {
                        Gemm.sgemmByTranspose(true, false, m, in, k, dGates, 0, ldg, x, 0, in, false, dw, 0, in);
                    }

                    float check() {
                        return dw[0];
                    }
                };
            }
            case "dx" -> {
                int m = pick(mArg, T * CHUNK);
                int k = pick(kArg, g);
                int n = pick(nArg, H);
                int lda = Gemm.padded(k);
                float[] dGates = fill(rnd, m * lda);
                float[] w = fill(rnd, k * n);
                float[] dx = new float[m * n];
                return new Case(product, 2.0 * m * k * n) {
                    void call() {
                        Gemm.sgemm(false, false, m, n, k, dGates, 0, lda, w, 0, n, false, dx, 0, n);
                    }

                    float check() {
                        return dx[0];
                    }
                };
            }
            case "fma" -> {
                int reps = 10_000;
                float[] out = new float[20 * S.length()];
                return new Case(product, 2.0 * reps * 20 * S.length()) {
                    void call() {
                        fmaOnly(reps, out);
                    }

                    float check() {
                        return out[0];
                    }
                };
            }
            case "fmabcast", "fmaload" -> {
                // one pass of k = 96 per call, as a tile of the kernel runs: B is 96 × 80 floats (30 KB, in L1)
                int kw = 96;
                float[] a = fill(rnd, 4 * kw);
                float[] b = fill(rnd, offset + kw * 5 * S.length());
                float[] out = new float[20 * S.length()];
                boolean load = product.equals("fmaload");
                return new Case(product, 2.0 * kw * 20 * S.length()) {
                    void call() {
                        if (load) {
                            fmaLoad(kw, a, b, offset, out);
                        } else {
                            fmaBroadcast(kw, a, b, out);
                        }
                    }

                    float check() {
                        return out[0];
                    }
                };
            }
            case "fmaload8" -> {
                // an 8×3 tile's k step: B is 96 × 48 floats, A 8 rows of 96
                int kw = 96;
                float[] a = fill(rnd, 8 * kw);
                float[] b = fill(rnd, offset + kw * 3 * S.length());
                float[] out = new float[24 * S.length()];
                return new Case(product, 2.0 * kw * 24 * S.length()) {
                    void call() {
                        fmaLoad8x3(kw, a, b, offset, out);
                    }

                    float check() {
                        return out[0];
                    }
                };
            }
            case "fmaloadbuf" -> {
                int kw = 96;
                float[] a = fill(rnd, 4 * kw);
                float[] bf = fill(rnd, kw * 5 * S.length());
                ByteBuffer b = ByteBuffer.allocateDirect(4 * (bf.length + offset) + 64).alignedSlice(64)
                        .order(ByteOrder.nativeOrder());
                b.asFloatBuffer().position(offset).put(bf);
                float[] out = new float[20 * S.length()];
                int start = 4 * offset;
                return new Case(product, 2.0 * kw * 20 * S.length()) {
                    void call() {
                        fmaLoadBuffer(kw, a, b, start, out);
                    }

                    float check() {
                        return out[0];
                    }
                };
            }
            default -> throw new IllegalArgumentException("unknown --product '" + product + "'");
        }
    }

    private static int pick(int arg, int dflt) {
        return arg > 0 ? arg : dflt;
    }

    /**
     * 20 independent FMA chains on registers, {@code c = x·y + c} as the kernels write them (the form that maps to
     * one vfmadd231ps; {@code c·x + y} makes C2 copy registers around every FMA): no memory access in the loop.
     */
    static void fmaOnly(int reps, float[] out) {
        FloatVector x = FloatVector.broadcast(S, 0.999f);
        FloatVector y = FloatVector.broadcast(S, 1e-4f);
        FloatVector c0 = y, c1 = y, c2 = y, c3 = y, c4 = y, c5 = y, c6 = y, c7 = y, c8 = y, c9 = y;
        FloatVector d0 = y, d1 = y, d2 = y, d3 = y, d4 = y, d5 = y, d6 = y, d7 = y, d8 = y, d9 = y;
        for (int r = 0; r < reps; r++) {
            c0 = x.fma(y, c0); c1 = x.fma(y, c1); c2 = x.fma(y, c2); c3 = x.fma(y, c3); c4 = x.fma(y, c4);
            c5 = x.fma(y, c5); c6 = x.fma(y, c6); c7 = x.fma(y, c7); c8 = x.fma(y, c8); c9 = x.fma(y, c9);
            d0 = x.fma(y, d0); d1 = x.fma(y, d1); d2 = x.fma(y, d2); d3 = x.fma(y, d3); d4 = x.fma(y, d4);
            d5 = x.fma(y, d5); d6 = x.fma(y, d6); d7 = x.fma(y, d7); d8 = x.fma(y, d8); d9 = x.fma(y, d9);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9)
                .add(d0).add(d1).add(d2).add(d3).add(d4).add(d5).add(d6).add(d7).add(d8).add(d9);
        s.intoArray(out, 0);
    }

    /** The 4×5 kernel's k step, B in registers: 4 broadcasts of A from memory and 20 FMAs per k. */
    static void fmaBroadcast(int kw, float[] a, float[] b, float[] out) {
        int l = S.length();
        FloatVector b0 = FloatVector.fromArray(S, b, 0), b1 = FloatVector.fromArray(S, b, l);
        FloatVector b2 = FloatVector.fromArray(S, b, 2 * l), b3 = FloatVector.fromArray(S, b, 3 * l);
        FloatVector b4 = FloatVector.fromArray(S, b, 4 * l);
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c10 = z, c11 = z, c12 = z, c13 = z, c14 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c30 = z, c31 = z, c32 = z, c33 = z, c34 = z;
        for (int p = 0; p < kw; p++) {
            {
                FloatVector a0 = FloatVector.broadcast(S, a[p]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03); c04 = a0.fma(b4, c04);
                FloatVector a1 = FloatVector.broadcast(S, a[p + kw]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13); c14 = a1.fma(b4, c14);
                FloatVector a2 = FloatVector.broadcast(S, a[p + 2 * kw]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23); c24 = a2.fma(b4, c24);
                FloatVector a3 = FloatVector.broadcast(S, a[p + 3 * kw]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33); c34 = a3.fma(b4, c34);
            }
        }
        c00.add(c01).add(c02).add(c03).add(c04).add(c10).add(c11).add(c12).add(c13).add(c14)
                .add(c20).add(c21).add(c22).add(c23).add(c24).add(c30).add(c31).add(c32).add(c33).add(c34)
                .intoArray(out, 0);
    }

    /** The 4×5 kernel's k step with B loaded from an L1-resident array (5 loads, 4 broadcasts, 20 FMAs per k). */
    static void fmaLoad(int kw, float[] a, float[] b, int bStart, float[] out) {
        int l = S.length();
        int w = 5 * l;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c10 = z, c11 = z, c12 = z, c13 = z, c14 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c30 = z, c31 = z, c32 = z, c33 = z, c34 = z;
        for (int p = 0, bi = bStart; p < kw; p++, bi += w) {
            {
                FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + l);
                FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * l), b3 = FloatVector.fromArray(S, b, bi + 3 * l);
                FloatVector b4 = FloatVector.fromArray(S, b, bi + 4 * l);
                FloatVector a0 = FloatVector.broadcast(S, a[p]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03); c04 = a0.fma(b4, c04);
                FloatVector a1 = FloatVector.broadcast(S, a[p + kw]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13); c14 = a1.fma(b4, c14);
                FloatVector a2 = FloatVector.broadcast(S, a[p + 2 * kw]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23); c24 = a2.fma(b4, c24);
                FloatVector a3 = FloatVector.broadcast(S, a[p + 3 * kw]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33); c34 = a3.fma(b4, c34);
            }
        }
        c00.add(c01).add(c02).add(c03).add(c04).add(c10).add(c11).add(c12).add(c13).add(c14)
                .add(c20).add(c21).add(c22).add(c23).add(c24).add(c30).add(c31).add(c32).add(c33).add(c34)
                .intoArray(out, 0);
    }

    /** An 8×3 tile's k step: 3 loads of B, 8 broadcasts of A, 24 FMAs per k (see docs/performance.md). */
    static void fmaLoad8x3(int kw, float[] a, float[] b, int bStart, float[] out) {
        int l = S.length();
        int w = 3 * l;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        for (int p = 0, bi = bStart; p < kw; p++, bi += w) {
            {
                FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + l);
                FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * l);
                FloatVector a0 = FloatVector.broadcast(S, a[p]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
                FloatVector a1 = FloatVector.broadcast(S, a[p + 1 * kw]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
                FloatVector a2 = FloatVector.broadcast(S, a[p + 2 * kw]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
                FloatVector a3 = FloatVector.broadcast(S, a[p + 3 * kw]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32);
                FloatVector a4 = FloatVector.broadcast(S, a[p + 4 * kw]);
                c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42);
                FloatVector a5 = FloatVector.broadcast(S, a[p + 5 * kw]);
                c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52);
                FloatVector a6 = FloatVector.broadcast(S, a[p + 6 * kw]);
                c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61); c62 = a6.fma(b2, c62);
                FloatVector a7 = FloatVector.broadcast(S, a[p + 7 * kw]);
                c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71); c72 = a7.fma(b2, c72);
            }
        }
        c00.add(c01).add(c02).add(c10).add(c11).add(c12).add(c20).add(c21).add(c22).add(c30).add(c31).add(c32).add(c40).add(c41).add(c42).add(c50).add(c51).add(c52).add(c60).add(c61).add(c62).add(c70).add(c71).add(c72)
                .intoArray(out, 0);
    }

    /** {@link #fmaLoad} with B read from a direct buffer, {@code bStart} bytes in. */
    static void fmaLoadBuffer(int kw, float[] a, ByteBuffer b, int bStart, float[] out) {
        int l = S.length();
        int w = 5 * l * 4;
        ByteOrder o = ByteOrder.nativeOrder();
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c10 = z, c11 = z, c12 = z, c13 = z, c14 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c30 = z, c31 = z, c32 = z, c33 = z, c34 = z;
        for (int p = 0, bi = bStart; p < kw; p++, bi += w) {
            {
                FloatVector b0 = FloatVector.fromByteBuffer(S, b, bi, o), b1 = FloatVector.fromByteBuffer(S, b, bi + 4 * l, o);
                FloatVector b2 = FloatVector.fromByteBuffer(S, b, bi + 2 * 4 * l, o), b3 = FloatVector.fromByteBuffer(S, b, bi + 3 * 4 * l, o);
                FloatVector b4 = FloatVector.fromByteBuffer(S, b, bi + 4 * 4 * l, o);
                FloatVector a0 = FloatVector.broadcast(S, a[p]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03); c04 = a0.fma(b4, c04);
                FloatVector a1 = FloatVector.broadcast(S, a[p + kw]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13); c14 = a1.fma(b4, c14);
                FloatVector a2 = FloatVector.broadcast(S, a[p + 2 * kw]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23); c24 = a2.fma(b4, c24);
                FloatVector a3 = FloatVector.broadcast(S, a[p + 3 * kw]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33); c34 = a3.fma(b4, c34);
            }
        }
        c00.add(c01).add(c02).add(c03).add(c04).add(c10).add(c11).add(c12).add(c13).add(c14)
                .add(c20).add(c21).add(c22).add(c23).add(c24).add(c30).add(c31).add(c32).add(c33).add(c34)
                .intoArray(out, 0);
    }

    /** Calls per window and GFLOP/s of each window, after a warm-up of the same length in CPU time. */
    static List<Double> measure(Case c, double warmupSeconds, double windowSeconds, int windows) {
        long warm = (long) (warmupSeconds * 1e9);
        long t0 = CPU.getCurrentThreadCpuTime();
        while (CPU.getCurrentThreadCpuTime() - t0 < warm) {
            c.call();
        }
        List<Double> gflops = new ArrayList<>();
        long window = (long) (windowSeconds * 1e9);
        for (int wi = 0; wi < windows; wi++) {
            long calls = 0;
            long start = CPU.getCurrentThreadCpuTime();
            long now;
            do {
                for (int i = 0; i < 8; i++) {
                    c.call();
                }
                calls += 8;
                now = CPU.getCurrentThreadCpuTime();
            } while (now - start < window);
            gflops.add(calls * c.flops / (now - start));
        }
        return gflops;
    }

    /** One case measured: a JSON line with the median, slowest and fastest window's GFLOP/s. */
    static String run(String product, String cell, int m, int k, int n, double warmup, double window, int windows) {
        Case c = product(product, cell, m, k, n);
        List<Double> sorted = new ArrayList<>(measure(c, warmup, window, windows));
        sorted.sort(null);
        double median = sorted.get(sorted.size() / 2);
        return String.format(Locale.ROOT,
                "{\"product\": \"%s\", \"cell\": \"%s\", \"kernels\": \"%s\", \"gflops\": %.3f, \"min\": %.3f, "
                        + "\"max\": %.3f, \"windows\": %d, \"finite\": %s}",
                c.name, cell, Gemm.implementation(), median, sorted.get(0), sorted.get(sorted.size() - 1),
                sorted.size(), Float.isFinite(c.check()));
    }

    public static void main(String[] args) {
        String product = "rec";
        String cell = "lstm";
        int m = 0, k = 0, n = 0;
        double warmup = 3;
        double window = 0.5;
        int windows = 7;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--product" -> product = v;
                case "--cell" -> cell = v;
                case "--m" -> m = Integer.parseInt(v);
                case "--k" -> k = Integer.parseInt(v);
                case "--n" -> n = Integer.parseInt(v);
                case "--offset" -> offset = Integer.parseInt(v);
                case "--warmup-seconds" -> warmup = Double.parseDouble(v);
                case "--window-seconds" -> window = Double.parseDouble(v);
                case "--windows" -> windows = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        System.out.println(run(product, cell, m, k, n, warmup, window, windows));
    }
}
