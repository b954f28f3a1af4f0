package io.rnnc.benchmarks;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.javac.CompiledClasses;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.javac.MethodSizes;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One shape of issue 18's scaling grid on rnnc's side: writes the spec (28 inputs per step, {@code layers}
 * stacked cells of {@code hidden} units over {@code steps} steps, many-to-one, dense 10 softmax,
 * cross-entropy, Adam, {@code batch}), times spec to loaded class (parse, generate, javac in memory, load),
 * then times training steps (on {@link ModelBenchmark#FRESH_BATCHES} random batches in turn, as PyTorch's
 * side does) and inference calls (on the first of them), and prints one JSON line.
 * {@code bench/scaling.py} runs it once per shape in a fresh JVM, next to PyTorch on the same shape.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.rnnc.benchmarks.ScalingRun
 *     --cell lstm --hidden 256 --steps 28 --batch 64 [--layers 2] [--threads 1] [--tasks train,infer]
 *     [--warmup-seconds 2] [--window-seconds 1] [--windows 5]</pre>
 *
 * A training step is {@code trainStep} (forward, loss, BPTT, Adam); an inference call is {@code forward} and
 * {@code copyOutputs}, what a server pays. Each figure is the median of the timed windows; a window holds
 * at least one call, so shapes whose step is longer than a window still get {@code windows} samples.
 */
public final class ScalingRun {

    /** Inputs per step and output classes: the seed model's (MNIST rows, ten digits). */
    static final int INPUTS = 28;
    static final int CLASSES = 10;

    /** One point of the grid. */
    record Shape(String cell, int hidden, int steps, int batch, int layers) {
        Shape {
            if (!List.of("rnn", "lstm", "gru").contains(cell)) {
                throw new IllegalArgumentException("--cell must be rnn, lstm or gru, got '" + cell + "'");
            }
            if (hidden < 1 || steps < 1 || batch < 1 || layers < 1) {
                throw new IllegalArgumentException("hidden, steps, batch and layers must be 1 or more");
            }
        }

        String className() {
            return "Scale" + Character.toUpperCase(cell.charAt(0)) + cell.substring(1) + "H" + hidden + "T" + steps + "B"
                    + batch + "L" + layers;
        }

        /** The spec text; the seed model's (samples/mnist/mnist_*.rnn) but for the sizes. */
        String spec() {
            StringBuilder s = new StringBuilder();
            s.append("package io.rnnc.scaling\n\nmodel ").append(className()).append(" {\n");
            s.append("    input ").append(INPUTS).append('\n');
            s.append("    sequence ").append(steps).append(" many_to_one\n");
            for (int l = 0; l < layers; l++) {
                s.append("    ").append(cell).append(' ').append(hidden).append('\n');
            }
            s.append("    dense ").append(CLASSES).append(" softmax\n");
            s.append("    loss cross_entropy\n    optimizer adam lr=0.001\n");
            s.append("    batch ").append(batch).append("\n}\n");
            return s.toString();
        }

        /** Matmul FLOPs of one forward pass per sample (docs/performance.md's convention). */
        long forwardFlops() {
            int gates = switch (cell) {
                case "lstm" -> 4;
                case "gru" -> 3;
                default -> 1;
            };
            long total = 0;
            for (int l = 0; l < layers; l++) {
                int in = l == 0 ? INPUTS : hidden;
                total += 2L * steps * (in + hidden) * gates * hidden;
            }
            return total + 2L * hidden * CLASSES;
        }
    }

    /** Spec to loaded class, in seconds, and the largest method's bytecode size. */
    record Compiled(RnnModel net, double parseSeconds, double generateSeconds, double javacSeconds,
                    double loadSeconds, String largestMethod, int largestMethodBytes, int sourceChars) {
        double totalSeconds() {
            return parseSeconds + generateSeconds + javacSeconds + loadSeconds;
        }
    }

    /** A measured task: seconds per call of each timed window. */
    record Timing(String task, double[] secondsPerCall, int callsPerWindow, double warmupSeconds,
                  double bytesPerCall) {
        boolean warm() {
            return bytesPerCall <= SUSPICIOUS_BYTES_PER_CALL;
        }

        double median() {
            double[] s = secondsPerCall.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        double spreadPercent() {
            double[] s = secondsPerCall.clone();
            Arrays.sort(s);
            return 100 * (s[s.length - 1] - s[0]) / median();
        }
    }

    private ScalingRun() {
    }

    static Compiled compile(Shape shape) {
        long t0 = System.nanoTime();
        ParseResult parsed = Rnnc.parse(shape.className() + ".rnn", shape.spec());
        if (parsed.hasErrors() || parsed.models().size() != 1) {
            throw new IllegalStateException("the scaling spec does not compile:\n" + parsed.render());
        }
        Model model = parsed.models().get(0);
        long t1 = System.nanoTime();
        var source = CodeGenerator.generate(model);
        long t2 = System.nanoTime();
        CompiledClasses classes = InMemoryCompiler.compile(source);
        long t3 = System.nanoTime();
        RnnModel net = classes.instantiate(source.qualifiedName(), RnnModel.class);
        long t4 = System.nanoTime();
        String largest = "";
        int largestBytes = 0;
        for (byte[] bytes : classes.classFiles().values()) {
            for (Map.Entry<String, Integer> m : MethodSizes.of(bytes).entrySet()) {
                if (m.getValue() > largestBytes) {
                    largest = m.getKey();
                    largestBytes = m.getValue();
                }
            }
        }
        return new Compiled(net, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (t3 - t2) * 1e-9, (t4 - t3) * 1e-9, largest,
                largestBytes, source.source().length());
    }

    /**
     * Heap bytes per call above which the JIT has not finished: a compiled step allocates next to nothing, a
     * step whose Vector API kernels still run boxed allocates megabytes (the figure {@code rnnc bench} uses).
     */
    static final double SUSPICIOUS_BYTES_PER_CALL = 16_000;

    /** Longest extension of the warm-up while calls still allocate (on a loaded machine C2 can lag by a minute). */
    static final double MAX_EXTRA_WARMUP_SECONDS = 90;

    /**
     * Warms up for {@code warmup} seconds (3 calls at least), then goes on in rounds of at least half a second
     * while a round's calls allocate more than {@link #SUSPICIOUS_BYTES_PER_CALL} each (for at most
     * {@link #MAX_EXTRA_WARMUP_SECONDS} more), then times {@code windows} windows. A figure taken while calls
     * still allocate is flagged ({@code warm: false}), not trusted.
     */
    static Timing time(String task, Runnable call, double warmup, double windowSeconds, int windows) {
        return time(task, call, warmup, windowSeconds, windows, false);
    }

    /**
     * As {@link #time(String, Runnable, double, double, int)}; with {@code cpuClock} the windows are sized and
     * timed in this thread's CPU time rather than wall time. On a machine shared with other work a
     * one-thread run's CPU time per call is what it costs when it runs, whatever the scheduler does: it leaves
     * out the time the thread waited for a core (it still includes the cache misses others cause).
     */
    static Timing time(String task, Runnable call, double warmup, double windowSeconds, int windows, boolean cpuClock) {
        LongSupplier clock = cpuClock ? THREAD_CPU::getCurrentThreadCpuTime : System::nanoTime;
        long start = System.nanoTime();
        long clockStart = clock.getAsLong();
        long calls = 0;
        do {
            call.run();
            calls++;
        } while (calls < 3 || System.nanoTime() - start < warmup * 1e9);
        double perCall = (clock.getAsLong() - clockStart) * 1e-9 / calls;
        long giveUp = System.nanoTime() + (long) (MAX_EXTRA_WARMUP_SECONDS * 1e9);
        double bytesPerCall = allocatedPerCall(call, Math.max(2, Math.round(0.5 / perCall)));
        while (bytesPerCall > SUSPICIOUS_BYTES_PER_CALL && System.nanoTime() < giveUp) {
            long t0 = clock.getAsLong();
            long n = Math.max(2, Math.round(0.5 / perCall));
            bytesPerCall = allocatedPerCall(call, n);
            perCall = (clock.getAsLong() - t0) * 1e-9 / n;
        }
        double warmupSeconds = (System.nanoTime() - start) * 1e-9;
        int n = (int) Math.max(1, Math.round(windowSeconds / perCall));
        double[] result = new double[windows];
        long before = allocated();
        for (int w = 0; w < windows; w++) {
            long t0 = clock.getAsLong();
            for (int i = 0; i < n; i++) {
                call.run();
            }
            result[w] = (clock.getAsLong() - t0) * 1e-9 / n;
        }
        double measuredBytes = (double) (allocated() - before) / ((long) n * windows);
        return new Timing(task, result, n, warmupSeconds, measuredBytes);
    }

    private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();

    private static double allocatedPerCall(Runnable call, long n) {
        long before = allocated();
        for (long i = 0; i < n; i++) {
            call.run();
        }
        return (double) (allocated() - before) / n;
    }

    /** Heap bytes allocated so far by every live thread (the model's worker threads too); 0 if not measurable. */
    private static long allocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
            long sum = 0;
            for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
                sum += Math.max(0, b);
            }
            return sum;
        }
        return 0;
    }

    public static void main(String[] args) {
        String cell = "lstm";
        int hidden = 100;
        int steps = 28;
        int batch = 64;
        int layers = 2;
        int threads = 1;
        List<String> tasks = List.of("train", "infer");
        double warmup = 2;
        double windowSeconds = 1;
        int windows = 5;
        boolean cpuClock = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--cell" -> cell = v;
                    case "--hidden" -> hidden = Integer.parseInt(v);
                    case "--steps" -> steps = Integer.parseInt(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--layers" -> layers = Integer.parseInt(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--tasks" -> tasks = List.of(v.split(","));
                    case "--warmup-seconds" -> warmup = Double.parseDouble(v);
                    case "--window-seconds" -> windowSeconds = Double.parseDouble(v);
                    case "--windows" -> windows = Integer.parseInt(v);
                    case "--clock" -> cpuClock = switch (v) {
                        case "cpu" -> true;
                        case "wall" -> false;
                        default -> throw new IllegalArgumentException("--clock: wall or cpu, got '" + v + "'");
                    };
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (windows < 1 || windowSeconds <= 0 || warmup < 0) {
                throw new IllegalArgumentException("--windows must be 1 or more, --window-seconds positive");
            }
            for (String t : tasks) {
                if (!t.equals("train") && !t.equals("infer")) {
                    throw new IllegalArgumentException("--tasks: train and/or infer, got '" + t + "'");
                }
            }
            if (cpuClock && threads != 1) {
                throw new IllegalArgumentException("--clock cpu measures the calling thread: use it with --threads 1");
            }
            System.out.println(run(new Shape(cell, hidden, steps, batch, layers), threads, tasks, warmup, windowSeconds,
                    windows, cpuClock));
        } catch (IllegalArgumentException e) {
            System.err.println("ScalingRun: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Compiles and measures one shape; returns the JSON line bench/scaling.py reads. */
    static String run(Shape shape, int threads, List<String> tasks, double warmup, double windowSeconds, int windows) {
        return run(shape, threads, tasks, warmup, windowSeconds, windows, false);
    }

    static String run(Shape shape, int threads, List<String> tasks, double warmup, double windowSeconds, int windows,
                      boolean cpuClock) {
        Compiled c = compile(shape);
        RnnModel net = c.net();
        net.initialize(0);
        net.setThreads(threads);
        // training takes fresh batches in turn (see ModelBenchmark.FRESH_BATCHES); inference keeps the first
        Batch[] batches = ModelBenchmark.randomBatches(net.info(), shape.batch(), ModelBenchmark.FRESH_BATCHES);
        Batch data = batches[0];
        int[] next = {0};
        double[] outputs = new double[shape.batch() * net.info().logitsPerSample()];
        List<Timing> timings = new ArrayList<>();
        for (String task : tasks) {
            Runnable call = task.equals("train") ? () -> {
                net.trainStep(batches[next[0]]);
                next[0] = (next[0] + 1) % batches.length;
            } : () -> {
                net.forward(data);
                net.copyOutputs(outputs);
            };
            timings.add(time(task, call, warmup, windowSeconds, windows, cpuClock));
        }
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"tool\": \"rnnc\", \"cell\": \"%s\", \"hidden\": %d, \"steps\": %d, "
                        + "\"batch\": %d, \"layers\": %d, \"threads\": %d, \"threads_used\": %d, \"java\": \"%s\", "
                        + "\"clock\": \"%s\", "
                        + "\"forward_flops\": %d, \"compile\": {\"parse_s\": %.4f, \"generate_s\": %.4f, "
                        + "\"javac_s\": %.4f, \"load_s\": %.4f, \"total_s\": %.4f, \"largest_method\": \"%s\", "
                        + "\"largest_method_bytes\": %d, \"source_chars\": %d}, \"rows\": [",
                shape.cell(), shape.hidden(), shape.steps(), shape.batch(), shape.layers(), threads, net.threads(),
                System.getProperty("java.version"), cpuClock ? "cpu" : "wall", shape.forwardFlops(), c.parseSeconds(), c.generateSeconds(),
                c.javacSeconds(), c.loadSeconds(), c.totalSeconds(), c.largestMethod(), c.largestMethodBytes(),
                c.sourceChars()));
        for (int i = 0; i < timings.size(); i++) {
            Timing t = timings.get(i);
            double median = t.median();
            json.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                    "{\"task\": \"%s\", \"seconds_per_call\": %.9f, \"samples_per_s\": %.3f, \"spread_pct\": %.1f, "
                            + "\"calls_per_window\": %d, \"windows\": %d, \"warmup_s\": %.1f, \"bytes_per_call\": %.0f, "
                            + "\"warm\": %s}",
                    t.task(), median, shape.batch() / median, t.spreadPercent(), t.callsPerWindow(),
                    t.secondsPerCall().length, t.warmupSeconds(), t.bytesPerCall(), t.warm()));
        }
        return json.append("]}").toString();
    }
}
