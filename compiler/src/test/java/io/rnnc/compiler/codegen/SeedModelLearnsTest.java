package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.train.Evaluation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The seed model, parsed from the shipped spec, generated and compiled, learns real MNIST: on the
 * first 2,000 training images its training loss falls well below ln 10 (chance) within 300 steps.
 */
class SeedModelLearnsTest {

    private static final Path SPEC = Path.of("../samples/mnist/mnist_rnn.rnn");
    private static final Path DATA = Path.of("../samples/mnist/data");

    @Test
    void seedModelLearnsRealMnist() {
        ParseResult parsed = Rnnc.parse(SPEC);
        assertFalse(parsed.hasErrors(), parsed::render);
        assertEquals(1, parsed.models().size());
        RnnModel net = TestModels.instantiate(parsed.models().get(0));

        Dataset train = Datasets.head(Mnist.loadDirectory(DATA, true), 2000);
        Dataset heldOut = Datasets.head(Mnist.loadDirectory(DATA, false), 500);
        Batches batches = new Batches(train, 64, true, 7);
        Batch batch = Batch.forModel(net.info(), 64);

        int steps = 0;
        double firstLosses = 0;
        double lastLosses = 0;
        for (int epoch = 0; steps < 300; epoch++) {
            batches.startEpoch(epoch);
            for (int b = 0; b < batches.count() && steps < 300; b++, steps++) {
                batches.fill(b, batch);
                double loss = net.trainStep(batch);
                assertTrue(Double.isFinite(loss), "loss at step " + steps + " is " + loss);
                if (steps < 20) {
                    firstLosses += loss / 20;
                }
                if (steps >= 250) {
                    lastLosses += loss / 50;
                }
            }
        }
        Evaluation eval = Evaluation.of(net, heldOut);
        System.out.printf("SEED MODEL on 2,000 real MNIST images: mean loss %.3f over steps 0-19, %.3f over steps"
                + " 250-299; held-out accuracy %.1f%% on 500 test images%n", firstLosses, lastLosses,
                100 * eval.accuracy());
        assertTrue(firstLosses > 2.0, "an untrained model should start near ln 10 = 2.30, was " + firstLosses);
        assertTrue(lastLosses < 1.2, "training loss should fall well below ln 10 = 2.30, was " + lastLosses);
        assertTrue(eval.accuracy() > 0.55, "held-out accuracy " + eval.accuracy());
    }
}
