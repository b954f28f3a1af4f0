package io.rnnc.cli;

import io.rnnc.compiler.driver.Flops;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.cpu.CpuName;
import io.rnnc.runtime.cpu.FmaPeak;
import io.rnnc.runtime.RnnModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code rnnc bench SPEC}: training and inference throughput of any spec's generated class. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures training and inference speed (samples/s, GFLOP/s).", "",
                "Compiles the spec in memory, warms up, then measures training steps and inference on random",
                "data of the model's shape. Prints samples/s, GFLOP/s (matmul FLOPs: forward = 2 x sum over",
                "layers and steps of (in + H) x G x H, plus the head; a training step = 3 x forward) and the heap",
                "bytes allocated per step. A warm model allocates next to nothing; while steps still allocate (the JIT",
                "has not compiled the Vector API kernels yet) the warm-up goes on, up to 3 x --warmup (20 s at most),",
                "and a figure measured with steps that still allocate comes with a warning not to trust it.",
                "The CPU is named, and each GFLOP/s figure is also given as a fraction of the peak of the threads",
                "used: --fma-peak auto (the default) measures one core's peak with independent fused multiply-adds",
                "(about a second), a number gives it in GFLOP/s, none leaves the fraction out.",
                "For repeatable numbers use JMH: rnnc compile --benchmark writes a JMH class for the spec.",
                "--threads defaults to 1."})
final class BenchCommand extends ModelCommand {

    @Mixin
    BatchOption batch;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3", description = "warm-up per phase (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "5", description = "measurement per phase (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--fma-peak", paramLabel = "auto|none|GFLOPS", defaultValue = "auto",
            description = "one core's FMA peak for the fraction of peak: measured (auto, the default), given in GFLOP/s, or none")
    String fmaPeak;

    @Override
    public Integer call() {
        PrintWriter out = out();
        int asked = threads.asked(1);
        if (!(warmup >= 0) || !(seconds > 0)) {
            throw new UserException("--warmup must be 0 or more and --seconds more than 0");
        }
        double givenPeak = parsePeak(fmaPeak);
        Model model = model();
        int b = batch.resolve(model);
        Memory memory = Memory.construct(model);
        RnnModel net = memory.net();
        net.initialize(model.seed());
        ThreadsOption.apply(net, asked, out);
        int used = net.threads();
        Batch[] fresh = new Batch[FRESH_BATCHES];
        for (int i = 0; i < FRESH_BATCHES; i++) {
            fresh[i] = randomBatch(net.info(), b, i + 1);
        }
        int[] next = {0};
        Flops flops = Flops.of(model);
        out.printf(Locale.ROOT, "%s: batch %d, %d thread%s; matmul MFLOP per sample: %s forward, %s per training step%n",
                model.name(), b, used, used == 1 ? "" : "s", SummaryCommand.mega(flops.forward()),
                SummaryCommand.mega(flops.train()));
        out.println(memoryLine(memory, model.batch()));
        out.flush();
        double peak = peakLine(out, givenPeak);
        AllocationMeter meter = AllocationMeter.create();
        Rate train = measure(() -> {
            net.trainStep(fresh[next[0]]);
            next[0] = (next[0] + 1) % FRESH_BATCHES;
        }, b, meter);
        double trainGflops = train.samplesPerSecond() * flops.train() / 1e9;
        out.printf(Locale.ROOT, "train: %s samples/s, %.1f GFLOP/s%s%s%n", Progress.rate(train.samplesPerSecond()),
                trainGflops, ofPeak(trainGflops, peak, used), train.allocation());
        warn(out, "training", train);
        out.flush();
        Rate infer = measure(() -> net.forward(fresh[0]), b, meter);
        double inferGflops = infer.samplesPerSecond() * flops.forward() / 1e9;
        out.printf(Locale.ROOT, "infer: %s samples/s, %.1f GFLOP/s%s%s%n", Progress.rate(infer.samplesPerSecond()),
                inferGflops, ofPeak(inferGflops, peak, used), infer.allocation());
        warn(out, "inference", infer);
        out.flush();
        return Main.OK;
    }

    /** How long {@code --fma-peak auto} measures. */
    static final double PEAK_SECONDS = 1.0;

    /** {@code --fma-peak}: 0 for auto, -1 for none, else the GFLOP/s given. */
    static double parsePeak(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("auto")) {
            return 0;
        }
        if (v.equalsIgnoreCase("none")) {
            return -1;
        }
        double gflops;
        try {
            gflops = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            gflops = Double.NaN;
        }
        if (!(gflops > 0) || Double.isInfinite(gflops)) {
            throw new UserException("--fma-peak takes auto, none or one core's peak in GFLOP/s (a number above 0), not '"
                    + value + "'");
        }
        return gflops;
    }

    /**
     * Prints {@code cpu: NAME; FMA peak: P GFLOP/s per core (how)} and returns the peak per core, or -1 when
     * none is wanted (then only the CPU is named).
     */
    private static double peakLine(PrintWriter out, double given) {
        String cpu = CpuName.describe();
        if (given < 0) {
            out.printf(Locale.ROOT, "cpu: %s%n", cpu);
            return -1;
        }
        if (given > 0) {
            out.printf(Locale.ROOT, "cpu: %s; FMA peak %.0f GFLOP/s per core (given)%n", cpu, given);
            return given;
        }
        FmaPeak.Peak measured = FmaPeak.measure(PEAK_SECONDS);
        out.printf(Locale.ROOT, "cpu: %s; FMA peak %.0f GFLOP/s per core (measured, %s)%n", cpu, measured.gflops(),
                measured.how());
        return measured.gflops();
    }

    /** {@code ", 42 % of peak"} for {@code threads} cores of {@code peak} each, or "" with no peak. */
    static String ofPeak(double gflops, double peak, int threads) {
        if (!(peak > 0)) {
            return "";
        }
        return String.format(Locale.ROOT, ", %.0f %% of %s peak", 100 * gflops / (peak * threads),
                threads == 1 ? "the core's" : threads + " cores'");
    }

    /** A measured phase: samples per second and heap bytes allocated per step (negative: not measured). */
    record Rate(double samplesPerSecond, double bytesPerStep) {

        String allocation() {
            return bytesPerStep < 0 ? "" : String.format(Locale.ROOT, ", %,.1f KB allocated per step",
                    bytesPerStep / 1e3);
        }
    }

    private void warn(PrintWriter out, String phase, Rate rate) {
        String warning = AllocationMeter.warning(phase, rate.bytesPerStep());
        if (warning != null) {
            out.flush();
            err().println(warning);
            err().flush();
        }
    }

    /** {@code memory: X MB per instance at batch B (BPTT minimum Y MB)}; sizes in MB of 10^6 bytes. */
    static String memoryLine(Memory memory, int batch) {
        String instance = memory.instanceBytes() < 0 ? "not measurable on this JVM"
                : String.format(Locale.ROOT, "%.1f MB per instance", memory.instanceBytes() / 1e6);
        return String.format(Locale.ROOT, "memory: %s at batch %d (BPTT minimum %.1f MB)", instance, batch,
                memory.bpttMinimumBytes() / 1e6);
    }

    /** Longest extension of the warm-up while steps still allocate (the JIT has not finished). */
    static final double MAX_EXTRA_WARMUP_SECONDS = 20;

    /** The warm-up extension allowed after {@code warmup} seconds: three times as long, at most 20 s. */
    static double extraWarmupSeconds(double warmup) {
        return Math.min(MAX_EXTRA_WARMUP_SECONDS, 3 * warmup);
    }

    /**
     * Samples per second over {@code seconds}, after {@code warmup} seconds of the same work. Until C2 has
     * compiled them, Vector API kernels run boxed (megabytes per step, several times slower); on a busy
     * machine, or right after the in-memory javac run, C2 can still be queued when the warm-up ends. So the
     * warm-up goes on, in half-second rounds and for at most {@link #extraWarmupSeconds} more, while a
     * round's steps allocate more than {@link AllocationMeter#SUSPICIOUS_BYTES_PER_STEP} each.
     */
    private Rate measure(Runnable step, int samplesPerStep, AllocationMeter meter) {
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        do {
            step.run();
        } while (System.nanoTime() < warmEnd);
        if (meter != null) {
            long giveUp = System.nanoTime() + (long) (extraWarmupSeconds(warmup) * 1e9);
            while (System.nanoTime() < giveUp) {
                long before = meter.allocatedBytes();
                long roundEnd = System.nanoTime() + 500_000_000L;
                long steps = 0;
                do {
                    step.run();
                    steps++;
                } while (System.nanoTime() < roundEnd);
                if ((double) (meter.allocatedBytes() - before) / steps <= AllocationMeter.SUSPICIOUS_BYTES_PER_STEP) {
                    break;
                }
            }
        }
        long allocated = meter == null ? 0 : meter.allocatedBytes();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long steps = 0;
        long now;
        do {
            step.run();
            steps++;
            now = System.nanoTime();
        } while (now < end);
        double bytesPerStep = meter == null ? -1 : (double) (meter.allocatedBytes() - allocated) / steps;
        return new Rate(steps * samplesPerStep / ((now - start) * 1e-9), bytesPerStep);
    }

    /**
     * Training steps take this many random batches in turn (as the JMH and scaling benchmarks do): on one batch
     * the network soon fits it, its gradients vanish into subnormal floats and the timed steps measure the
     * CPU's slow path for those, not training (docs/performance.md, "Finding 2").
     */
    static final int FRESH_BATCHES = 16;

    /** A batch of {@code size} rows of uniform random inputs and targets from {@code seed}. */
    static Batch randomBatch(ModelInfo info, int size, long seed) {
        Batch b = Batch.forModel(info, size);
        SplittableRandom random = new SplittableRandom(seed);
        if (b.features != null) {
            for (int i = 0; i < b.features.length; i++) {
                b.features[i] = random.nextDouble();
            }
        }
        if (b.tokens != null) {
            for (int i = 0; i < b.tokens.length; i++) {
                b.tokens[i] = random.nextInt(info.vocab());
            }
        }
        if (b.classes != null) {
            for (int i = 0; i < b.classes.length; i++) {
                b.classes[i] = random.nextInt(info.outputs());
            }
        }
        if (b.targets != null) {
            for (int i = 0; i < b.targets.length; i++) {
                b.targets[i] = random.nextDouble();
            }
        }
        return b;
    }
}
