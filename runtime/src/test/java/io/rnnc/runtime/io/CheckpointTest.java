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
        // Raw header: metadata first and strings only, as safetensors.torch.load_file requires; keys sorted
        // (stable bytes), so "format" comes first and the model's identity follows.
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"rnnc.architecture\":"
                + "\"many_to_one, features 3, steps 2 -> 1, softmax 4, cross_entropy\",\"rnnc.batch\":\"8\","), header);
        assertEquals(List.of("format", "rnnc.architecture", "rnnc.batch", "rnnc.epoch", "rnnc.model", "rnnc.optimizer",
                "rnnc.optimizer.step", "rnnc.precision", "rnnc.seed", "rnnc.spec_hash", "rnnc.step"), new ArrayList<>(meta.keySet()));
        assertEquals("SoftmaxModel", meta.get("rnnc.model"));
        assertEquals(Checkpoint.specHash(a.info()), meta.get("rnnc.spec_hash"));
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

    // ------------------------------------------------------------------------ identity and values

    static final List<TensorInfo> SHAPES = List.of(new TensorInfo("rnn.weight_ih_l0", new int[] {3, 2}, 0),
            new TensorInfo("fc.weight", new int[] {2, 3}, 0));

    /** A full checkpoint of {@code m} with every parameter set to {@code value}; returns its bytes. */
    byte[] saveFilled(Path f, RnnModel m, double value) throws IOException {
        for (int i = 0; i < m.parameters().size(); i++) {
            m.parameters().set(i, value);
        }
        Checkpoint.save(f, m, new Checkpoint.Position(2, 20, 3, 1));
        return Files.readAllBytes(f);
    }

    @Test
    void anotherModelsCheckpointWithTheSameShapesIsRefusedNamingBothModels() throws IOException {
        Path f = dir.resolve("twin.safetensors");
        byte[] bytes = saveFilled(f, new StoreModel("OtherModel", SHAPES, false), 0.25);
        StoreModel target = new StoreModel("StoreModel", SHAPES, false);
        target.parameters().set(0, 0.5);
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, target));
        String arch = "many_to_one, features 1, steps 1 -> 1, linear 1, mse";
        assertEquals(f + " does not fit model StoreModel (1 problem):\n"
                + "  model: the file was written by model OtherModel (spec hash " + Checkpoint.specHash(target.info()) + ": " + arch
                + "), not by StoreModel (spec hash " + Checkpoint.specHash(target.info()) + ": " + arch + ")\n"
                + "  its tensors have this model's names and shapes: to load them anyway, by names and shapes only, pass --force"
                + " (from Java: Checkpoint.Match.SHAPES)", e.getMessage());
        assertEquals(0.5, target.parameters().get(0), "nothing loaded");
        assertEquals(0, target.changed);

        // Loading by names and shapes only works, and says what it did.
        Checkpoint.Loaded loaded = Checkpoint.load(f, target, Checkpoint.Match.SHAPES);
        assertEquals(0.25, target.parameters().get(0));
        assertEquals("OtherModel", loaded.writtenBy());
        assertEquals(f + " was loaded by names and shapes only, as asked: the file was written by model OtherModel (spec hash "
                + Checkpoint.specHash(target.info()) + ": " + arch + "), not by StoreModel (spec hash "
                + Checkpoint.specHash(target.info()) + ": " + arch + ")", loaded.note());
        assertEquals(2, loaded.position().orElseThrow().epoch());
        assertArrayEquals(bytes, Files.readAllBytes(f), "the file is never changed by loading");
    }

    @Test
    void anotherSpecOfTheSameModelIsRefusedThoughNamesAndShapesFit() throws IOException {
        // Same class name, same tensors ([4, 6]: 2 steps of 3 features vs 3 steps of 2), another spec.
        SoftmaxModel saved = new SoftmaxModel(2, 3, 4, 8, 0.01);
        SoftmaxModel target = new SoftmaxModel(3, 2, 4, 8, 0.01);
        assertTrue(!Checkpoint.specHash(saved.info()).equals(Checkpoint.specHash(target.info())));
        Path f = dir.resolve("spec.safetensors");
        byte[] bytes = saveFilled(f, saved, 0.125);
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, target));
        assertEquals(f + " does not fit model SoftmaxModel (1 problem):\n"
                + "  model: the file was written by another spec of model SoftmaxModel (spec hash " + Checkpoint.specHash(saved.info())
                + ": many_to_one, features 3, steps 2 -> 1, softmax 4, cross_entropy), not by this spec of SoftmaxModel (spec hash "
                + Checkpoint.specHash(target.info()) + ": many_to_one, features 2, steps 3 -> 1, softmax 4, cross_entropy)\n"
                + "  its tensors have this model's names and shapes: to load them anyway, by names and shapes only, pass --force"
                + " (from Java: Checkpoint.Match.SHAPES)", e.getMessage());
        assertTrue(target.parameters().get(0) != 0.125);
        Checkpoint.load(f, target, Checkpoint.Match.SHAPES);
        assertEquals(0.125, target.parameters().get(0));
        assertArrayEquals(bytes, Files.readAllBytes(f));
    }

    @Test
    void theSpecHashCoversWhatGivesTheWeightsTheirMeaningAndNothingElse() {
        ModelInfo base = new SoftmaxModel(2, 3, 4, 8, 0.01).info();
        // learning rate and batch size only steer training: same identity
        assertEquals(Checkpoint.specHash(base), Checkpoint.specHash(new SoftmaxModel(2, 3, 4, 64, 0.5).info()));
        assertEquals(16, Checkpoint.specHash(base).length());
        ModelInfo otherHead = new ModelInfo(base.name(), base.mode(), base.inputKind(), base.inputSize(), base.vocab(),
                base.inputSteps(), base.outputSteps(), base.outputs(), base.cells(), base.hidden(), "sigmoid", "bce",
                base.optimizer(), base.maxBatch(), base.precision(), base.parameters(), base.spec());
        assertTrue(!Checkpoint.specHash(base).equals(Checkpoint.specHash(otherHead)));
        ModelInfo otherPrecisionAndSpecText = new ModelInfo(base.name(), base.mode(), base.inputKind(), base.inputSize(),
                base.vocab(), base.inputSteps(), base.outputSteps(), base.outputs(), base.cells(), base.hidden(), base.head(),
                base.loss(), base.optimizer(), base.maxBatch(), "float32", base.parameters(), "# re-commented\n" + base.spec());
        assertEquals(Checkpoint.specHash(base), Checkpoint.specHash(otherPrecisionAndSpecText));
    }

    @Test
    void aStateDictWithoutRnncMetadataLoadsByNamesAndShapesAndSaysSo() {
        Path f = dir.resolve("torch.safetensors");
        SafeTensors.write(f, List.of(new SafeTensors.Tensor("rnn.weight_ih_l0", "F32", new int[] {3, 2}, new double[6]),
                new SafeTensors.Tensor("fc.weight", "F32", new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6})), Map.of("format", "pt"));
        StoreModel m = new StoreModel(SHAPES, false);
        Checkpoint.Loaded loaded = Checkpoint.load(f, m, Checkpoint.Match.MODEL);
        assertEquals(f + " has no rnnc metadata (not written by rnnc, e.g. a PyTorch state_dict): loaded by names and shapes only",
                loaded.note());
        assertEquals(null, loaded.writtenBy());
        assertEquals(Optional.empty(), loaded.position());
        assertEquals(6.0, m.parameters().copyOut("fc.weight")[5]);
        // A checkpoint of this very model has nothing to note.
        Path own = dir.resolve("own.safetensors");
        Checkpoint.save(own, m, new Checkpoint.Position(1, 1, 1, 1));
        assertEquals(null, Checkpoint.load(own, m, Checkpoint.Match.MODEL).note());
        assertEquals(null, Checkpoint.load(own, m, Checkpoint.Match.SHAPES).note());
    }

    @Test
    void aCheckpointFromBeforeSpecHashesIsCheckedByNameAndSaysSo() {
        // What rnnc wrote before it recorded spec hashes: format, model and precision only.
        Path f = dir.resolve("old.safetensors");
        List<SafeTensors.Tensor> ts = List.of(new SafeTensors.Tensor("rnn.weight_ih_l0", "F32", new int[] {3, 2}, new double[6]),
                new SafeTensors.Tensor("fc.weight", "F32", new int[] {2, 3}, new double[] {1, 1, 1, 1, 1, 1}));
        SafeTensors.write(f, ts, Map.of("format", "pt", "rnnc.model", "StoreModel", "rnnc.precision", "float32"));
        StoreModel m = new StoreModel(SHAPES, false);
        assertEquals(f + " was written by an rnnc that did not record spec hashes: checked by model name, names and shapes",
                Checkpoint.load(f, m, Checkpoint.Match.MODEL).note());
        assertEquals(1.0, m.parameters().copyOut("fc.weight")[0]);
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, new StoreModel("Other", SHAPES, false)));
        assertTrue(e.getMessage().contains("\n  model: the file was written by model StoreModel, not by Other (spec hash "), e.getMessage());
    }

    @Test
    void nonFiniteWeightsAreRefusedWithTheTensorAndTheFirstBadIndex() throws IOException {
        StoreModel m = new StoreModel(SHAPES, true);
        Path f = dir.resolve("nan.safetensors");
        double[] w = {1, 2, 3, 4, 5, 6};
        w[4] = Double.NaN;
        w[5] = Double.NEGATIVE_INFINITY;
        double[] moment = new double[6];
        moment[1] = Double.POSITIVE_INFINITY;
        SafeTensors.write(f, List.of(new SafeTensors.Tensor("rnn.weight_ih_l0", "F64", new int[] {3, 2}, new double[6]),
                new SafeTensors.Tensor("fc.weight", "F64", new int[] {2, 3}, w),
                new SafeTensors.Tensor("optimizer.exp_avg.rnn.weight_ih_l0", "F64", new int[] {3, 2}, moment),
                new SafeTensors.Tensor("optimizer.exp_avg.fc.weight", "F64", new int[] {2, 3}, new double[6])),
                Map.of("rnnc.optimizer", "adam", "rnnc.optimizer.step", "1"));
        byte[] bytes = Files.readAllBytes(f);
        m.parameters().set(0, 0.5);
        RnncIoException e = assertThrows(RnncIoException.class, () -> Checkpoint.load(f, m, Checkpoint.Match.SHAPES));
        assertEquals(f + " does not fit model StoreModel (2 problems):\n"
                + "  fc.weight: NaN at [1, 1] (element 4 of 6) and 1 more non-finite value; weights must be finite\n"
                + "  optimizer.exp_avg.rnn.weight_ih_l0: Infinity at [0, 1] (element 1 of 6); weights must be finite", e.getMessage());
        assertEquals(0.5, m.parameters().get(0), "nothing loaded");
        assertEquals(0, m.changed);
        assertArrayEquals(bytes, Files.readAllBytes(f));

        // A float64 value beyond float32's range would become infinite in a float32 model.
        Path big = dir.resolve("big.safetensors");
        SafeTensors.write(big, List.of(new SafeTensors.Tensor("rnn.weight_ih_l0", "F64", new int[] {3, 2}, new double[] {0, 0, 0, 0, 0, 1e300}),
                new SafeTensors.Tensor("fc.weight", "F64", new int[] {2, 3}, new double[6])), Map.of());
        e = assertThrows(RnncIoException.class, () -> Checkpoint.load(big, new StoreModel(SHAPES, false)));
        assertTrue(e.getMessage().endsWith("\n  rnn.weight_ih_l0: 1.0E300 overflows float32 at [2, 1] (element 5 of 6); weights must be finite"),
                e.getMessage());
        Checkpoint.load(big, new StoreModel(SHAPES, true)); // fine in float64
    }

    @Test
    void theSameStateGivesTheSameBytesWhateverTheMapOrder() throws IOException {
        SoftmaxModel a = trained(1, 3);
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new LinkedHashMap<>();
        List<String> keys = List.of("train_loss", "validation_accuracy", "validation_loss", "a", "z");
        for (int k = 0; k < keys.size(); k++) {
            forward.put(keys.get(k), "v" + k);
        }
        for (int k = keys.size() - 1; k >= 0; k--) {
            backward.put(keys.get(k), "v" + k);
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("vocabulary", "abc");
        data.put("format", "text");
        Map<String, String> dataBackward = new LinkedHashMap<>();
        dataBackward.put("format", "text");
        dataBackward.put("vocabulary", "abc");
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        Checkpoint.save(one, a, new Checkpoint.Position(1, 3, 9, 8, forward), data);
        byte[] first = Files.readAllBytes(one);
        Checkpoint.save(one, a, new Checkpoint.Position(1, 3, 9, 8, forward), data);
        assertArrayEquals(first, Files.readAllBytes(one), "saved twice");
        Checkpoint.save(two, a, new Checkpoint.Position(1, 3, 9, 8, backward), dataBackward);
        assertArrayEquals(first, Files.readAllBytes(two), "other map orders");
        Checkpoint.save(two, a, new Checkpoint.Position(1, 3, 9, 8, Map.copyOf(forward)), Map.copyOf(data));
        assertArrayEquals(first, Files.readAllBytes(two), "Map.of order (differs from run to run)");
    }

    @Test
    void dataMetadataIsSavedUnderItsPrefixAndReadBackAsAMap() {
        SoftmaxModel a = trained(1, 1);
        Path f = dir.resolve("data.safetensors");
        Checkpoint.save(f, a, new Checkpoint.Position(1, 1, 0, 8), Map.of("vocabulary", "[\"a\",\"b\"]", "format", "text"));
        assertEquals("text", SafeTensors.read(f).metadata().get(Checkpoint.DATA_PREFIX + "format"));
        Checkpoint.Loaded loaded = Checkpoint.load(f, trained(2, 0), Checkpoint.Match.MODEL);
        assertEquals(Map.of("format", "text", "vocabulary", "[\"a\",\"b\"]"), loaded.data());
        assertEquals(List.of("format", "vocabulary"), new ArrayList<>(loaded.data().keySet()));
        assertTrue(loaded.position().orElseThrow().extra().isEmpty(), "data keys are not position extras");

        Path p = dir.resolve("params.safetensors");
        Checkpoint.saveParameters(p, a, Map.of("normalisation", "mean=0.5 std=2"));
        assertEquals(Map.of("normalisation", "mean=0.5 std=2"), Checkpoint.load(p, trained(2, 0), Checkpoint.Match.MODEL).data());
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.saveParameters(p, a, Map.of("", "v")));
    }

    @Test
    void checkReportsWithoutLoading() {
        SoftmaxModel a = trained(1, 2);
        Path f = dir.resolve("ck.safetensors");
        Checkpoint.save(f, a, new Checkpoint.Position(4, 2, 6, 8));
        SoftmaxModel b = trained(2, 0);
        double before = b.parameters().get(0);
        Checkpoint.Loaded l = Checkpoint.check(f.toString(), SafeTensors.read(f), b, Checkpoint.Match.MODEL);
        assertEquals(new Checkpoint.Position(4, 2, 6, 8), l.position().orElseThrow());
        assertEquals(new Checkpoint.Position(4, 2, 6, 8), Checkpoint.position(f).orElseThrow());
        assertEquals(before, b.parameters().get(0));
    }

    /** A model that is only its stores, to check names and shapes; optimizer "adam" with one slot for brevity. */
    static final class StoreModel implements RnnModel {
        private final ModelInfo info;
        private final TensorStore params;
        private final OptimizerState opt;
        int changed;

        StoreModel(List<TensorInfo> shapes, boolean f64) {
            this("StoreModel", shapes, f64);
        }

        StoreModel(String name, List<TensorInfo> shapes, boolean f64) {
            List<TensorInfo> laid = new ArrayList<>();
            int at = 0;
            for (TensorInfo t : shapes) {
                laid.add(new TensorInfo(t.name(), t.shape(), at));
                at += t.size();
            }
            this.info = new ModelInfo(name, "many_to_one", "features", 1, 0, 1, 1, 1, List.of(), List.of(), "linear",
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
