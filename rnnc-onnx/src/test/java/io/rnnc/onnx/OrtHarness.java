package io.rnnc.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Compiles specs in memory, fills batches, and runs exported graphs in ONNX Runtime's Java API. */
final class OrtHarness {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtHarness() {
    }

    /** The spec's one model; fails the test with the diagnostics if it has errors. */
    static Model parse(String spec) {
        ParseResult r = Rnnc.parse("test.rnn", spec);
        if (r.hasErrors() || r.models().size() != 1) {
            throw new AssertionError("spec does not parse:\n" + r.render());
        }
        return r.models().get(0);
    }

    static RnnModel instantiate(Model model) {
        GeneratedSource src = CodeGenerator.generate(model);
        return InMemoryCompiler.compile(src).instantiate(src.qualifiedName(), RnnModel.class);
    }

    /** Random inputs and targets for every row of a full batch (ids in range, features N(0, 1)). */
    static Batch randomBatch(ModelInfo info, Model model, int rows, long seed) {
        Random rnd = new Random(seed);
        Batch batch = Batch.forModel(info, rows);
        if (batch.features != null) {
            for (int i = 0; i < batch.features.length; i++) {
                batch.features[i] = rnd.nextGaussian();
            }
        }
        if (batch.tokens != null) {
            int vocab = model.encoder().orElse(model.stack()).input().vocab();
            for (int i = 0; i < batch.tokens.length; i++) {
                batch.tokens[i] = rnd.nextInt(vocab);
            }
        }
        if (batch.classes != null) {
            // seq2seq targets avoid the start id 0, as its training data does
            int lo = model.encoder().isPresent() ? 1 : 0;
            for (int i = 0; i < batch.classes.length; i++) {
                batch.classes[i] = lo + rnd.nextInt(info.outputs() - lo);
            }
        }
        if (batch.targets != null) {
            boolean unit = info.head().equals("sigmoid");
            for (int i = 0; i < batch.targets.length; i++) {
                batch.targets[i] = unit ? rnd.nextDouble() : rnd.nextGaussian();
            }
        }
        return batch;
    }

    /** A model with its spec's seeded weights moved by a few training steps, so that no tensor is at its init. */
    static RnnModel trained(Model model, long seed) {
        RnnModel net = instantiate(model);
        net.initialize(seed);
        ModelInfo info = net.info();
        for (int step = 0; step < 3; step++) {
            net.trainStep(randomBatch(info, model, info.maxBatch(), seed + 100 + step));
        }
        return net;
    }

    static OrtSession session(byte[] onnx) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        opts.setInterOpNumThreads(1);
        return ENV.createSession(onnx, opts);
    }

    /** Graph inputs by name, closed after the run. */
    static final class Feeds implements AutoCloseable {
        final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        Feeds floats(String name, float[] data, long... shape) throws OrtException {
            tensors.put(name, OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape));
            return this;
        }

        Feeds longs(String name, long[] data, long... shape) throws OrtException {
            tensors.put(name, OnnxTensor.createTensor(ENV, LongBuffer.wrap(data), shape));
            return this;
        }

        Feeds ints(String name, int[] data, long... shape) throws OrtException {
            tensors.put(name, OnnxTensor.createTensor(ENV, IntBuffer.wrap(data), shape));
            return this;
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /** Runs the session; every float output, flattened, by name. */
    static Map<String, float[]> run(OrtSession session, Feeds feeds) throws OrtException {
        Map<String, float[]> out = new HashMap<>();
        try (OrtSession.Result r = session.run(feeds.tensors)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] f = new float[b.remaining()];
                b.get(f);
                out.put(e.getKey(), f);
            }
        }
        return out;
    }

    static float[] floats(double[] d, int from, int count) {
        float[] f = new float[count];
        for (int i = 0; i < count; i++) {
            f[i] = (float) d[from + i];
        }
        return f;
    }

    static long[] longs(int[] ids, int from, int count) {
        long[] l = new long[count];
        for (int i = 0; i < count; i++) {
            l[i] = ids[from + i];
        }
        return l;
    }

    /** The rnnc tolerance for float32 against another implementation: max|a-b| / max(1, max|b|). */
    static double relativeError(float[] actual, double[] expected, int count) {
        double worst = 0;
        double scale = 1;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return worst / scale;
    }

    /** {@code copyFinalStates}' per-layer blocks {@code [n, H_l]} packed one after another, split by layer. */
    static List<double[]> perLayer(double[] packed, List<Integer> hidden, int rows) {
        List<double[]> out = new java.util.ArrayList<>();
        int at = 0;
        for (int h : hidden) {
            double[] block = new double[rows * h];
            System.arraycopy(packed, at, block, 0, block.length);
            out.add(block);
            at += block.length;
        }
        return out;
    }
}
