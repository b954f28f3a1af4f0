package io.rnnc.onnx;

import static io.rnnc.onnx.OrtHarness.floats;
import static io.rnnc.onnx.OrtHarness.longs;
import static io.rnnc.onnx.OrtHarness.perLayer;
import static io.rnnc.onnx.OrtHarness.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.Stack;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every supported configuration exported and run in ONNX Runtime's Java API: logits, outputs and final
 * states equal the generated class's on the same inputs and weights (float32, max|a-b| / max(1, max|b|)
 * within 1e-5). One_to_many and the seq2seq decoder run one step per call, the caller looping as
 * documented, against the generated class's teacher-forced forward.
 */
class OnnxRuntimeEquivalenceTest {

    static final double TOLERANCE = 1e-5;

    static List<Arguments> configurations() {
        return List.of(
                Arguments.of("rnn tanh, mixed widths, many_to_one", """
                        model RnnM2o { input 5 sequence 6 many_to_one rnn 8 rnn 6 dense 3 softmax
                          loss cross_entropy optimizer adam batch 5 seed 1 }"""),
                Arguments.of("rnn relu, many_to_many, tanh head", """
                        model ReluM2m { input 4 sequence 5 many_to_many rnn 7 relu rnn 7 relu dense 2 tanh
                          loss mse optimizer adam batch 5 seed 2 }"""),
                Arguments.of("lstm x2, many_to_one", """
                        model LstmM2o { input 6 sequence 7 many_to_one lstm 8 lstm 8 dense 5 softmax
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 3 }"""),
                Arguments.of("gru x2, many_to_many, linear head", """
                        model GruM2m { input 4 sequence 5 many_to_many gru 7 gru 5 dense 3 linear
                          loss mse optimizer adam lr=0.01 batch 5 seed 4 }"""),
                Arguments.of("one-hot tokens, gru, many_to_one", """
                        model TokGru { input tokens 7 sequence 6 many_to_one gru 8 dense 3 softmax
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 5 }"""),
                Arguments.of("embedded tokens, lstm then gru, many_to_many", """
                        model EmbMixed { input tokens 12 embed 5 sequence 6 many_to_many lstm 9 gru 7 dense 12 softmax
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 6 }"""),
                Arguments.of("one_to_one, sigmoid head", """
                        model Xor { input 2 sequence 1 one_to_one rnn 8 dense 1 sigmoid loss bce
                          optimizer sgd lr=0.5 momentum=0.9 batch 5 seed 7 }"""),
                Arguments.of("one_to_one, embedded token", """
                        model TokOne { input tokens 6 embed 3 sequence 1 one_to_one gru 5 dense 2 softmax
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 13 }"""),
                Arguments.of("one_to_many lstm, sigmoid feedback", """
                        model Drawer { input 4 sequence 5 one_to_many lstm 8 dense 3 sigmoid loss bce
                          optimizer adam lr=0.01 batch 5 seed 8 }"""),
                Arguments.of("one_to_many rnn x2, softmax feedback", """
                        model Chooser { input 3 sequence 6 one_to_many rnn 6 rnn 5 dense 4 softmax
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 9 }"""),
                Arguments.of("seq2seq lstm x2", """
                        model S2sLstm {
                          encoder { input tokens 8 embed 4 sequence 5 lstm 8 lstm 8 }
                          decoder { input tokens 6 embed 3 sequence 4 lstm 8 lstm 8 dense 6 softmax }
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 10 }"""),
                Arguments.of("seq2seq gru, one-hot", """
                        model S2sGru {
                          encoder { input tokens 9 sequence 6 gru 7 }
                          decoder { input tokens 5 sequence 3 gru 7 dense 5 softmax }
                          loss cross_entropy optimizer adam lr=0.01 batch 5 seed 11 }"""),
                Arguments.of("bidirectional lstm x2, many_to_one (layer 1 reads 2H)", """
                        model BiLstmM2o { input 5 sequence 6 many_to_one lstm 7 bidirectional lstm 5 bidirectional
                          dense 3 softmax loss cross_entropy optimizer adam lr=0.01 batch 5 seed 14 }"""),
                Arguments.of("bidirectional gru then gru, many_to_many", """
                        model BiGruM2m { input 4 sequence 5 many_to_many gru 6 bidirectional gru 5 dense 3 linear
                          loss mse optimizer adam lr=0.01 batch 5 seed 15 }"""),
                Arguments.of("rnn then bidirectional rnn relu, many_to_one", """
                        model BiRnnM2o { input 4 sequence 6 many_to_one rnn 6 rnn 5 relu bidirectional dense 2 sigmoid
                          loss bce optimizer adam lr=0.01 batch 5 seed 16 }"""),
                Arguments.of("embedded tokens, bidirectional lstm and gru, dropout, many_to_many", """
                        model BiTagger { input tokens 11 embed 4 sequence 6 many_to_many lstm 6 bidirectional
                          gru 5 bidirectional dropout 0.3 dense 11 softmax loss cross_entropy optimizer adam lr=0.01
                          batch 5 seed 17 }"""),
                Arguments.of("float64 model exported as float32", """
                        model Lstm64 { input 4 sequence 5 many_to_one lstm 6 lstm 6 dense 2 linear loss mse
                          optimizer adam lr=0.01 batch 5 seed 12 precision float64 }"""));
    }

    /** Every sample spec of the repository, as shipped. */
    static List<Arguments> samples() throws java.io.IOException {
        Path root = PyTorchRoundTripTest.script().getParent().getParent().resolve("samples");
        try (var files = Files.walk(root)) {
            List<Path> specs = files.filter(f -> f.toString().endsWith(".rnn")).sorted().toList();
            assertTrue(specs.size() >= 7, "sample specs under " + root + ": " + specs);
            List<Arguments> args = new java.util.ArrayList<>();
            for (Path f : specs) {
                args.add(Arguments.of(root.relativize(f).toString(), Files.readString(f)));
            }
            return args;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"configurations", "samples"})
    void onnxRuntimeMatchesTheGeneratedClass(String what, String spec) throws OrtException {
        Model model = OrtHarness.parse(spec);
        RnnModel net = OrtHarness.trained(model, 42);
        ModelInfo info = net.info();
        int n = info.maxBatch();
        Batch batch = OrtHarness.randomBatch(info, model, n, 7);
        net.forward(batch);
        double[] logits = new double[n * info.logitsPerSample()];
        double[] outputs = new double[logits.length];
        net.copyLogits(logits);
        net.copyOutputs(outputs);
        int stateSize = n * info.hidden().stream().mapToInt(Integer::intValue).sum();
        double[] h = new double[stateSize];
        double[] c = new double[stateSize];
        net.copyFinalStates(h, c);

        OnnxExport.Export export = OnnxExport.export(model, net.parameters(), OnnxExport.Options.defaults());
        Result ort = switch (model.mode()) {
            case MANY_TO_ONE, MANY_TO_MANY, ONE_TO_ONE -> wholeSequence(model, info, export, batch, n);
            case ONE_TO_MANY -> oneToManyLoop(model, info, export, batch, n);
            case SEQ2SEQ -> seq2seqLoop(model, info, export, batch, n);
        };
        assertClose("logits", ort.logits, logits);
        assertClose("output", ort.output, outputs);
        System.out.printf(java.util.Locale.ROOT, "%s: logits %.2e, output %.2e%n", what,
                relativeError(ort.logits, logits, logits.length), relativeError(ort.output, outputs, outputs.length));
        List<double[]> hs = perLayer(h, info.hidden(), n);
        List<double[]> cs = perLayer(c, info.hidden(), n);
        for (Layer layer : model.stack().layers()) {
            int l = layer.index();
            assertClose("h_out_l" + l, ort.states.get("h_out_l" + l), layerState(hs, model.stack(), l));
            if (layer.cell().hasCellState()) {
                assertClose("c_out_l" + l, ort.states.get("c_out_l" + l), layerState(cs, model.stack(), l));
            }
        }
    }

    /**
     * Layer {@code l}'s final state {@code [directions, n, H]} from {@code copyFinalStates}' blocks, which list
     * each direction of each layer (forward first), as ONNX's {@code Y_h} does.
     */
    static double[] layerState(List<double[]> blocks, Stack stack, int l) {
        int first = 0;
        for (Layer layer : stack.layers().subList(0, l)) {
            first += layer.directions();
        }
        int dirs = stack.layers().get(l).directions();
        int size = blocks.get(first).length;
        double[] state = new double[dirs * size];
        for (int d = 0; d < dirs; d++) {
            System.arraycopy(blocks.get(first + d), 0, state, d * size, size);
        }
        return state;
    }

    /**
     * Bidirectional stacks with per-row lengths: ONNX (lengths as {@code sequence_lens}) against the generated
     * class given the same lengths, on the valid positions; the padding is garbage, and other garbage there gives
     * the same valid outputs. The reverse direction must start at each row's own last step for these to agree.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "model B { input 4 sequence 6 many_to_one lstm 6 bidirectional lstm 5 bidirectional dense 3 softmax"
                    + " loss cross_entropy batch 5 seed 21 }",
            "model B { input 4 sequence 6 many_to_one gru 6 bidirectional rnn 5 dense 2 linear loss mse batch 5 seed 22 }",
            "model B { input 3 sequence 6 many_to_many rnn 5 relu bidirectional gru 4 bidirectional dense 2 sigmoid"
                    + " loss bce batch 5 seed 23 }",
            "model B { input tokens 9 embed 3 sequence 6 many_to_many gru 5 bidirectional lstm 4 bidirectional dense 9"
                    + " softmax loss cross_entropy batch 5 seed 24 }"})
    void bidirectionalWithLengthsMatchesTheGeneratedClass(String spec) throws OrtException {
        int[] lengths = {6, 1, 4, 2, 5};
        Model model = OrtHarness.parse(spec);
        RnnModel net = OrtHarness.trained(model, 31);
        ModelInfo info = net.info();
        int n = info.maxBatch();
        int steps = model.stack().steps();
        Batch batch = OrtHarness.randomBatch(info, model, n, 3);
        for (int r = 0; r < n; r++) {
            batch.setLength(r, lengths[r]);
        }
        net.forward(batch);
        int o = info.outputs();
        double[] logits = new double[n * info.logitsPerSample()];
        net.copyLogits(logits);
        int stateSize = n * info.hidden().stream().mapToInt(Integer::intValue).sum();
        double[] h = new double[stateSize];
        double[] c = new double[stateSize];
        net.copyFinalStates(h, c);
        OnnxExport.Export export = OnnxExport.export(model, net.parameters(), new OnnxExport.Options(true));
        boolean perStep = model.mode() == SequenceMode.MANY_TO_MANY;
        Map<String, float[]> first = null;
        for (long garbage : new long[] {1, 2}) {
            java.util.Random random = new java.util.Random(garbage);
            int width = info.tokenInputs() ? 1 : info.inputSize();
            for (int r = 0; r < n; r++) {
                for (int t = lengths[r]; t < steps; t++) {
                    for (int k = 0; k < width; k++) {
                        if (info.tokenInputs()) {
                            batch.tokens[r * steps + t] = random.nextInt(info.vocab());
                        } else {
                            batch.features[(r * steps + t) * width + k] = 1e3 * random.nextGaussian();
                        }
                    }
                }
            }
            Map<String, float[]> out;
            try (OrtSession s = OrtHarness.session(export.graphs().get(0).bytes());
                 OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
                if (info.tokenInputs()) {
                    feeds.longs("tokens", longs(batch.tokens, 0, n * steps), n, steps);
                } else {
                    feeds.floats("input", floats(batch.features, 0, n * steps * width), n, steps, width);
                }
                feeds.ints("lengths", lengths, n);
                out = OrtHarness.run(s, feeds);
            }
            for (int r = 0; r < n; r++) {
                int from = perStep ? r * steps * o : r * o;
                int to = perStep ? (r * steps + lengths[r]) * o : (r + 1) * o;
                assertClose("row " + r + " (length " + lengths[r] + ") logits",
                        java.util.Arrays.copyOfRange(out.get("logits"), from, to),
                        java.util.Arrays.copyOfRange(logits, from, to));
                if (first != null) {
                    assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(first.get("logits"), from, to)),
                            java.util.Arrays.toString(java.util.Arrays.copyOfRange(out.get("logits"), from, to)),
                            "row " + r + ": other padding changed valid outputs");
                }
            }
            List<double[]> hs = perLayer(h, info.hidden(), n);
            List<double[]> cs = perLayer(c, info.hidden(), n);
            for (Layer layer : model.stack().layers()) {
                int l = layer.index();
                assertClose("h_out_l" + l, out.get("h_out_l" + l), layerState(hs, model.stack(), l));
                if (layer.cell().hasCellState()) {
                    assertClose("c_out_l" + l, out.get("c_out_l" + l), layerState(cs, model.stack(), l));
                }
            }
            first = out;
        }
    }

    private record Result(float[] logits, float[] output, Map<String, float[]> states) {
    }

    private static Result wholeSequence(Model model, ModelInfo info, OnnxExport.Export export, Batch batch, int n)
            throws OrtException {
        assertEquals(1, export.graphs().size());
        try (OrtSession s = OrtHarness.session(export.graphs().get(0).bytes());
             OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
            int t = model.stack().steps();
            if (info.tokenInputs()) {
                feeds.longs("tokens", longs(batch.tokens, 0, n * t), n, t);
            } else if (model.mode() == SequenceMode.ONE_TO_ONE) {
                feeds.floats("input", floats(batch.features, 0, n * info.inputSize()), n, info.inputSize());
            } else {
                feeds.floats("input", floats(batch.features, 0, n * t * info.inputSize()), n, t, info.inputSize());
            }
            Map<String, float[]> out = OrtHarness.run(s, feeds);
            return new Result(out.get("logits"), out.get("output"), out);
        }
    }

    /** The documented loop: feedback 0 first, then one-hot of the (here: teacher-forced) class, or the target values. */
    private static Result oneToManyLoop(Model model, ModelInfo info, OnnxExport.Export export, Batch batch, int n)
            throws OrtException {
        int steps = model.stack().steps();
        int o = info.outputs();
        int in = info.inputSize();
        float[] logits = new float[n * steps * o];
        float[] output = new float[logits.length];
        Map<String, float[]> state = zeroState(model.stack(), n);
        try (OrtSession s = OrtHarness.session(export.graphs().get(0).bytes())) {
            for (int t = 0; t < steps; t++) {
                float[] feedback = new float[n * o];
                for (int r = 0; t > 0 && r < n; r++) {
                    for (int k = 0; k < o; k++) {
                        feedback[r * o + k] = batch.classes != null
                                ? (batch.classes[r * steps + t - 1] == k ? 1f : 0f)
                                : (float) batch.targets[(r * steps + t - 1) * o + k];
                    }
                }
                try (OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
                    feeds.floats("input", floats(batch.features, 0, n * in), n, in).floats("feedback", feedback, n, o);
                    feedState(feeds, model.stack(), state, n);
                    Map<String, float[]> out = OrtHarness.run(s, feeds);
                    scatterStep(out.get("logits"), logits, n, t, steps, o);
                    scatterStep(out.get("output"), output, n, t, steps, o);
                    state = out;
                }
            }
        }
        return new Result(logits, output, state);
    }

    /** Encoder once; then the decoder one token per call (start id 0, then the teacher-forced targets). */
    private static Result seq2seqLoop(Model model, ModelInfo info, OnnxExport.Export export, Batch batch, int n)
            throws OrtException {
        assertEquals(List.of("encoder", "decoder"), export.graphs().stream().map(OnnxExport.Graph::role).toList());
        int tIn = model.encoder().orElseThrow().steps();
        int steps = model.stack().steps();
        int v = info.outputs();
        Map<String, float[]> state;
        try (OrtSession enc = OrtHarness.session(export.graphs().get(0).bytes());
             OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
            feeds.longs("tokens", longs(batch.tokens, 0, n * tIn), n, tIn);
            state = OrtHarness.run(enc, feeds);
        }
        float[] logits = new float[n * steps * v];
        float[] output = new float[logits.length];
        long[] allTokens = new long[n * steps];
        Map<String, float[]> encoderState = state;
        try (OrtSession dec = OrtHarness.session(export.graphs().get(1).bytes())) {
            for (int t = 0; t < steps; t++) {
                long[] token = new long[n];
                for (int r = 0; r < n; r++) {
                    token[r] = t == 0 ? 0 : batch.classes[r * steps + t - 1];
                    allTokens[r * steps + t] = token[r];
                }
                try (OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
                    feeds.longs("tokens", token, n, 1);
                    feedState(feeds, model.stack(), state, n);
                    Map<String, float[]> out = OrtHarness.run(dec, feeds);
                    scatterStep(out.get("logits"), logits, n, t, steps, v);
                    scatterStep(out.get("output"), output, n, t, steps, v);
                    state = out;
                }
            }
            // The same decoder over all steps in one call gives the same numbers.
            try (OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
                feeds.longs("tokens", allTokens, n, steps);
                feedState(feeds, model.stack(), encoderState, n);
                Map<String, float[]> out = OrtHarness.run(dec, feeds);
                double[] stepwise = new double[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    stepwise[i] = logits[i];
                }
                assertClose("decoder over all steps at once", out.get("logits"), stepwise);
            }
        }
        return new Result(logits, output, state);
    }

    static Map<String, float[]> zeroState(Stack stack, int n) {
        Map<String, float[]> state = new java.util.HashMap<>();
        for (Layer layer : stack.layers()) {
            state.put("h_out_l" + layer.index(), new float[n * layer.hidden()]);
            state.put("c_out_l" + layer.index(), new float[n * layer.hidden()]);
        }
        return state;
    }

    /** The previous call's {@code h_out_l*} / {@code c_out_l*} as this call's {@code h_in_l*} / {@code c_in_l*}. */
    static void feedState(OrtHarness.Feeds feeds, Stack stack, Map<String, float[]> previous, int n) throws OrtException {
        for (Layer layer : stack.layers()) {
            int l = layer.index();
            feeds.floats("h_in_l" + l, previous.get("h_out_l" + l), 1, n, layer.hidden());
            if (layer.cell().hasCellState()) {
                feeds.floats("c_in_l" + l, previous.get("c_out_l" + l), 1, n, layer.hidden());
            }
        }
    }

    /** One step's {@code [n, w]} into {@code [n, steps, w]}. */
    static void scatterStep(float[] step, float[] all, int n, int t, int steps, int w) {
        for (int r = 0; r < n; r++) {
            System.arraycopy(step, r * w, all, (r * steps + t) * w, w);
        }
    }

    static void assertClose(String what, float[] actual, double[] expected) {
        assertTrue(actual != null, what + ": no such output");
        assertEquals(expected.length, actual.length, what + ": size");
        double err = relativeError(actual, expected, expected.length);
        assertTrue(err <= TOLERANCE, what + ": relative error " + err + " > " + TOLERANCE);
    }

    /**
     * docs/deploy.md's greedy decoding snippet, as written there (nested arrays, state kept across closed
     * Results): each chosen token is the argmax of the generated class's logits when the class is
     * teacher-forced with the tokens ONNX chose.
     */
    @org.junit.jupiter.api.Test
    void theDocsGreedyDecodingLoopAgreesWithTheGeneratedClass() throws OrtException {
        Model model = OrtHarness.parse("""
                model G { encoder { input tokens 9 embed 4 sequence 5 gru 8 }
                  decoder { input tokens 7 embed 3 sequence 6 gru 8 dense 7 softmax } loss cross_entropy batch 1 seed 4 }""");
        RnnModel net = OrtHarness.trained(model, 5);
        OnnxExport.Export export = OnnxExport.export(model, net.parameters(), OnnxExport.Options.defaults());
        ai.onnxruntime.OrtEnvironment env = OrtHarness.ENV;
        long[] sourceIds = {3, 1, 4, 1, 5};
        int maxSteps = 6;
        int[] chosen = new int[maxSteps];
        try (OrtSession encoder = OrtHarness.session(export.graphs().get(0).bytes());
             OrtSession decoder = OrtHarness.session(export.graphs().get(1).bytes())) {
            // --- as in docs/deploy.md ---
            float[][][] h;
            try (ai.onnxruntime.OnnxTensor src = ai.onnxruntime.OnnxTensor.createTensor(env, new long[][] {sourceIds});
                 OrtSession.Result r = encoder.run(Map.of("tokens", src))) {
                h = (float[][][]) r.get("h_out_l0").get().getValue();
            }
            long token = 0;
            for (int t = 0; t < maxSteps; t++) {
                try (ai.onnxruntime.OnnxTensor tok = ai.onnxruntime.OnnxTensor.createTensor(env, new long[][] {{token}});
                     ai.onnxruntime.OnnxTensor hIn = ai.onnxruntime.OnnxTensor.createTensor(env, h);
                     OrtSession.Result r = decoder.run(Map.of("tokens", tok, "h_in_l0", hIn))) {
                    float[] p = ((float[][][]) r.get("output").get().getValue())[0][0];
                    token = argmax(p);
                    h = (float[][][]) r.get("h_out_l0").get().getValue();
                }
                chosen[t] = (int) token;
            }
        }
        Batch batch = Batch.forModel(net.info(), 1);
        for (int t = 0; t < sourceIds.length; t++) {
            batch.tokens[t] = (int) sourceIds[t];
        }
        System.arraycopy(chosen, 0, batch.classes, 0, maxSteps);
        net.forward(batch);
        double[] logits = new double[net.info().logitsPerSample()];
        net.copyLogits(logits);
        int v = net.info().outputs();
        for (int t = 0; t < maxSteps; t++) {
            int best = 0;
            for (int k = 1; k < v; k++) {
                best = logits[t * v + k] > logits[t * v + best] ? k : best;
            }
            assertEquals(chosen[t], best, "step " + t + " of " + java.util.Arrays.toString(chosen));
        }
    }

    private static long argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            best = p[k] > p[best] ? k : best;
        }
        return best;
    }
}
