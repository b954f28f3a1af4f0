package io.rnnc.benchmarks;

import io.rnnc.runtime.math.Activations;
import io.rnnc.runtime.math.Cells;
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
 * The per-row elementwise passes of one time step, as generated code calls them (same aliasing), for
 * 64 rows of {@code h} hidden units: hidden widths that are not a whole number of vectors (100, 200)
 * show what each row's last, partial vector costs. The gate buffer is restored from a copy first in
 * every operation (the in-place calls would otherwise drift), the same work in every variant.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class CellBenchmark {

    private static final int ROWS = 64;

    @Param({"100", "200"})
    public int h;

    private int gs;
    private float[] gates0;
    private float[] gates;
    private float[] rec;
    private float[] w;
    private float[] hs;
    private float[] hn;
    private float[] c;
    private float[] tc;
    private float[] dh;
    private float[] dhNext;
    private float[] dcNext;
    private float[] dR;

    @Setup
    public void setUp() {
        gs = (4 * h + 15) / 16 * 16;
        Random rnd = new Random(1);
        gates0 = random(rnd, ROWS * gs, 1);
        gates = gates0.clone();
        rec = random(rnd, ROWS * gs, 1);
        w = random(rnd, 4 * h, 1);
        hs = random(rnd, 2 * ROWS * h, 1);
        hn = new float[ROWS * h];
        c = random(rnd, 2 * ROWS * h, 1);
        tc = random(rnd, ROWS * h, 1);
        dh = random(rnd, ROWS * h, 1);
        dhNext = random(rnd, ROWS * h, 1);
        dcNext = random(rnd, ROWS * h, 1);
        dR = new float[ROWS * gs];
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    /** RNN: h_t = tanh(gate row), gate buffer to h. */
    @Benchmark
    public float[] rnnTanh() {
        for (int r = 0; r < ROWS; r++) {
            Activations.tanh(gates0, r * gs, hs, ROWS * h + r * h, h);
        }
        return hs;
    }

    /** GRU forward step: addTo, sigmoid in place, gruCandidate, gruCell. */
    @Benchmark
    public float[] gruForward() {
        System.arraycopy(gates0, 0, gates, 0, gates.length);
        for (int r = 0; r < ROWS; r++) {
            int ga = r * gs;
            int hr = r * h;
            Cells.addTo(rec, ga, gates, ga, 2 * h);
            Activations.sigmoid(gates, ga, gates, ga, 2 * h);
            Cells.gruCandidate(rec, ga + 2 * h, w, 2 * h, hn, hr, gates, ga, h);
            Cells.gruCell(gates, ga, hs, hr, ROWS * h + hr, h);
        }
        return hs;
    }

    /** LSTM cell update (the gate activations run as one whole-vector pass and are left out). */
    @Benchmark
    public float[] lstmCell() {
        for (int r = 0; r < ROWS; r++) {
            int hr = r * h;
            Cells.lstmCell(gates0, r * gs, c, hr, ROWS * h + hr, tc, hr, hs, ROWS * h + hr, h);
        }
        return hs;
    }

    /** LSTM backward through the cell, gradients replacing the gates in place. */
    @Benchmark
    public float[] lstmBackward() {
        System.arraycopy(gates0, 0, gates, 0, gates.length);
        for (int r = 0; r < ROWS; r++) {
            int hr = r * h;
            Cells.lstmCellBackward(dh, hr, dhNext, hr, gates, r * gs, tc, hr, c, hr, dcNext, hr, gates, r * gs, h);
        }
        return gates;
    }

    /** GRU backward through the cell, gradients replacing the gates in place. */
    @Benchmark
    public float[] gruBackward() {
        System.arraycopy(gates0, 0, gates, 0, gates.length);
        for (int r = 0; r < ROWS; r++) {
            int hr = r * h;
            Cells.gruCellBackward(dh, hr, dhNext, hr, gates, r * gs, hs, hr, hn, hr, gates, dR, r * gs, h);
        }
        return gates;
    }
}
