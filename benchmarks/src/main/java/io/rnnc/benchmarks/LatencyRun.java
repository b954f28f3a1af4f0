package io.rnnc.benchmarks;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.kernel.FloatSpecies;
import io.rnnc.runtime.kernel.Gemm;
import io.rnnc.runtime.kernel.PackedFloatMatrix;
import io.rnnc.runtime.state.RnnState;
import io.rnnc.runtime.state.StatefulModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-1 latency against the memory floor on the machine it runs on (issue 18 item 2), in three parts, all
 * one thread and timed in this thread's CPU time (median of windows after a warm-up, {@link ScalingRun#time}):
 * <ol>
 *   <li><b>probe</b>: how fast a plain Vector API loop reads a float array the size of the seed models' recurrent
 *       weights ({@code W_hh}, padded as the generated classes pack it), read over and over: eight independent
 *       sums, the best case for a read-bound matrix-vector product; and the runtime's own products at the models'
 *       shapes (the batch-1 recurrent product, m = 1, and the input projection over the whole sequence, m = 28);</li>
 *   <li><b>forward</b>: the generated seed classes' {@code forward} + {@code copyOutputs} on one sample, the call
 *       {@code ModelBenchmark.inferLatency} makes, and the floor it is held to: the bytes of {@code W_hh} streamed
 *       per sample at the probe's read rate, plus the input projections at their measured rate;</li>
 *   <li><b>step</b>: the step API as a streaming server calls it, {@code step(x_t, state)} for one row, 28 calls
 *       (one sequence) from a reset state, with the heap bytes each step allocates (it should be 0).</li>
 * </ol>
 * One JSON object per line on standard output; {@code docs/performance.md} ("Batch-1 latency on this Xeon") has
 * the figures and the command. Usage:
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.rnnc.benchmarks.LatencyRun
 *     [--cells rnn,lstm,gru] [--warmup-seconds 3] [--window-seconds 1] [--windows 7]
 *     [--only read|read-other|read-both|recurrent|projection|model] [--read-gbps G] [--projection-gflops F]</pre>
 * {@code --only} picks one part (run-latency.sh runs each in its own JVM); {@code --read-gbps} and
 * {@code --projection-gflops} are the rates the {@code model} part's floor uses.
 */
public final class LatencyRun {

    /** The seed specs' shape (samples/mnist): 2 layers, 28 steps of 28 inputs, 100 units. */
    static final int LAYERS = 2;
    static final int STEPS = 28;
    static final int INPUTS = 28;
    static final int HIDDEN = 100;

    private LatencyRun() {
    }

    /** Gate blocks per cell: the recurrent weights are {@code HIDDEN × gates·HIDDEN}. */
    static int gates(String cell) {
        return switch (cell) {
            case "rnn" -> 1;
            case "gru" -> 3;
            case "lstm" -> 4;
            default -> throw new IllegalArgumentException("unknown cell '" + cell + "' (rnn, lstm or gru)");
        };
    }

    /** Floats of one layer's packed {@code W_hh}: HIDDEN rows of the gate width padded to whole vectors. */
    static int recurrentFloats(String cell) {
        return HIDDEN * Gemm.padded(gates(cell) * HIDDEN);
    }

    /** Bytes of {@code W_hh} one batch-1 sequence streams: every layer's, once per step. */
    static double recurrentBytesPerSequence(String cell) {
        return (double) LAYERS * STEPS * recurrentFloats(cell) * Float.BYTES;
    }

    /** Matrix FLOPs of the input projections of one sequence (every layer, all steps in one product). */
    static double inputProjectionFlops(String cell) {
        int n = gates(cell) * HIDDEN;
        return 2.0 * STEPS * n * (INPUTS + (double) (LAYERS - 1) * HIDDEN);
    }

    /** The probe's two widths as constants: the Vector API compiles to vector instructions only for a constant species. */
    static final VectorSpecies<Float> S512 = FloatVector.SPECIES_512;
    static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;

    /**
     * Sums {@code a} once with eight independent 512-bit accumulators (so the loop waits on loads,
     * not on the adds' latency); the length is a multiple of 8 vectors. One flat loop: on JDK 17 a loop nest
     * around the accumulators keeps them boxed (measured: 5 GB/s).
     */
    static float readSum512(float[] a) {
        FloatVector s0 = FloatVector.zero(S512);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        for (int i = 0; i < a.length; i += 128) {
            s0 = s0.add(FloatVector.fromArray(S512, a, i));
            s1 = s1.add(FloatVector.fromArray(S512, a, i + 16));
            s2 = s2.add(FloatVector.fromArray(S512, a, i + 32));
            s3 = s3.add(FloatVector.fromArray(S512, a, i + 48));
            s4 = s4.add(FloatVector.fromArray(S512, a, i + 64));
            s5 = s5.add(FloatVector.fromArray(S512, a, i + 80));
            s6 = s6.add(FloatVector.fromArray(S512, a, i + 96));
            s7 = s7.add(FloatVector.fromArray(S512, a, i + 112));
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@link #readSum512} with 256-bit vectors (eight accumulators, 64 floats a round): a copy rather than a species
     * parameter, because C2 compiles Vector API calls to instructions only for a constant species.
     */
    static float readSum256(float[] a) {
        FloatVector s0 = FloatVector.zero(S256);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        for (int i = 0; i < a.length; i += 64) {
            s0 = s0.add(FloatVector.fromArray(S256, a, i));
            s1 = s1.add(FloatVector.fromArray(S256, a, i + 8));
            s2 = s2.add(FloatVector.fromArray(S256, a, i + 16));
            s3 = s3.add(FloatVector.fromArray(S256, a, i + 24));
            s4 = s4.add(FloatVector.fromArray(S256, a, i + 32));
            s5 = s5.add(FloatVector.fromArray(S256, a, i + 40));
            s6 = s6.add(FloatVector.fromArray(S256, a, i + 48));
            s7 = s7.add(FloatVector.fromArray(S256, a, i + 56));
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(VectorOperators.ADD);
    }

    /** A float array of about {@code floats} (rounded up to 8 whole vectors of {@code s}), filled with small values. */
    static float[] probeArray(int bits, int floats) {
        int block = 8 * bits / Float.SIZE;
        float[] a = new float[(floats + block - 1) / block * block];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 1e-3f;
        }
        return a;
    }

    /** Timing settings shared by every measured call. */
    record Settings(double warmup, double windowSeconds, int windows) {
        ScalingRun.Timing time(String task, Runnable call) {
            return ScalingRun.time(task, call, warmup, windowSeconds, windows, true);
        }
    }

    /** A sink the JIT cannot see through, so a probe's sums are not dropped. */
    static volatile float sink;

    /** GB/s of one read of an array of {@code floats} per call, the array read call after call. */
    static String probeRead(Settings set, int bits, String label, int floats) {
        float[] a = probeArray(bits, floats);
        int passes = 1;
        Runnable call = bits == 512 ? () -> sink += readSum512(a) : () -> sink += readSum256(a);
        ScalingRun.Timing t = set.time("read", call);
        double gbs = (double) a.length * Float.BYTES * passes / t.median() * 1e-9;
        return String.format(Locale.ROOT,
                "{\"part\": \"probe\", \"what\": \"read\", \"array\": \"%s\", \"bits\": %d, \"kb\": %.1f, "
                        + "\"gb_per_s\": %.1f, \"spread_pct\": %.1f}",
                label, bits, a.length * Float.BYTES / 1e3, gbs, t.spreadPercent());
    }

    /** The runtime's packed product {@code C[m, n] (+)= A[m, k] · B[k, n]} at one shape: µs, GFLOP/s, GB/s of B. */
    static String probeProduct(Settings set, String cell, String what, int m, int k, int n, boolean accumulate) {
        Random random = new Random(1);
        float[] w = new float[k * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextFloat() - 0.5f;
        }
        PackedFloatMatrix packed = PackedFloatMatrix.allocate(k, n);
        packed.pack(false, w, 0, n);
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        int ldc = Gemm.padded(n);
        float[] c = new float[m * ldc];
        ScalingRun.Timing t = set.time(what, () -> {
            Gemm.sgemmPadded(m, a, 0, k, packed, accumulate, c, 0, ldc);
            // keep the output bounded (the accumulating product adds into c call after call)
            c[0] = 0;
        });
        double seconds = t.median();
        return String.format(Locale.ROOT,
                "{\"part\": \"probe\", \"what\": \"%s\", \"cell\": \"%s\", \"m\": %d, \"k\": %d, \"n\": %d, "
                        + "\"us\": %.3f, \"gflop_per_s\": %.1f, \"b_gb_per_s\": %.1f, \"spread_pct\": %.1f}",
                what, cell, m, k, n, seconds * 1e6, 2.0 * m * k * n / seconds * 1e-9,
                (double) k * ldc * Float.BYTES / seconds * 1e-9, t.spreadPercent());
    }

    /** The generated class's batch-1 {@code forward} + {@code copyOutputs}, CPU µs per sample. */
    static double forwardSeconds(Settings set, RnnModel net, Batch one, double[] outputs) {
        return set.time("forward", () -> {
            net.forward(one);
            net.copyOutputs(outputs);
        }).median();
    }

    /** One sequence through the step API: a reset state, then {@link #STEPS} calls of one row each. */
    static void streamSequence(StatefulModel model, RnnState state, double[][] rows, double[] outputs) {
        state.reset();
        for (double[] row : rows) {
            model.step(null, row, 1, state, outputs);
        }
    }

    /** Heap bytes this thread allocated so far (-1 where the JVM does not count them). */
    static long threadAllocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
            return mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    /** The forward and step rows of one cell, with the floor from the probe's rates. */
    static List<String> measureCell(Settings set, String cell, double readGbPerS, double projectionGflopPerS) {
        RnnModel net = ModelBenchmark.create(cell, 64);
        net.initialize(0);
        net.setThreads(1);
        Batch one = ModelBenchmark.randomBatches(net.info(), 1, 1)[0];
        int outputCount = net.info().outputSteps() * net.info().outputs();
        double[] outputs = new double[outputCount];
        double forward = forwardSeconds(set, net, one, outputs);

        double recurrentFloor = recurrentBytesPerSequence(cell) / (readGbPerS * 1e9);
        double projectionFloor = inputProjectionFlops(cell) / (projectionGflopPerS * 1e9);
        double floor = recurrentFloor + projectionFloor;
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT,
                "{\"part\": \"forward\", \"cell\": \"%s\", \"us\": %.1f, \"w_hh_mb_per_sequence\": %.2f, "
                        + "\"recurrent_floor_us\": %.1f, \"projection_floor_us\": %.1f, \"floor_us\": %.1f, "
                        + "\"ratio_to_floor\": %.2f}",
                cell, forward * 1e6, recurrentBytesPerSequence(cell) / 1e6, recurrentFloor * 1e6,
                projectionFloor * 1e6, floor * 1e6, forward / floor));

        StatefulModel model = (StatefulModel) net;
        RnnState state = model.newState(1);
        double[][] rowsIn = new double[STEPS][INPUTS];
        for (int t = 0; t < STEPS; t++) {
            System.arraycopy(one.features, t * INPUTS, rowsIn[t], 0, INPUTS);
        }
        double[] stepOutputs = new double[net.info().outputs()];
        ScalingRun.Timing seq = set.time("step", () -> streamSequence(model, state, rowsIn, stepOutputs));
        // allocation per step, on this thread alone, once the calls are compiled
        int sequences = 200;
        long before = threadAllocated();
        for (int i = 0; i < sequences; i++) {
            streamSequence(model, state, rowsIn, stepOutputs);
        }
        long after = threadAllocated();
        double bytesPerStep = before < 0 ? -1 : (double) (after - before) / ((long) sequences * STEPS);
        // the streamed sequence must end where the whole-sequence forward ends
        double[] forwardOut = new double[outputCount];
        net.forward(one);
        net.copyOutputs(forwardOut);
        double maxDiff = 0;
        for (int i = 0; i < stepOutputs.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(stepOutputs[i] - forwardOut[forwardOut.length - stepOutputs.length + i]));
        }
        double perSequence = seq.median();
        rows.add(String.format(Locale.ROOT,
                "{\"part\": \"step\", \"cell\": \"%s\", \"us_per_step\": %.2f, \"us_per_sequence\": %.1f, "
                        + "\"forward_us_per_step\": %.2f, \"forward_us_per_sequence\": %.1f, \"step_vs_forward\": %.2f, "
                        + "\"bytes_per_step\": %.1f, \"max_diff_vs_forward\": %.2e, \"spread_pct\": %.1f}",
                cell, perSequence / STEPS * 1e6, perSequence * 1e6, forward / STEPS * 1e6, forward * 1e6,
                perSequence / forward, bytesPerStep, maxDiff, seq.spreadPercent()));
        return rows;
    }

    public static void main(String[] args) {
        List<String> cells = List.of("rnn", "lstm", "gru");
        double warmup = 3;
        double windowSeconds = 1;
        int windows = 7;
        // one measurement per JVM (run-latency.sh): on JDK 17 several timed lambdas in one JVM slowed the
        // runtime's products tenfold (a polluted profile at the shared call site), so each row gets a fresh JVM
        String only = "";
        // the floor's rates, from the probe rows of this machine (defaults: this Xeon, 2026-12-07)
        double readGbPerS = 0;
        double projectionGflopPerS = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--cells" -> cells = List.of(v.split(","));
                case "--warmup-seconds" -> warmup = Double.parseDouble(v);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(v);
                case "--windows" -> windows = Integer.parseInt(v);
                case "--only" -> only = v;
                case "--read-gbps" -> readGbPerS = Double.parseDouble(v);
                case "--projection-gflops" -> projectionGflopPerS = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (--cells, --warmup-seconds, --window-seconds, --windows, --only, --read-gbps, --projection-gflops)");
            }
        }
        for (String cell : cells) {
            gates(cell);
        }
        Settings set = new Settings(warmup, windowSeconds, windows);
        System.out.println(String.format(Locale.ROOT,
                "{\"part\": \"machine\", \"cpu\": \"%s\", \"java\": \"%s\", \"kernel_bits\": %d, \"preferred_bits\": %d}",
                cpuName(), System.getProperty("java.version"), FloatSpecies.CHOSEN.vectorBitSize(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize()));
        for (String cell : cells) {
            int floats = recurrentFloats(cell);
            int n = gates(cell) * HIDDEN;
            // the kernels' own width is the one the floor uses; the other width for comparison
            int chosen = FloatSpecies.CHOSEN.vectorBitSize() == 512 ? 512 : 256;
            int other = chosen == 512 ? 256 : 512;
            if (only.isEmpty() || only.equals("read")) {
                System.out.println(probeRead(set, chosen, cell + " W_hh, one layer", floats));
            }
            if (only.isEmpty() || only.equals("read-other")) {
                System.out.println(probeRead(set, other, cell + " W_hh, one layer", floats));
            }
            if (only.isEmpty() || only.equals("read-both")) {
                System.out.println(probeRead(set, chosen, cell + " W_hh, both layers", LAYERS * floats));
            }
            if (only.isEmpty() || only.equals("recurrent")) {
                System.out.println(probeProduct(set, cell, "recurrent product", 1, HIDDEN, n, true));
            }
            if (only.isEmpty() || only.equals("projection")) {
                System.out.println(probeProduct(set, cell, "input projection, layer 0", STEPS, INPUTS, n, false));
                System.out.println(probeProduct(set, cell, "input projection, layer 1", STEPS, HIDDEN, n, false));
            }
            if (only.isEmpty() || only.equals("model")) {
                for (String row : measureCell(set, cell, readGbPerS, projectionGflopPerS)) {
                    System.out.println(row);
                }
            }
        }
    }

    /** A number field of one of this class's JSON rows. */
    static double field(String json, String name) {
        String key = "\"" + name + "\": ";
        int at = json.indexOf(key);
        if (at < 0) {
            throw new IllegalArgumentException("no field " + name + " in " + json);
        }
        int end = at + key.length();
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return Double.parseDouble(json.substring(at + key.length(), end).trim());
    }

    private static String cpuName() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim().replace("\"", "'");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable: the name is only a label
        }
        return System.getProperty("os.arch");
    }
}
