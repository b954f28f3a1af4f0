package io.rnnc.onnx;

import static io.rnnc.onnx.OnnxRuntimeEquivalenceTest.assertClose;
import static io.rnnc.onnx.OrtHarness.floats;
import static io.rnnc.onnx.OrtHarness.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graphs exported with a {@code lengths} input (ONNX's {@code sequence_lens}) against an independent
 * reference: row b of a padded batch must give what the same weights give in a class generated for
 * {@code sequence len_b} on that row's first len_b steps alone (weights do not depend on T). The padding
 * holds large values, so a graph that read it would fail.
 */
class OnnxLengthsTest {

    static final int[] LENGTHS = {6, 1, 4, 2, 5};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "model L { input 3 sequence 6 many_to_one lstm 7 lstm 5 dense 3 softmax loss cross_entropy batch 5 seed 1 }",
            "model L { input 3 sequence 6 many_to_one gru 6 rnn 4 relu dense 2 linear loss mse batch 5 seed 2 }",
            "model L { input tokens 9 embed 4 sequence 6 many_to_many rnn 6 gru 5 dense 9 softmax loss cross_entropy batch 5 seed 3 }",
            "model L { input tokens 7 sequence 6 many_to_many lstm 6 dense 2 sigmoid loss bce batch 5 seed 4 }",
            "model L { input 3 sequence 6 many_to_one lstm 5 bidirectional gru 4 bidirectional dense 3 softmax"
                    + " loss cross_entropy batch 5 seed 5 }",
            "model L { input tokens 8 embed 3 sequence 6 many_to_many rnn 5 bidirectional lstm 4 dense 8 softmax"
                    + " loss cross_entropy batch 5 seed 6 }"})
    void paddedRowsGiveWhatTheirOwnLengthGives(String spec) throws OrtException {
        Model model = OrtHarness.parse(spec);
        RnnModel net = OrtHarness.trained(model, 11);
        ModelInfo info = net.info();
        int n = info.maxBatch();
        int steps = model.stack().steps();
        Batch batch = OrtHarness.randomBatch(info, model, n, 5);
        int width = info.tokenInputs() ? 1 : info.inputSize();
        // padding the graph must not read
        for (int r = 0; r < n; r++) {
            for (int t = LENGTHS[r]; t < steps; t++) {
                for (int k = 0; k < width; k++) {
                    if (info.tokenInputs()) {
                        batch.tokens[r * steps + t] = 0;
                    } else {
                        batch.features[(r * steps + t) * width + k] = 1e3;
                    }
                }
            }
        }
        OnnxExport.Export export = OnnxExport.export(model, net.parameters(), new OnnxExport.Options(true));
        Map<String, float[]> out;
        try (OrtSession s = OrtHarness.session(export.graphs().get(0).bytes());
             OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
            if (info.tokenInputs()) {
                feeds.longs("tokens", longs(batch.tokens, 0, n * steps), n, steps);
            } else {
                feeds.floats("input", floats(batch.features, 0, n * steps * width), n, steps, width);
            }
            feeds.ints("lengths", LENGTHS, n);
            out = OrtHarness.run(s, feeds);
        }
        boolean perStep = model.mode() == SequenceMode.MANY_TO_MANY;
        int o = info.outputs();
        for (int r = 0; r < n; r++) {
            int len = LENGTHS[r];
            Model shorter = OrtHarness.parse(spec.replace("sequence " + steps, "sequence " + len));
            RnnModel ref = OrtHarness.instantiate(shorter);
            ref.parameters().copyFrom(net.parameters());
            ref.parametersChanged();
            ModelInfo refInfo = ref.info();
            Batch one = Batch.forModel(refInfo, 1);
            if (info.tokenInputs()) {
                System.arraycopy(batch.tokens, r * steps, one.tokens, 0, len);
            } else {
                System.arraycopy(batch.features, r * steps * width, one.features, 0, len * width);
            }
            ref.forward(one);
            double[] logits = new double[refInfo.logitsPerSample()];
            ref.copyLogits(logits);
            float[] rowLogits = perStep ? Arrays.copyOfRange(out.get("logits"), r * steps * o, (r * steps + len) * o)
                    : Arrays.copyOfRange(out.get("logits"), r * o, (r + 1) * o);
            assertClose("row " + r + " (length " + len + ") logits", rowLogits, logits);
            int stateRows = refInfo.hidden().stream().mapToInt(Integer::intValue).sum();
            double[] h = new double[stateRows];
            double[] c = new double[stateRows];
            ref.copyFinalStates(h, c);
            List<double[]> hs = OrtHarness.perLayer(h, refInfo.hidden(), 1);
            List<double[]> cs = OrtHarness.perLayer(c, refInfo.hidden(), 1);
            for (Layer layer : model.stack().layers()) {
                int l = layer.index();
                assertClose("row " + r + " h_out_l" + l, row(out.get("h_out_l" + l), layer, n, r),
                        OnnxRuntimeEquivalenceTest.layerState(hs, shorter.stack(), l));
                if (layer.cell().hasCellState()) {
                    assertClose("row " + r + " c_out_l" + l, row(out.get("c_out_l" + l), layer, n, r),
                            OnnxRuntimeEquivalenceTest.layerState(cs, shorter.stack(), l));
                }
            }
        }
        assertEquals(n, LENGTHS.length);
    }

    /** Row {@code r} of a state {@code [directions, n, H]}: {@code [directions, 1, H]}. */
    private static float[] row(float[] state, Layer layer, int n, int r) {
        int hid = layer.hidden();
        float[] row = new float[layer.directions() * hid];
        for (int d = 0; d < layer.directions(); d++) {
            System.arraycopy(state, (d * n + r) * hid, row, d * hid, hid);
        }
        return row;
    }

    /** A seq2seq encoder's lengths: its final state is each row's last real step, which seeds the decoder. */
    @org.junit.jupiter.api.Test
    void theEncoderHandsOverEachRowsLastRealState() throws OrtException {
        String spec = """
                model S { encoder { input tokens 9 embed 4 sequence 6 lstm 7 lstm 7 }
                  decoder { input tokens 5 embed 3 sequence 3 lstm 7 lstm 7 dense 5 softmax } loss cross_entropy batch 5 seed 8 }""";
        Model model = OrtHarness.parse(spec);
        RnnModel net = OrtHarness.trained(model, 13);
        ModelInfo info = net.info();
        int n = info.maxBatch();
        int tIn = 6;
        int tOut = 3;
        Batch batch = OrtHarness.randomBatch(info, model, n, 9);
        OnnxExport.Export export = OnnxExport.export(model, net.parameters(), new OnnxExport.Options(true));
        assertEquals(List.of("tokens", "lengths"), export.graphs().get(0).proto().getGraph().getInputList().stream()
                .map(v -> v.getName()).toList());
        Map<String, float[]> state;
        try (OrtSession enc = OrtHarness.session(export.graphs().get(0).bytes());
             OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
            feeds.longs("tokens", longs(batch.tokens, 0, n * tIn), n, tIn).ints("lengths", LENGTHS, n);
            state = OrtHarness.run(enc, feeds);
        }
        long[] decoderTokens = new long[n * tOut];
        for (int r = 0; r < n; r++) {
            for (int t = 1; t < tOut; t++) {
                decoderTokens[r * tOut + t] = batch.classes[r * tOut + t - 1];
            }
        }
        float[] logits;
        try (OrtSession dec = OrtHarness.session(export.graphs().get(1).bytes());
             OrtHarness.Feeds feeds = new OrtHarness.Feeds()) {
            feeds.longs("tokens", decoderTokens, n, tOut);
            OnnxRuntimeEquivalenceTest.feedState(feeds, model.stack(), state, n);
            logits = OrtHarness.run(dec, feeds).get("logits");
        }
        int v = info.outputs();
        for (int r = 0; r < n; r++) {
            int len = LENGTHS[r];
            RnnModel ref = OrtHarness.instantiate(OrtHarness.parse(spec.replace("sequence 6", "sequence " + len)));
            ref.parameters().copyFrom(net.parameters());
            ref.parametersChanged();
            Batch one = Batch.forModel(ref.info(), 1);
            System.arraycopy(batch.tokens, r * tIn, one.tokens, 0, len);
            System.arraycopy(batch.classes, r * tOut, one.classes, 0, tOut);
            ref.forward(one);
            double[] expected = new double[tOut * v];
            ref.copyLogits(expected);
            assertClose("row " + r + " (source length " + len + ") decoder logits",
                    Arrays.copyOfRange(logits, r * tOut * v, (r + 1) * tOut * v), expected);
        }
    }
}
