package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import org.junit.jupiter.api.Test;

/** Same model, same bytes; same seed, same training run. */
class DeterminismTest {

    @Test
    void generatingTwiceGivesIdenticalSource() {
        for (var m : java.util.List.of(SampleSpecs.seedModel(), SampleSpecs.charLstm(), SampleSpecs.spell2Sound())) {
            assertEquals(CodeGenerator.generate(m).source(), CodeGenerator.generate(m).source());
        }
        // the generated source actually depends on the model
        assertNotEquals(CodeGenerator.generate(SampleSpecs.seedModel()).source(),
                CodeGenerator.generate(SampleSpecs.charLstm()).source());
    }

    @Test
    void twoRunsWithOneSeedGiveIdenticalLosses() {
        double[] a = run();
        double[] b = run();
        assertArrayEquals(a, b);
        assertNotEquals(a[0], a[a.length - 1], "the loss should move while training");
    }

    @Test
    void initializeIsSeededAndWithinPyTorchBounds() {
        RnnModel a = TestModels.instantiate(SampleSpecs.seedModel());
        RnnModel b = TestModels.instantiate(SampleSpecs.seedModel());
        a.initialize(7);
        b.initialize(7);
        double[] wa = a.parameters().copyOut("rnn.weight_hh_l1");
        assertArrayEquals(wa, b.parameters().copyOut("rnn.weight_hh_l1"));
        double bound = 1 / Math.sqrt(100);
        double max = 0;
        for (double v : wa) {
            max = Math.max(max, Math.abs(v));
        }
        org.junit.jupiter.api.Assertions.assertTrue(max <= bound && max > 0.9 * bound, "max |w| " + max);
        b.initialize(8);
        assertNotEquals(wa[0], b.parameters().copyOut("rnn.weight_hh_l1")[0]);
    }

    private static double[] run() {
        RnnModel net = TestModels.instantiate(SampleSpecs.seedModel());
        double[] losses = new double[8];
        for (int i = 0; i < losses.length; i++) {
            Batch batch = GradCheck.randomBatch(net.info(), 64, 1000 + i % 2);
            losses[i] = net.trainStep(batch);
        }
        return losses;
    }
}
