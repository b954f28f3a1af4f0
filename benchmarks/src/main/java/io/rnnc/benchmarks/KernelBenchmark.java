package io.rnnc.benchmarks;

import io.rnnc.runtime.kernel.Gemm;
import io.rnnc.runtime.kernel.PackedFloatMatrix;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The float products of an RNN step, one call per operation, for shapes (B, K, N): batch B, input
 * width K, output width N. GFLOP/s = ops/s · 2·B·K·N / 1e9 (run-kernels.sh prints them).
 * <ul>
 *   <li>{@code packed}: {@code C[B×N] += A[B×K]·W} with W packed once, the recurrent product</li>
 *   <li>{@code packedPadded}: the same into C rows padded to {@code Gemm.padded(N)}, as generated models
 *   lay them out ({@code Gemm.sgemmPadded}); {@code packedPaddedOverwrite}: the same, C overwritten</li>
 *   <li>{@code forwardTransB}: {@code C += X·Wᵀ} with W stored [N×K] (nn.Linear / W_ih), packed per call</li>
 *   <li>{@code backwardInput}: {@code dX[B×K] = dG[B×N]·W[N×K]}</li>
 *   <li>{@code backwardWeight}: {@code dW[N×K] += dGᵀ·X}, the weight gradient (inner dimension B)</li>
 * </ul>
 * The path (vector or plain) is fixed per JVM, so each value of {@code path} runs in its own fork.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class KernelBenchmark {

    @Param({"64x128x400", "64x200x400", "256x128x400", "1x128x400", "64x100x100", "32x100x100", "896x100x100", "1x100x100"})
    public String shape;

    @Param({"vector", "plain"})
    public String path;

    private int b;
    private int k;
    private int n;
    private float[] x;
    private float[] w;
    private float[] wt;
    private float[] c;
    private float[] cp;
    private float[] g;
    private float[] dx;
    private float[] dw;
    private PackedFloatMatrix packed;

    @Setup
    public void setUp() {
        // must precede the first use of Gemm: the path is chosen once, when the class initialises
        System.setProperty("rnnc.vector", path.equals("plain") ? "false" : "true");
        String active = Gemm.implementation();
        if (path.equals("plain") != active.equals("plain")) {
            throw new IllegalStateException("asked for the " + path + " path, got " + active);
        }
        String[] parts = shape.split("x");
        b = Integer.parseInt(parts[0]);
        k = Integer.parseInt(parts[1]);
        n = Integer.parseInt(parts[2]);
        Random rnd = new Random(1);
        x = fill(rnd, b * k);
        w = fill(rnd, k * n);
        wt = fill(rnd, n * k);
        g = fill(rnd, b * n);
        c = new float[b * n];
        cp = new float[b * Gemm.padded(n)];
        dx = new float[b * k];
        dw = new float[n * k];
        packed = PackedFloatMatrix.allocate(k, n);
        packed.pack(false, w, 0, n);
    }

    private static float[] fill(Random rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rnd.nextGaussian() * 0.1);
        }
        return a;
    }

    @Benchmark
    public float[] packed() {
        Gemm.sgemm(b, x, 0, k, packed, true, c, 0, n);
        return c;
    }

    @Benchmark
    public float[] packedPadded() {
        Gemm.sgemmPadded(b, x, 0, k, packed, true, cp, 0, Gemm.padded(n));
        return cp;
    }

    @Benchmark
    public float[] packedPaddedOverwrite() {
        Gemm.sgemmPadded(b, x, 0, k, packed, false, cp, 0, Gemm.padded(n));
        return cp;
    }

    @Benchmark
    public float[] forwardTransB() {
        Gemm.sgemm(false, true, b, n, k, x, 0, k, wt, 0, k, true, c, 0, n);
        return c;
    }

    @Benchmark
    public float[] backwardInput() {
        Gemm.sgemm(false, false, b, k, n, g, 0, n, wt, 0, k, false, dx, 0, k);
        return dx;
    }

    @Benchmark
    public float[] backwardWeight() {
        Gemm.sgemm(true, false, n, k, b, g, 0, n, x, 0, k, true, dw, 0, k);
        return dw;
    }
}
