package io.rnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.io.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --patience and the keep-best file: a model that stops improving stops, and the best epoch is kept. */
class TrainerEarlyStoppingTest {

    static Dataset train;
    static Dataset validation;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        Mnist.MnistDataset t10k = Mnist.loadDirectory(Path.of("../samples/mnist/data"), false);
        int[] a = new int[64];
        Arrays.setAll(a, i -> i);
        int[] b = new int[32];
        Arrays.setAll(b, i -> 64 + i);
        train = Datasets.subset(t10k, a);
        validation = Datasets.subset(t10k, b);
    }

    @Test
    void aRunThatStopsImprovingStopsAfterPatienceEpochsAndKeepsTheBest() {
        // lr 0: the weights never change, so epoch 1 is the best and every later epoch only ties it
        SoftmaxModel m = new SoftmaxModel(28, 28, 10, 32, 0);
        m.initialize(1);
        Path ck = dir.resolve("run.safetensors");
        Path best = dir.resolve("best.safetensors");
        Trainer.Options o = new Trainer.Options(10, 16, 3, ck).withEarlyStopping(2, best)
                .withMetrics(Metrics.Task.CLASSIFICATION, null);
        Trainer.Result r = new Trainer(m, train, validation, o, null).run();
        assertTrue(r.completed());
        assertTrue(r.stoppedEarly());
        assertEquals(3, r.epochs().size(), "epoch 1 best, then 2 epochs without a better loss");
        assertEquals(1, r.bestEpoch());
        assertTrue(r.epochs().get(0).best());
        assertFalse(r.epochs().get(2).best());
        assertTrue(r.last().metrics().containsKey("macro_f1"), r.last().metrics().toString());
        assertTrue(Files.isRegularFile(best));
        Checkpoint.Position kept = Checkpoint.position(best).orElseThrow();
        assertEquals(1, kept.epoch(), "the keep-best file holds epoch 1");
        Checkpoint.Position last = Checkpoint.position(ck).orElseThrow();
        assertEquals(3, last.epoch());
        List<Map<String, Double>> history = Trainer.history(last);
        assertEquals(3, history.size());
        assertEquals(r.epochs().get(1).validationLoss(), history.get(1).get("validation_loss"));
        assertEquals(r.epochs().get(2).metrics().get("accuracy"), history.get(2).get("accuracy"));
    }
}
