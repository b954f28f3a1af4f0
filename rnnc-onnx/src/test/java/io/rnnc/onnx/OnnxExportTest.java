package io.rnnc.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file's structure (versions, names, the gate mapping of the docs' table), files on disk, and refusals. */
class OnnxExportTest {

    static final String LSTM_GRU = """
            model Mixed { input 3 sequence 4 many_to_one lstm 2 gru 2 dense 2 softmax
              loss cross_entropy batch 2 seed 3 }""";

    @Test
    void theFileDeclaresItsVersionsAndTheMappingTablesNames() throws Exception {
        Model model = OrtHarness.parse(LSTM_GRU);
        RnnModel net = OrtHarness.trained(model, 1);
        ModelProto proto = OnnxExport.export(model, net.parameters(), OnnxExport.Options.defaults()).graphs().get(0).proto();
        ModelProto reread = ModelProto.parseFrom(proto.toByteArray());
        assertEquals(OnnxExport.IR_VERSION, reread.getIrVersion());
        assertEquals(OnnxExport.OPSET, reread.getOpsetImport(0).getVersion());
        assertEquals("", reread.getOpsetImport(0).getDomain());
        assertEquals("rnnc", reread.getProducerName());
        assertEquals(model.source(), reread.getDocString());
        Set<String> initializers = reread.getGraph().getInitializerList().stream().map(TensorProto::getName)
                .collect(Collectors.toSet());
        assertTrue(initializers.containsAll(List.of("rnn.W_l0", "rnn.R_l0", "rnn.B_l0", "rnn.W_l1", "rnn.R_l1",
                "rnn.B_l1", "fc.weight_transposed", "fc.bias")), initializers.toString());
        assertEquals(List.of("input"), reread.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(List.of("logits", "output", "h_out_l0", "c_out_l0", "h_out_l1"),
                reread.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        NodeProto gru = reread.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("GRU")).findFirst()
                .orElseThrow();
        assertEquals(1, gru.getAttributeList().stream().filter(a -> a.getName().equals("linear_before_reset"))
                .findFirst().orElseThrow().getI());

        // LSTM: ONNX block order i, o, f, c is PyTorch's i, o=3, f=1, g=2 (H = 2, 3 columns)
        float[] w = floats(initializer(reread, "rnn.W_l0"));
        double[] torch = net.parameters().copyOut("rnn.weight_ih_l0");
        int block = 2 * 3;
        int[] torchBlock = {0, 3, 1, 2};
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < block; i++) {
                assertEquals((float) torch[torchBlock[k] * block + i], w[k * block + i], "W block " + k);
            }
        }
        // GRU: z, r, h is PyTorch's z=1, r=0, n=2; B = [W_b; R_b]
        float[] b = floats(initializer(reread, "rnn.B_l1"));
        double[] bih = net.parameters().copyOut("rnn.bias_ih_l1");
        double[] bhh = net.parameters().copyOut("rnn.bias_hh_l1");
        int[] gruBlock = {1, 0, 2};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 2; i++) {
                assertEquals((float) bih[gruBlock[k] * 2 + i], b[k * 2 + i]);
                assertEquals((float) bhh[gruBlock[k] * 2 + i], b[6 + k * 2 + i]);
            }
        }
    }

    @Test
    void exportsFromACheckpointFileAndWritesSeq2seqAsTwoFiles(@TempDir Path dir) throws OrtException {
        Model model = OrtHarness.parse("""
                model S { encoder { input tokens 5 embed 2 sequence 3 gru 4 }
                  decoder { input tokens 4 embed 2 sequence 2 gru 4 dense 4 softmax } loss cross_entropy batch 2 }""");
        RnnModel net = OrtHarness.trained(model, 2);
        Path checkpoint = dir.resolve("s.safetensors");
        Checkpoint.save(checkpoint, net, new Checkpoint.Position(1, 3, 0, 2));
        OnnxExport.Export export = OnnxExport.export(model, checkpoint, Checkpoint.Match.MODEL, OnnxExport.Options.defaults());
        List<Path> files = export.write(dir.resolve("s.onnx"));
        assertEquals(List.of(dir.resolve("s.encoder.onnx"), dir.resolve("s.decoder.onnx")), files);
        for (Path f : files) {
            assertTrue(Files.isRegularFile(f), f.toString());
            try (OrtSession s = OrtHarness.ENV.createSession(f.toString(), new OrtSession.SessionOptions())) {
                assertTrue(s.getInputNames().contains("tokens"));
            }
        }
        // the file's weights are the checkpoint's, not the spec's initial ones
        OnnxExport.Export direct = OnnxExport.export(model, net.parameters(), OnnxExport.Options.defaults());
        assertArrayEquals(direct.graphs().get(1).bytes(), export.graphs().get(1).bytes());
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedByTheCheckpointsOwnChecks(@TempDir Path dir) {
        Model model = OrtHarness.parse(LSTM_GRU);
        Model other = OrtHarness.parse(LSTM_GRU.replace("gru 2", "gru 3"));
        Path checkpoint = dir.resolve("other.safetensors");
        Checkpoint.saveParameters(checkpoint, OrtHarness.trained(other, 1));
        RnncIoException e = assertThrows(RnncIoException.class, () -> OnnxExport.export(model, checkpoint,
                Checkpoint.Match.MODEL, OnnxExport.Options.defaults()));
        assertTrue(e.getMessage().contains("rnn.weight_ih_l1"), e.getMessage());
    }

    @Test
    void weightsOfAnotherShapeAreRefusedNamingTheTensor() {
        Model model = OrtHarness.parse(LSTM_GRU);
        Model other = OrtHarness.parse(LSTM_GRU.replace("gru 2", "gru 3"));
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(model,
                OrtHarness.trained(other, 1).parameters(), OnnxExport.Options.defaults()));
        assertTrue(e.getMessage().contains("rnn.weight_ih_l1: shape [9, 2], the model needs [6, 2]"), e.getMessage());
    }

    @Test
    void float64WeightsBeyondFloat32AreRefused() {
        Model model = OrtHarness.parse(LSTM_GRU.replace("seed 3", "seed 3 precision float64"));
        RnnModel net = OrtHarness.trained(model, 1);
        double[] fc = net.parameters().copyOut("fc.bias");
        fc[1] = 1e300;
        net.parameters().copyIn("fc.bias", fc);
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(model,
                net.parameters(), OnnxExport.Options.defaults()));
        assertTrue(e.getMessage().contains("fc.bias[1] = 1.0E300: not a finite float32"), e.getMessage());
    }

    @Test
    void lengthsOnAOneVectorInputAreRefusedAtTheModel() {
        Model model = OrtHarness.parse("model D { input 4 sequence 5 one_to_many lstm 8 dense 3 sigmoid loss bce batch 2 }");
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(model,
                OrtHarness.trained(model, 1).parameters(), new OnnxExport.Options(true)));
        assertTrue(e.getMessage().startsWith("test.rnn:1:11: model D is one_to_many: its input is one vector"),
                e.getMessage());
        assertEquals(model.stack().pos(), e.where());
    }

    /**
     * A bidirectional layer is one node with direction "bidirectional" and W, R, B stacked [forward; reverse]:
     * the reverse direction's first ONNX block is PyTorch's i gate of {@code weight_ih_l0_reverse}.
     */
    @Test
    void aBidirectionalLayerIsOneNodeWithBothDirectionsStacked() {
        Model m = OrtHarness.parse("model Bi { input 3 sequence 4 many_to_one lstm 5 bidirectional gru 2 dense 2 softmax"
                + " loss cross_entropy batch 2 seed 1 }");
        RnnModel net = OrtHarness.trained(m, 1);
        ModelProto proto = OnnxExport.export(m, net.parameters(), OnnxExport.Options.defaults()).graphs().get(0).proto();
        var lstm = proto.getGraph().getNodeList().stream().filter(nd -> nd.getOpType().equals("LSTM")).findFirst()
                .orElseThrow();
        assertEquals("bidirectional", lstm.getAttributeList().stream().filter(a -> a.getName().equals("direction"))
                .findFirst().orElseThrow().getS().toStringUtf8());
        TensorProto w = initializer(proto, "rnn.W_l0");
        assertEquals(List.of(2L, 20L, 3L), w.getDimsList());
        assertEquals(List.of(1L, 6L, 10L), initializer(proto, "rnn.W_l1").getDimsList());
        assertEquals(List.of(2L, 40L), initializer(proto, "rnn.B_l0").getDimsList());
        double[] reverse = net.parameters().copyOut("rnn.weight_ih_l0_reverse");
        float[] onnx = floats(w);
        for (int i = 0; i < 5 * 3; i++) {
            assertEquals((float) reverse[i], onnx[20 * 3 + i], "W reverse, i block, value " + i);
        }
    }

    /** Reverse-direction weights on a layer that runs one direction are not read by any graph: refused, never dropped. */
    @Test
    void reverseWeightsOnAForwardLayerAreRefused() {
        Model m = OrtHarness.parse(LSTM_GRU);
        RnnModel net = OrtHarness.trained(m, 1);
        int end = (int) m.parameterCount();
        List<io.rnnc.compiler.model.ParamSpec> params = new java.util.ArrayList<>(m.parameters());
        params.add(new io.rnnc.compiler.model.ParamSpec("rnn.weight_ih_l1_reverse", List.of(2),
                io.rnnc.compiler.model.ParamSpec.Init.UNIFORM, 0.5, end));
        Model extended = new Model(m.packageName(), m.name(), m.mode(), m.encoder(), m.stack(), m.head(), m.loss(),
                m.optimizer(), m.clip(), m.batch(), m.seed(), m.precision(), params, m.source(), m.pos());
        List<io.rnnc.runtime.TensorInfo> tensors = new java.util.ArrayList<>(net.parameters().tensors());
        tensors.add(new io.rnnc.runtime.TensorInfo("rnn.weight_ih_l1_reverse", new int[] {2}, end));
        io.rnnc.runtime.FloatTensorStore store = new io.rnnc.runtime.FloatTensorStore(tensors);
        for (io.rnnc.runtime.TensorInfo t : net.parameters().tensors()) {
            store.copyIn(t.name(), net.parameters().copyOut(t.name()));
        }
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(extended, store,
                OnnxExport.Options.defaults()));
        assertTrue(e.getMessage().contains("does not know how to map: rnn.weight_ih_l1_reverse"), e.getMessage());
    }

    /** A parameter no graph reads (a part of some future model the exporter does not know) is refused, never dropped. */
    @Test
    void aParameterTheGraphsDoNotReadIsRefused() {
        Model m = OrtHarness.parse(LSTM_GRU);
        RnnModel net = OrtHarness.trained(m, 1);
        int end = (int) m.parameterCount();
        List<io.rnnc.compiler.model.ParamSpec> params = new java.util.ArrayList<>(m.parameters());
        params.add(new io.rnnc.compiler.model.ParamSpec("fc.scale", List.of(2), io.rnnc.compiler.model.ParamSpec.Init.UNIFORM,
                0.5, end));
        Model extended = new Model(m.packageName(), m.name(), m.mode(), m.encoder(), m.stack(), m.head(), m.loss(),
                m.optimizer(), m.clip(), m.batch(), m.seed(), m.precision(), params, m.source(), m.pos());
        List<io.rnnc.runtime.TensorInfo> tensors = new java.util.ArrayList<>(net.parameters().tensors());
        tensors.add(new io.rnnc.runtime.TensorInfo("fc.scale", new int[] {2}, end));
        io.rnnc.runtime.FloatTensorStore store = new io.rnnc.runtime.FloatTensorStore(tensors);
        for (io.rnnc.runtime.TensorInfo t : net.parameters().tensors()) {
            store.copyIn(t.name(), net.parameters().copyOut(t.name()));
        }
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.export(extended, store,
                OnnxExport.Options.defaults()));
        assertTrue(e.getMessage().contains("parameters the ONNX export does not know how to map: fc.scale"), e.getMessage());
    }

    private static TensorProto initializer(ModelProto m, String name) {
        return m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] floats(TensorProto t) {
        var b = ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }
}
