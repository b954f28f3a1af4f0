package io.rnnc.benchmarks;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * rnnc's side of {@code bench/lengths_side_by_side.py} (issue 13's figures, issue 18 item 4): the training step
 * of one generated many_to_one class on one batch, in up to three variants timed in the same JVM, window by
 * window in turn (so a change in the machine's load hits every variant alike and the per-window ratios pair):
 * <ul>
 *   <li>{@code fixed}: a batch that sets no lengths (the fixed-length path, as before issue 13);</li>
 *   <li>{@code full}: every sample's length set to T (the lengths path, no padding);</li>
 *   <li>{@code drawn}: the lengths of the file given, one line of {@code batch} lengths per call, cycled
 *       (the driver draws them, and hands PyTorch the same file).</li>
 * </ul>
 * The class is loaded by name from the class path (the driver compiles {@code rnnc compile}'s output with
 * javac). Windows are timed in this thread's CPU time by default: on a machine shared with other work a
 * one-thread step's CPU time is what it costs when it runs; use {@code --clock wall} on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/test-classes:cli/target/rnnc.jar:GEN
 *     io.rnnc.benchmarks.LengthsRun --class io.rnnc.lenperf.BiLstm --variants fixed,full,drawn
 *     --lengths-file lengths.txt [--warmup-seconds 5] [--window-seconds 1] [--windows 5] [--clock cpu|wall]</pre>
 *
 * Prints one JSON line. This is a tool for people (it lives with the tests so it needs no dependency the
 * benchmarks jar does not have); it is not run by the build.
 */
public final class LengthsRun {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LengthsRun() {
    }

    /** One variant: how a call sets the batch's lengths before its training step. */
    private record Variant(String name, Runnable call) {
    }

    public static void main(String[] args) throws Exception {
        String className = null;
        List<String> variants = List.of("fixed", "full", "drawn");
        Path lengthsFile = null;
        double warmup = 5;
        double windowSeconds = 1;
        int windows = 5;
        boolean cpuClock = true;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                fail(args[i] + " needs a value");
            }
            String v = args[++i];
            switch (args[i - 1]) {
                case "--class" -> className = v;
                case "--variants" -> variants = List.of(v.split(","));
                case "--lengths-file" -> lengthsFile = Path.of(v);
                case "--warmup-seconds" -> warmup = Double.parseDouble(v);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(v);
                case "--windows" -> windows = Integer.parseInt(v);
                case "--clock" -> cpuClock = switch (v) {
                    case "cpu" -> true;
                    case "wall" -> false;
                    default -> throw fail("--clock: cpu or wall, got '" + v + "'");
                };
                default -> fail("unknown option '" + args[i - 1] + "'");
            }
        }
        if (className == null) {
            fail("--class is required");
        }
        RnnModel net = Class.forName(className).asSubclass(RnnModel.class).getDeclaredConstructor().newInstance();
        net.initialize(0);
        net.setThreads(1);
        int batch = net.info().maxBatch();
        Batch data = ModelBenchmark.randomBatch(net.info(), batch);
        int steps = data.maxLength();
        int[][] drawn = variants.contains("drawn") ? readLengths(lengthsFile, batch, steps) : new int[0][];
        System.out.println(run(net, data, variants, drawn, warmup, windowSeconds, windows, cpuClock));
    }

    static String run(RnnModel net, Batch data, List<String> names, int[][] drawn, double warmup,
                      double windowSeconds, int windows, boolean cpuClock) {
        int batch = data.size();
        int steps = data.maxLength();
        int[] next = {0};
        List<Variant> variants = new ArrayList<>();
        for (String name : names) {
            variants.add(new Variant(name, switch (name) {
                case "fixed" -> () -> {
                    data.clearLengths();
                    net.trainStep(data);
                };
                case "full" -> () -> {
                    for (int r = 0; r < batch; r++) {
                        data.setLength(r, steps);
                    }
                    net.trainStep(data);
                };
                case "drawn" -> () -> {
                    data.setLengths(drawn[next[0]]);
                    next[0] = (next[0] + 1) % drawn.length;
                    net.trainStep(data);
                };
                default -> throw fail("--variants: fixed, full and/or drawn, got '" + name + "'");
            }));
        }
        LongSupplier clock = cpuClock ? THREADS::getCurrentThreadCpuTime : System::nanoTime;
        // Warm-up: every variant in turn (the JIT sees all of them before any is timed), until a call of each
        // allocates nothing (C2 has compiled the Vector API kernels) or 90 s more have passed.
        double[] perCall = new double[variants.size()];
        long start = System.nanoTime();
        long giveUp = start + (long) ((warmup + 90) * 1e9);
        double worstBytes;
        do {
            worstBytes = 0;
            for (int v = 0; v < variants.size(); v++) {
                int n = 0;
                long a0 = allocated();
                long t0 = clock.getAsLong();
                long w0 = System.nanoTime();
                do {
                    variants.get(v).call().run();
                    n++;
                } while (n < 3 || System.nanoTime() - w0 < 0.25e9);
                perCall[v] = (clock.getAsLong() - t0) * 1e-9 / n;
                worstBytes = Math.max(worstBytes, (double) (allocated() - a0) / n);
            }
        } while (System.nanoTime() - start < warmup * 1e9 || worstBytes > 16_000 && System.nanoTime() < giveUp);
        double warmupSeconds = (System.nanoTime() - start) * 1e-9;
        // A window's call count is a multiple of the drawn batches, so every window sees the same lengths.
        int cycle = Math.max(1, drawn.length);
        int[] calls = new int[variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            calls[v] = cycle * (int) Math.max(1, Math.round(windowSeconds / perCall[v] / cycle));
        }
        double[][] seconds = new double[variants.size()][windows];
        long before = allocated();
        long totalCalls = 0;
        for (int w = 0; w < windows; w++) {
            // rotate the order so no variant always runs right after another one
            for (int k = 0; k < variants.size(); k++) {
                int v = (w + k) % variants.size();
                next[0] = 0;
                Runnable call = variants.get(v).call();
                long t0 = clock.getAsLong();
                for (int i = 0; i < calls[v]; i++) {
                    call.run();
                }
                seconds[v][w] = (clock.getAsLong() - t0) * 1e-9 / calls[v];
                totalCalls += calls[v];
            }
        }
        double bytesPerCall = (double) (allocated() - before) / totalCalls;
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"tool\": \"rnnc\", \"class\": \"%s\", \"batch\": %d, \"steps\": %d, "
                        + "\"threads_used\": %d, \"java\": \"%s\", \"clock\": \"%s\", \"warmup_s\": %.1f, "
                        + "\"bytes_per_call\": %.0f, \"warm\": %s, \"variants\": {",
                net.getClass().getName(), batch, steps, net.threads(), System.getProperty("java.version"),
                cpuClock ? "cpu" : "wall", warmupSeconds, bytesPerCall, bytesPerCall <= 16_000));
        for (int v = 0; v < variants.size(); v++) {
            json.append(v == 0 ? "" : ", ").append('"').append(variants.get(v).name()).append("\": {")
                    .append("\"seconds_per_call\": ").append(Arrays.toString(seconds[v]))
                    .append(", \"calls_per_window\": ").append(calls[v]).append('}');
        }
        return json.append("}}").toString();
    }

    /** The driver's file: one line of {@code batch} lengths in 1..steps per drawn batch. */
    static int[][] readLengths(Path file, int batch, int steps) throws IOException {
        if (file == null) {
            throw fail("the drawn variant needs --lengths-file");
        }
        List<int[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            int[] row = Arrays.stream(line.trim().split("[,\\s]+")).mapToInt(Integer::parseInt).toArray();
            if (row.length != batch || Arrays.stream(row).anyMatch(l -> l < 1 || l > steps)) {
                throw fail(file + ": each line must hold " + batch + " lengths in 1.." + steps);
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw fail(file + " holds no lengths");
        }
        return rows.toArray(new int[0][]);
    }

    /** Heap bytes allocated so far by every live thread; 0 if the JVM cannot say. */
    private static long allocated() {
        if (THREADS instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported()
                && mx.isThreadAllocatedMemoryEnabled()) {
            long sum = 0;
            for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
                sum += Math.max(0, b);
            }
            return sum;
        }
        return 0;
    }

    private static IllegalArgumentException fail(String message) {
        System.err.println("LengthsRun: " + message);
        System.exit(2);
        return new IllegalArgumentException(message);
    }
}
