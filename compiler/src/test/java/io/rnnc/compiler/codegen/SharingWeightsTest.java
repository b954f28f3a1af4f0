package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.state.RnnState;
import io.rnnc.runtime.state.StatefulModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A generated class's {@code sharingWeights()}: a model with its own buffers that reads the source's parameters
 * and packed weights in place gives the source's outputs bit for bit, follows the source's training (it never
 * packs anything itself, so a stale or separate packed copy would fail), and refuses to change the weights.
 */
class SharingWeightsTest {

    private static List<Model> models() {
        return List.of(SampleSpecs.seedModel(), SampleSpecs.mnistLstm(), SampleSpecs.charLstm(), SampleSpecs.spell2Sound(),
                SampleSpecs.digitDrawer(), SampleSpecs.xor(),
                TestModels.builder("SharedBidiF64").features(3).steps(5).bidirectional(CellType.GRU, 6).layer(CellType.LSTM, 5)
                        .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).precision(Precision.FLOAT64).batch(6).build(),
                TestModels.builder("SharedStateful").mode(SequenceMode.MANY_TO_MANY).features(2).steps(4)
                        .layer(CellType.LSTM, 7).head(2, HeadActivation.TANH, LossKind.MSE).stateful().batch(5).build());
    }

    private static double[] outputs(RnnModel m, Batch b) {
        m.forward(b);
        ModelInfo info = m.info();
        double[] out = new double[info.maxBatch() * info.logitsPerSample()];
        m.copyOutputs(out);
        return out;
    }

    private static double[] finalStates(RnnModel m) {
        ModelInfo info = m.info();
        int per = info.hidden().stream().mapToInt(Integer::intValue).sum() * info.maxBatch();
        double[] h = new double[per];
        double[] c = new double[per];
        m.copyFinalStates(h, c);
        double[] both = Arrays.copyOf(h, 2 * per);
        System.arraycopy(c, 0, both, per, per);
        return both;
    }

    @Test
    void aSiblingComputesTheSourcesBitsFromTheSameArraysAndFollowsItsTraining() {
        for (Model model : models()) {
            String name = model.name();
            ChunkedModel source = (ChunkedModel) TestModels.instantiate(model);
            int n = Math.min(model.batch(), 9);
            source.trainStep(GradCheck.randomBatch(source.info(), n, 1));
            ChunkedModel sibling = source.sharingWeights();
            assertTrue(sibling.sharesWeights(), name);
            assertTrue(sibling.parameters().sharesDataWith(source.parameters()), name + ": one parameter array");
            sibling.setThreads(2);
            source.setThreads(1);

            Batch b = GradCheck.randomBatch(source.info(), n, 2);
            assertArrayEquals(outputs(source, b), outputs(sibling, b), name + ": outputs");
            assertArrayEquals(finalStates(source), finalStates(sibling), name + ": final states");
            assertEquals(source.evaluate(b), sibling.evaluate(b), name + ": loss");

            // The source trains and repacks; the sibling, which never packs, computes with the new weights
            double[] before = outputs(sibling, b);
            source.trainStep(GradCheck.randomBatch(source.info(), n, 3));
            double[] after = outputs(sibling, b);
            assertFalse(Arrays.equals(before, after), name + ": the sibling should see the new weights");
            assertArrayEquals(outputs(source, b), after, name + ": outputs after the source's step");

            // Siblings for small batches: buffers of 1 and 3 rows, the same bits for those rows
            for (int rows : new int[] {1, 3}) {
                ChunkedModel small = source.sharingWeights(rows);
                Batch few = GradCheck.randomBatch(source.info(), rows, 4 + rows);
                if (source.acceptsLengths() && rows == 3) {
                    few.setLength(1, 1); // a short row among full ones
                }
                assertArrayEquals(outputs(source, few), outputs(small, few), name + ": outputs of " + rows + " rows");
                assertArrayEquals(finalStates(source), finalStates(small), name + ": final states of " + rows + " rows");
            }

            IllegalStateException x = assertThrows(IllegalStateException.class, () -> sibling.trainStep(b), name);
            assertTrue(x.getMessage().contains("shares the weights"), x.getMessage());
            assertThrows(IllegalStateException.class, () -> sibling.parameters().copyFrom(source.parameters()), name);
            assertThrows(IllegalStateException.class, sibling::parametersChanged, name);
        }
    }

    @Test
    void siblingsGenerateAndStepAsTheirSource() {
        ChunkedModel lm = (ChunkedModel) TestModels.instantiate(SampleSpecs.charLstm());
        lm.trainStep(GradCheck.randomBatch(lm.info(), 4, 5));
        SequenceGenerator a = (SequenceGenerator) lm;
        SequenceGenerator b = (SequenceGenerator) lm.sharingWeights();
        int[] x = new int[30];
        int[] y = new int[30];
        int[] prompt = {1, 2, 3};
        assertEquals(a.generate(prompt, null, 0.9, new io.rnnc.runtime.init.Rng(7), -1, x),
                b.generate(prompt, null, 0.9, new io.rnnc.runtime.init.Rng(7), -1, y));
        assertArrayEquals(x, y);

        ChunkedModel s2s = (ChunkedModel) TestModels.instantiate(SampleSpecs.spell2Sound());
        s2s.trainStep(GradCheck.randomBatch(s2s.info(), 4, 6));
        int[] src = {3, 4, 5, 6};
        int[] p = new int[s2s.info().outputSteps()];
        int[] q = new int[p.length];
        assertEquals(((SequenceGenerator) s2s).beamSearch(src, null, 3, -1, p),
                ((SequenceGenerator) s2s.sharingWeights()).beamSearch(src, null, 3, -1, q));
        assertArrayEquals(p, q);

        ChunkedModel seed = (ChunkedModel) TestModels.instantiate(SampleSpecs.seedModel());
        StatefulModel one = (StatefulModel) seed;
        StatefulModel two = (StatefulModel) seed.sharingWeights();
        RnnState s1 = one.newState(1);
        RnnState s2 = two.newState(1);
        double[] o1 = new double[seed.info().outputs()];
        double[] o2 = new double[o1.length];
        double[] obs = new double[seed.info().inputSize()];
        for (int t = 0; t < 5; t++) {
            Arrays.fill(obs, 0.1 * t - 0.2);
            one.step(null, obs, 1, s1, o1);
            two.step(null, obs, 1, s2, o2);
            assertArrayEquals(o1, o2);
        }
        StatefulModel small = (StatefulModel) seed.sharingWeights(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small.step(null, new double[2 * obs.length], 2, one.newState(2), new double[2 * o1.length]));
        assertTrue(e.getMessage().startsWith("rows must be 1..1 (B = 64"), e.getMessage());
    }
}
