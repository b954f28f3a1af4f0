package io.rnnc.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.Model;
import io.rnnc.onnx.OnnxExport;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Issue 18, item 6: inference of the seed model and its LSTM twin through the generated class and through
 * ONNX Runtime's Java API on the same exported model and weights, at batch 1 and 256, in one run (a tool, not
 * a test: {@code benchmarks/run-ort-anchor.sh}). Batch 1 uses the sample spec (batch 64), batch 256 its
 * {@code _b256} copy, as ModelBenchmark does. One thread each ({@code setThreads(1)}; ORT intra- and inter-op
 * 1). A call is what a server pays: the class's {@code forward} and {@code copyOutputs}; ORT's input tensor,
 * {@code run} and reading the output. The two alternate window by window and each figure is the median
 * window. Windows are timed in the calling thread's CPU time (both run on it with one thread: the last column,
 * the process's CPU time outside this thread during the timed windows, shows it), so that on a machine shared
 * with other work the figures leave out the waits for a core.
 *
 * <pre>args: [--windows K] [--window-seconds S] [--warmup-seconds W] [--models rnn,lstm,gru]</pre>
 */
public final class OrtAnchor {

    private OrtAnchor() {
    }

    public static void main(String[] args) throws Exception {
        int windows = 9;
        double windowSeconds = 0.5;
        double warmupSeconds = 4;
        String[] models = {"rnn", "lstm"};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--models" -> models = args[++i].split(",");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Path.of(System.getProperty("rnnc.root", "."));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf(Locale.ROOT, "java %s, ONNX Runtime %s; one thread each; median of %d alternating windows of"
                + " %.2f s%n", System.getProperty("java.version"), env.getVersion(), windows, windowSeconds);
        System.out.printf(Locale.ROOT, "%-6s %5s %16s %16s %16s %16s %9s %13s%n", "model", "batch", "class us/call",
                "class samples/s", "ORT us/call", "ORT samples/s", "ORT/class", "other threads");
        for (String name : models) {
            for (int batch : new int[] {1, 256}) {
                Path spec = batch <= 64 ? root.resolve("samples/mnist/mnist_" + name + ".rnn")
                        : root.resolve("benchmarks/src/main/rnn/mnist_" + name + "_b256.rnn");
                ParseResult parsed = Rnnc.parse(spec);
                if (parsed.hasErrors()) {
                    throw new IllegalStateException(parsed.render());
                }
                Model model = parsed.models().get(0);
                var source = CodeGenerator.generate(model);
                RnnModel net = InMemoryCompiler.compile(source).instantiate(source.qualifiedName(), RnnModel.class);
                net.initialize(1);
                net.setThreads(1);
                Batch data = ModelBenchmark.randomBatch(net.info(), batch);
                double[] out = new double[batch * net.info().logitsPerSample()];
                Runnable viaClass = () -> {
                    net.forward(data);
                    net.copyOutputs(out);
                };
                byte[] onnx = OnnxExport.export(model, net.parameters(), OnnxExport.Options.defaults()).graphs().get(0)
                        .bytes();
                OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                opts.setIntraOpNumThreads(1);
                opts.setInterOpNumThreads(1);
                try (OrtSession session = env.createSession(onnx, opts)) {
                    int steps = model.stack().steps();
                    int inputs = net.info().inputSize();
                    float[] features = new float[batch * steps * inputs];
                    for (int i = 0; i < features.length; i++) {
                        features[i] = (float) data.features[i];
                    }
                    float[] probs = new float[batch * net.info().logitsPerSample()];
                    Runnable viaOrt = () -> {
                        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(features),
                                new long[] {batch, steps, inputs});
                             OrtSession.Result r = session.run(Map.of("input", in), Set.of("output"))) {
                            ((OnnxTensor) r.get(0)).getFloatBuffer().get(probs);
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    viaClass.run();
                    viaOrt.run();
                    double maxDiff = 0;
                    for (int i = 0; i < probs.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(probs[i] - out[i]));
                    }
                    if (maxDiff > 1e-3) {
                        throw new IllegalStateException(name + " batch " + batch + ": ORT and the class disagree by "
                                + maxDiff);
                    }
                    long process0 = PROCESS.getProcessCpuTime();
                    long thread0 = THREAD.getCurrentThreadCpuTime();
                    double[] ns = alternate(viaClass, viaOrt, windows, windowSeconds, warmupSeconds);
                    double other = 1 - (THREAD.getCurrentThreadCpuTime() - thread0)
                            / (double) Math.max(1, PROCESS.getProcessCpuTime() - process0);
                    System.out.printf(Locale.ROOT, "%-6s %5d %16.1f %16.0f %16.1f %16.0f %9.2f %12.1f%%%n", name,
                            batch, ns[0] / 1e3, batch / (ns[0] * 1e-9), ns[1] / 1e3, batch / (ns[1] * 1e-9),
                            ns[1] / ns[0], 100 * other);
                }
            }
        }
    }

    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Median nanoseconds per call of a and b, timed in alternating windows after a warm-up of each. */
    static double[] alternate(Runnable a, Runnable b, int windows, double seconds, double warmup) {
        long callsA = calibrate(a, seconds, warmup);
        long callsB = calibrate(b, seconds, warmup);
        double[] ta = new double[windows];
        double[] tb = new double[windows];
        for (int w = 0; w < windows; w++) {
            ta[w] = time(a, callsA);
            tb[w] = time(b, callsB);
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        return new double[] {ta[windows / 2], tb[windows / 2]};
    }

    private static long calibrate(Runnable r, double seconds, double warmup) {
        long end = System.nanoTime() + (long) (warmup * 1e9);
        long t0 = THREAD.getCurrentThreadCpuTime();
        long calls = 0;
        do {
            r.run();
            calls++;
        } while (System.nanoTime() < end);
        double perCall = (THREAD.getCurrentThreadCpuTime() - t0) / (double) calls;
        return Math.max(1, (long) (seconds * 1e9 / perCall));
    }

    private static double time(Runnable r, long calls) {
        long t0 = THREAD.getCurrentThreadCpuTime();
        for (long i = 0; i < calls; i++) {
            r.run();
        }
        return (double) (THREAD.getCurrentThreadCpuTime() - t0) / calls;
    }
}
