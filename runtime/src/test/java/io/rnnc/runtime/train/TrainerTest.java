package io.rnnc.runtime.train;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.data.SampleLayout;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    static Dataset train;
    static Dataset validation;

    @TempDir
    Path dir;

    /** Real MNIST: 200 training and 100 held-out images from the shipped test set. */
    @BeforeAll
    static void data() {
        Mnist.MnistDataset t10k = Mnist.loadDirectory(Path.of("../samples/mnist/data"), false);
        int[] trainIdx = new int[200];
        Arrays.setAll(trainIdx, i -> i);
        int[] valIdx = new int[100];
        Arrays.setAll(valIdx, i -> 200 + i);
        train = Datasets.subset(t10k, trainIdx);
        validation = Datasets.subset(t10k, valIdx);
    }

    static SoftmaxModel model(long seed) {
        SoftmaxModel m = new SoftmaxModel(28, 28, 10, 32, 0.01);
        m.initialize(seed);
        return m;
    }

    /** Records every event. */
    static class Recorder implements TrainingListener {
        final List<Start> starts = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();
        final List<EpochEnd> epochs = new ArrayList<>();
        final List<Stopped> stops = new ArrayList<>();

        @Override
        public void started(Start e) {
            starts.add(e);
        }

        @Override
        public void step(Step e) {
            steps.add(e);
        }

        @Override
        public void epochEnded(EpochEnd e) {
            epochs.add(e);
        }

        @Override
        public void stopped(Stopped e) {
            stops.add(e);
        }
    }

    @Test
    void aResumedRunContinuesExactlyAsTheUninterruptedOne() throws IOException {
        Path full = dir.resolve("full.safetensors");
        Recorder a = new Recorder();
        SoftmaxModel ma = model(11);
        Trainer.Result ra = new Trainer(ma, train, validation, new Trainer.Options(4, 24, 5, full), a).run();
        assertTrue(ra.completed());
        assertEquals(4 * 9, a.steps.size(), "200 samples in batches of 24: 8 full and one of 8, per epoch");

        Path half = dir.resolve("half.safetensors");
        new Trainer(model(11), train, validation, new Trainer.Options(2, 24, 5, half), null).run();
        Recorder c = new Recorder();
        SoftmaxModel mc = model(12345); // different weights, all replaced by the checkpoint
        // Another seed or batch size in the options is refused, not silently replaced by the saved run's,
        // and nothing is loaded.
        double before = mc.parameters().get(0);
        for (Trainer.Options other : List.of(new Trainer.Options(4, 32, 5, half), new Trainer.Options(4, 24, 99, half))) {
            RnncIoException e = assertThrows(RnncIoException.class, () -> new Trainer(mc, train, validation, other, c).resume(half));
            assertEquals(half + " was saved by a run with batch 24 and seed 5, but this trainer is set for batch "
                    + other.batchSize() + " and seed " + other.seed() + "; a resumed run keeps its batch and seed to continue exactly",
                    e.getMessage());
        }
        assertEquals(before, mc.parameters().get(0));
        assertTrue(c.starts.isEmpty());
        Checkpoint.Position saved = Checkpoint.position(half).orElseThrow();
        Trainer.Result rc = new Trainer(mc, train, validation, new Trainer.Options(4, saved.batchSize(), saved.seed(), half), c)
                .resume(half);
        assertEquals(3, c.starts.get(0).firstEpoch());
        assertEquals(half, c.starts.get(0).resumedFrom());
        assertEquals(2, rc.epochs().size());
        assertEquals(2 * 9, c.steps.size());
        for (int i = 0; i < c.steps.size(); i++) {
            TrainingListener.Step x = a.steps.get(18 + i);
            TrainingListener.Step y = c.steps.get(i);
            assertEquals(x.epoch(), y.epoch());
            assertEquals(x.globalStep(), y.globalStep());
            assertEquals(Double.doubleToRawLongBits(x.loss()), Double.doubleToRawLongBits(y.loss()), "step " + x.globalStep());
        }
        for (int e = 0; e < 2; e++) {
            assertEquals(a.epochs.get(2 + e).trainLoss(), c.epochs.get(e).trainLoss());
            assertEquals(a.epochs.get(2 + e).validationLoss(), c.epochs.get(e).validationLoss());
        }
        assertArrayEquals(((DoubleTensorStore) ma.parameters()).data, ((DoubleTensorStore) mc.parameters()).data);
        assertEquals(ma.optimizerState().step(), mc.optimizerState().step());
        assertArrayEquals(Files.readAllBytes(full), Files.readAllBytes(half), "final checkpoints byte-identical");
    }

    @Test
    void aCheckpointPathThatCannotBeWrittenIsRefusedBeforeTraining() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("ck.safetensors"));
        Recorder r = new Recorder();
        SoftmaxModel m = model(1);
        double before = m.parameters().get(0);
        RnncIoException e = assertThrows(RnncIoException.class,
                () -> new Trainer(m, train, null, new Trainer.Options(1, 24, 5, sub), r).run());
        assertEquals("cannot write " + sub + ": it is a directory", e.getMessage());
        assertTrue(r.starts.isEmpty() && r.steps.isEmpty());
        assertEquals(before, m.parameters().get(0));
        Path missing = dir.resolve("no/such/dir/ck.safetensors");
        e = assertThrows(RnncIoException.class, () -> new Trainer(m, train, null, new Trainer.Options(1, 24, 5, missing), r));
        assertEquals("cannot write " + missing + ": directory " + missing.getParent() + " does not exist", e.getMessage());
    }

    @Test
    void checkpointDataIsWrittenIntoEveryCheckpoint() {
        Path ck = dir.resolve("data.safetensors");
        new Trainer(model(1), train, null, new Trainer.Options(1, 24, 5, ck, java.util.Map.of("format", "idx")), null).run();
        assertEquals(java.util.Map.of("format", "idx"), Checkpoint.load(ck, model(2), Checkpoint.Match.MODEL).data());
    }

    @Test
    void withoutTheOptimizerStateTheResumeWouldDiffer() {
        // The test above can fail: loading the parameters alone (fresh Adam) gives other losses.
        Path half = dir.resolve("half.safetensors");
        SoftmaxModel m = model(11);
        new Trainer(m, train, null, new Trainer.Options(2, 24, 5, half), null).run();
        Recorder a = new Recorder();
        new Trainer(m, train, null, new Trainer.Options(3, 24, 5, null), a).resume(half);
        Path params = dir.resolve("params.safetensors");
        Checkpoint.saveParameters(params, m);
        SoftmaxModel fresh = model(1);
        Checkpoint.Position at = Checkpoint.load(half, fresh).orElseThrow();
        fresh.optimizerState().reset();
        Path noMoments = dir.resolve("no-moments.safetensors");
        Checkpoint.save(noMoments, fresh, at);
        Recorder b = new Recorder();
        Trainer t = new Trainer(model(1), train, null, new Trainer.Options(3, 24, 5, null), b);
        t.resume(noMoments);
        assertEquals(a.steps.get(0).loss(), b.steps.get(0).loss(), "same parameters, same first batch");
        assertTrue(a.steps.get(1).loss() != b.steps.get(1).loss(), "the Adam moments change the second step");
        RnncIoException e = assertThrows(RnncIoException.class, () -> t.resume(params));
        assertEquals(params + " holds parameters only, no training position to resume from; use it as initial weights", e.getMessage());
    }

    @Test
    void learnsRealDigitsAndReportsProgress() {
        Mnist.MnistDataset t10k = Mnist.loadDirectory(Path.of("../samples/mnist/data"), false);
        Dataset bigTrain = Datasets.head(t10k, 1000);
        int[] held = new int[500];
        Arrays.setAll(held, i -> 1000 + i);
        Recorder r = new Recorder();
        SoftmaxModel m = model(3);
        Evaluation before = Evaluation.of(m, Datasets.subset(t10k, held));
        Trainer.Result result = new Trainer(m, bigTrain, Datasets.subset(t10k, held), new Trainer.Options(3, 32, 1, null), r).run();
        TrainingListener.EpochEnd last = result.last();
        assertTrue(before.accuracy() < 0.3, "untrained: " + before.accuracy());
        assertTrue(last.validationAccuracy() > 0.8, "held-out accuracy after 3 epochs: " + last.validationAccuracy());
        assertTrue(r.epochs.get(2).trainLoss() < r.epochs.get(0).trainLoss());
        assertNull(last.checkpoint());
        assertEquals(3 * 32, r.steps.size()); // 1000 / 32 -> 31 full batches and one of 8
        TrainingListener.Step lastStep = r.steps.get(r.steps.size() - 1);
        assertEquals(0.0, lastStep.etaSeconds());
        assertTrue(r.steps.get(0).etaSeconds() > 0 && r.steps.get(0).samplesPerSecond() > 0);
        assertEquals(new TrainingListener.Start(1, 3, 32, 32, 1000, 500, 1, null), r.starts.get(0));
    }

    /** Writes NaN into the features of one sample once {@code poisoned} is set. */
    static final class Poisonable implements Dataset {
        final Dataset data;
        final int victim;
        boolean poisoned;

        Poisonable(Dataset data, int victim) {
            this.data = data;
            this.victim = victim;
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public SampleLayout layout() {
            return data.layout();
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            data.fill(index, batch, slot);
            if (poisoned && index == victim) {
                batch.features[slot * 784 + 300] = Double.NaN;
            }
        }
    }

    @Test
    void nanGuardStopsAtTheStepAndKeepsTheLastGoodCheckpoint() throws IOException {
        Poisonable data = new Poisonable(train, 77);
        Path ck = dir.resolve("guarded.safetensors");
        byte[][] afterEpoch1 = new byte[1][];
        Recorder r = new Recorder() {
            @Override
            public void epochEnded(EpochEnd e) {
                super.epochEnded(e);
                try {
                    afterEpoch1[0] = Files.readAllBytes(ck);
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
                data.poisoned = true;
            }
        };
        SoftmaxModel m = model(4);
        Trainer.Result result = new Trainer(m, data, validation, new Trainer.Options(5, 24, 8, ck), r).run();
        // Where sample 77 falls in epoch 2's order decides the step.
        Batches order = new Batches(train, 24, true, 8);
        order.startEpoch(1);
        int position = 0;
        while (order.index(position) != 77) {
            position++;
        }
        int step = position / 24 + 1;
        TrainingListener.Stopped stop = result.stopped();
        assertEquals(new TrainingListener.Stopped(2, step, 9 + step, "loss is NaN", ck, 1), stop);
        assertEquals(List.of(stop), r.stops);
        assertEquals(1, result.epochs().size());
        assertEquals(9 + step - 1, r.steps.size());
        assertEquals("loss is NaN at epoch 2, step " + step + " (step " + (9 + step) + " overall); last good checkpoint: " + ck
                + " (epoch 1), left unchanged", stop.message());
        assertArrayEquals(afterEpoch1[0], Files.readAllBytes(ck));
        assertTrue(Double.isFinite(((DoubleTensorStore) m.parameters()).data[0]), "the bad step was not applied");
    }

    @Test
    void dataThatDoesNotFitTheModelIsRefusedBeforeTraining() {
        SoftmaxModel wrong = new SoftmaxModel(28, 14, 10, 32, 0.01);
        RnncIoException e = assertThrows(RnncIoException.class,
                () -> new Trainer(wrong, train, validation, new Trainer.Options(1, 16, 1, null), null));
        assertTrue(e.getMessage().contains("the data gives features [28, 28], the model expects 392 features (28 steps of 14)"), e.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(model(1), train, null, new Trainer.Options(1, 33, 1, null), null));
        assertEquals("batch size 33 is larger than model SoftmaxModel allows (32)", big.getMessage());
    }
}
