package io.rnnc.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What inference costs through the generated class and through ONNX Runtime on the same model and
 * weights, at batch 1 and 64, measured in one run (a tool, not a test: {@code rnnc-onnx/timing.sh}).
 * One thread each ({@code setThreads(1)}, ORT intra- and inter-op 1). A call is what a server pays: the
 * class's {@code forward} and {@code copyOutputs}; ORT's tensor creation, {@code run} and reading the
 * output. The two are timed in alternating windows and each figure is the median window, so that load
 * from other processes on a shared machine falls on both alike; compare the ratio, not the absolute
 * figures.
 */
public final class OnnxCostTiming {

    private OnnxCostTiming() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> specs = new ArrayList<>();
        int windows = 11;
        double windowSeconds = 0.3;
        double warmupSeconds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                default -> specs.add(Path.of(args[i]));
            }
        }
        System.out.printf(Locale.ROOT, "%-12s %5s %14s %14s %10s%n", "model", "batch", "class us/call", "ORT us/call",
                "ORT/class");
        for (Path spec : specs) {
            Model model = OrtHarness.parse(Files.readString(spec));
            RnnModel net = OrtHarness.instantiate(model);
            net.initialize(1);
            net.setThreads(1);
            ModelInfo info = net.info();
            byte[] onnx = OnnxExport.export(model, net.parameters(), OnnxExport.Options.defaults()).graphs().get(0).bytes();
            try (OrtSession session = OrtHarness.session(onnx)) {
                for (int batch : new int[] {1, 64}) {
                    if (batch > info.maxBatch()) {
                        continue;
                    }
                    Batch b = OrtHarness.randomBatch(info, model, batch, 5);
                    Runnable viaClass = classCall(net, b, info);
                    Runnable viaOrt = ortCall(session, model, info, b, batch);
                    double[] ns = alternate(viaClass, viaOrt, windows, windowSeconds, warmupSeconds);
                    System.out.printf(Locale.ROOT, "%-12s %5d %14.1f %14.1f %10.2f%n", model.name(), batch,
                            ns[0] / 1e3, ns[1] / 1e3, ns[1] / ns[0]);
                }
            }
        }
    }

    private static Runnable classCall(RnnModel net, Batch batch, ModelInfo info) {
        double[] out = new double[batch.size() * info.logitsPerSample()];
        return () -> {
            net.forward(batch);
            net.copyOutputs(out);
        };
    }

    private static Runnable ortCall(OrtSession session, Model model, ModelInfo info, Batch batch, int n) {
        int steps = model.stack().steps();
        float[] features = info.tokenInputs() ? null : OrtHarness.floats(batch.features, 0, n * steps * info.inputSize());
        long[] tokens = info.tokenInputs() ? OrtHarness.longs(batch.tokens, 0, n * steps) : null;
        float[] out = new float[n * info.logitsPerSample()];
        return () -> {
            try {
                OnnxTensor in = tokens != null
                        ? OnnxTensor.createTensor(OrtHarness.ENV, LongBuffer.wrap(tokens), new long[] {n, steps})
                        : OnnxTensor.createTensor(OrtHarness.ENV, FloatBuffer.wrap(features),
                        new long[] {n, steps, info.inputSize()});
                try (in; OrtSession.Result r = session.run(Map.of(tokens != null ? "tokens" : "input", in),
                        java.util.Set.of("output"))) {
                    ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
                }
            } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Median nanoseconds per call of a and b, timed in alternating windows after a warm-up. */
    private static double[] alternate(Runnable a, Runnable b, int windows, double seconds, double warmup) {
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

    /** Warms up (long enough for the JIT on a busy machine), then picks a call count that fills one window. */
    private static long calibrate(Runnable r, double seconds, double warmup) {
        long end = System.nanoTime() + (long) (warmup * 1e9);
        long calls = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            r.run();
            calls++;
        }
        double perCall = (System.nanoTime() - t0) / (double) Math.max(1, calls);
        return Math.max(1, (long) (seconds * 1e9 / perCall));
    }

    private static double time(Runnable r, long calls) {
        long t0 = System.nanoTime();
        for (long i = 0; i < calls; i++) {
            r.run();
        }
        return (double) (System.nanoTime() - t0) / calls;
    }
}
