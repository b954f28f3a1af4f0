package io.rnnc.runtime.io;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.PyTorchFixtures;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.train.SoftmaxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path dir;

    static SoftmaxModel trained(long seed, int steps) {
        SoftmaxModel m = new SoftmaxModel(2, 3, 4, 8, 0.01);
        m.initialize(seed);
        Batch b = Batch.forModel(m.info());
        io.rnnc.runtime.init.Rng rng = new io.rnnc.runtime.init.Rng(seed + 1);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < b.features.length; i++) {
                b.features[i] = rng.nextGaussian();
            }
            for (int i = 0; i < b.classes.length; i++) {
                b.classes[i] = rng.nextInt(4);
            }
            m.trainStep(b);
        }
        return m;
    }

    @Test
    void saveThenLoadRestoresParametersOptimizerAndPosition() {
        SoftmaxModel a = trained(1, 5);
        Path f = dir.resolve("ck.safetensors");
        Checkpoint.save(f, a, new Checkpoint.Position(3, 120, 42, 8, Map.of("validation_loss", "0.25")));

        SoftmaxModel b = trained(2, 1);
        int calls = b.parametersChangedCalls();
        Optional<Checkpoint.Position> p = Checkpoint.load(f, b);
        assertEquals(new Checkpoint.Position(3, 120, 42, 8, Map.of("validation_loss", "0.25")), p.orElseThrow());
        assertArrayEquals(((DoubleTensorStore) a.parameters()).data, ((DoubleTensorStore) b.parameters()).data);
        for (String slot : List.of("exp_avg", "exp_avg_sq")) {
            assertArrayEquals(((DoubleTensorStore) a.optimizerState().slot(slot)).data,
                    ((DoubleTensorStore) b.optimizerState().slot(slot)).data, slot);
        }
        assertEquals(5, b.optimizerState().step());
        assertTrue(b.parametersChangedCalls() > calls);
    }

    @Test
    void fileLayoutIsWhatPyTorchLoads() throws IOException {
        SoftmaxModel a = trained(1, 2);
        Path f = dir.resolve("ck.safetensors");
        Checkpoint.save(f, a, new Checkpoint.Position(1, 2, 7, 8));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(List.of("fc.weight", "fc.bias", "optimizer.exp_avg.fc.weight", "optimizer.exp_avg.fc.bias",
                "optimizer.exp_avg_sq.fc.weight", "optimizer.exp_avg_sq.fc.bias"), new ArrayList<>(c.tensors().keySet()));
        assertEquals("F64", c.get("fc.weight").dtype());
        assertArrayEquals(new int[] {4, 6}, c.get("fc.weight").shape());
        Map<String, String> meta = c.metadata();
        assertEquals("pt", meta.get("format"));
        assertEquals("adam", meta.get("rnnc.optimizer"));
        assertEquals("2", meta.get("rnnc.optimizer.step"));
        assertEquals("1", meta.get("rnnc.epoch"));
        // Raw header: metadata first and strings only, as safetensors.torch.load_file requires.
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"rnnc.model\":\"SoftmaxModel\""), header);
        Map<?, ?> metaJson = (Map<?, ?>) ((Map<?, ?>) Json.parse(header)).get("__metadata__");
        assertTrue(metaJson.values().stream().allMatch(v -> v instanceof String));

        Path p = dir.resolve("params.safetensors");
        Checkpoint.saveParameters(p, a);
        assertEquals(List.of("fc.weight", "fc.bias"), new ArrayList<>(SafeTensors.read(p).tensors().keySet()));
    }

    @Test
    void aPlainStateDictLoadsAndResetsTheOptimizer() {
        SoftmaxModel source = trained(3, 4);
        Path f = dir.resolve("state_dict.safetensors");
        // As safetensors.torch.save_file(model.state_dict()) writes it: parameters, F32, {"format": "pt"}.
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (TensorInfo t : source.parameters().tensors()) {
            double[] v = source.parameters().copyOut(t.name());
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
            tensors.add(new SafeTensors.Tensor(t.name(), "F32", t.shape(), v));
        }
        SafeTensors.write(f, tensors, Map.of("format", "pt"), SafeTensors.Order.BY_NAME);
        SoftmaxModel m = trained(4, 3);
        assertEquals(Optional.empty(), Checkpoint.load(f, m));
        assertEquals(0, m.optimizerState().step());
        assertTrue(((DoubleTensorStore) m.optimizerState().slot("exp_avg")).data[0] == 0.0);
        assertArrayEquals(tensors.get(0).values(), m.parameters().copyOut(tensors.get(0).name()));
    }

    @Test
    void pyTorchFixtureWeightsLoadIntoAModelOfTheSameShapes() {
        Path fixture = PyTorchFixtures.set("fixtures").resolve("p08_rnn_tanh_l2_m2o_ce_mnistlike/tensors.safetensors");
        SafeTensors.Contents all = SafeTensors.read(fixture);
        Map<String, SafeTensors.Tensor> params = new LinkedHashMap<>();
        all.tensors().forEach((k, v) -> {
            if (k.startsWith("rnn.") || k.startsWith("fc.")) {
                params.put(k, v);
            }
        });
        StoreModel m = new StoreModel(params.values().stream().map(t -> new TensorInfo(t.name(), t.shape(), 0)).toList(), false);
        Checkpoint.apply(fixture + " (parameters)", new SafeTensors.Contents(params, all.metadata()), m);
        for (SafeTensors.Tensor t : params.values()) {
            assertArrayEquals(t.values(), m.parameters().copyOut(t.name()), t.name());
        }
        // The whole fixture holds much more than parameters: every extra tensor is named.
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(fixture, m));
        assertTrue(e.getMessage().contains("\n  x: not in the model (file has [4, 28, 28])"), e.getMessage());
        assertTrue(e.getMessage().contains("\n  grad.fc.bias: not in the model (file has [10])"), e.getMessage());
    }

    @Test
    void everyMismatchIsReportedInOneMessageAndNothingChanges() {
        StoreModel saved = new StoreModel(List.of(
                new TensorInfo("rnn.weight_ih_l0", new int[] {300, 28}, 0),
                new TensorInfo("rnn.weight_hh_l1", new int[] {300, 100}, 0),
                new TensorInfo("rnn.extra", new int[] {5}, 0),
                new TensorInfo("fc.weight", new int[] {10, 100}, 0)), false);
        Path f = dir.resolve("other.safetensors");
        Checkpoint.save(f, saved, new Checkpoint.Position(1, 10, 0, 64));
        StoreModel target = new StoreModel(List.of(
                new TensorInfo("rnn.weight_ih_l0", new int[] {300, 28}, 0),
                new TensorInfo("rnn.weight_hh_l1", new int[] {400, 100}, 0),
                new TensorInfo("fc.weight", new int[] {10, 100}, 0),
                new TensorInfo("fc.bias", new int[] {10}, 0)), false);
        target.parameters().set(0, 0.5);
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, target));
        assertEquals(f + " does not fit model StoreModel (6 problems):\n"
                + "  rnn.weight_hh_l1: expected [400, 100], file has [300, 100]\n"
                + "  fc.bias: missing from the file (expected [10])\n"
                + "  optimizer.exp_avg.rnn.weight_hh_l1: expected [400, 100], file has [300, 100]\n"
                + "  optimizer.exp_avg.fc.bias: missing from the file (expected [10])\n"
                + "  rnn.extra: not in the model (file has [5])\n"
                + "  optimizer.exp_avg.rnn.extra: not in the model (file has [5])", e.getMessage());
        assertEquals(0.5, target.parameters().get(0), "nothing loaded");
        assertEquals(0, target.changed);
    }

    @Test
    void optimizerOfAnotherKindAndBadMetadataAreReported() {
        List<TensorInfo> shapes = List.of(new TensorInfo("fc.weight", new int[] {2, 3}, 0));
        StoreModel saved = new StoreModel(shapes, true);
        Path f = dir.resolve("sgd.safetensors");
        List<SafeTensors.Tensor> ts = List.of(new SafeTensors.Tensor("fc.weight", "F64", new int[] {2, 3}, new double[6]),
                new SafeTensors.Tensor("optimizer.momentum_buffer.fc.weight", "F64", new int[] {2, 3}, new double[6]));
        SafeTensors.write(f, ts, Map.of("rnnc.optimizer", "sgd", "rnnc.optimizer.step", "4", "rnnc.epoch", "x",
                "rnnc.step", "1", "rnnc.seed", "1", "rnnc.batch", "8"));
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, saved));
        assertEquals(f + " does not fit model StoreModel (2 problems):\n"
                + "  optimizer: the file holds sgd state, the model uses adam (load a parameters-only file to start the optimizer afresh)\n"
                + "  metadata: rnnc.epoch is 'x', expected an integer", e.getMessage());
    }

    @Test
    void aCorruptFileGivesTheReadersMessage() throws IOException {
        Path f = dir.resolve("junk.safetensors");
        Files.writeString(f, "not a checkpoint at all");
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, trained(1, 0)));
        assertTrue(e.getMessage().startsWith(f + ": header length "), e.getMessage());
    }

    /** A model that is only its stores, to check names and shapes; optimizer "adam" with one slot for brevity. */
    static final class StoreModel implements RnnModel {
        private final ModelInfo info;
        private final TensorStore params;
        private final OptimizerState opt;
        int changed;

        StoreModel(List<TensorInfo> shapes, boolean f64) {
            List<TensorInfo> laid = new ArrayList<>();
            int at = 0;
            for (TensorInfo t : shapes) {
                laid.add(new TensorInfo(t.name(), t.shape(), at));
                at += t.size();
            }
            this.info = new ModelInfo("StoreModel", "many_to_one", "features", 1, 0, 1, 1, 1, List.of(), List.of(), "linear",
                    "mse", "adam", 1, f64 ? "float64" : "float32", laid, "");
            this.params = f64 ? new DoubleTensorStore(laid) : new FloatTensorStore(laid);
            this.opt = new OptimizerState("adam", List.of("exp_avg"), List.of(f64 ? new DoubleTensorStore(laid) : new FloatTensorStore(laid)));
        }

        @Override public ModelInfo info() { return info; }
        @Override public TensorStore parameters() { return params; }
        @Override public TensorStore gradients() { throw new UnsupportedOperationException(); }
        @Override public OptimizerState optimizerState() { return opt; }
        @Override public void initialize(long seed) { }
        @Override public void parametersChanged() { changed++; }
        @Override public double computeGradients(Batch batch) { throw new UnsupportedOperationException(); }
        @Override public double applyUpdate() { throw new UnsupportedOperationException(); }
        @Override public double evaluate(Batch batch) { throw new UnsupportedOperationException(); }
        @Override public void forward(Batch batch) { throw new UnsupportedOperationException(); }
        @Override public void copyLogits(double[] dst) { }
        @Override public void copyOutputs(double[] dst) { }
        @Override public void copyFinalStates(double[] h, double[] c) { }
    }
}
