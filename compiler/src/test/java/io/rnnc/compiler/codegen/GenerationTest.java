package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The generation API agrees with the training forward pass, and its search and sampling behave. */
class GenerationTest {

    static RnnModel seq2seq(CellType cell) {
        return TestModels.instantiate(TestModels.builder("S2s" + cell.fixtureName().replace("_", ""))
                .mode(SequenceMode.SEQ2SEQ).encoder(InputSpec.embedded(7, 4, SourcePos.NONE), 5).embedded(6, 3).steps(5)
                .layer(cell, 8).layer(cell, 6).head(6, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(4).seed(5)
                .build());
    }

    static int argmax(double[] a, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (a[off + j] > a[off + best]) {
                best = j;
            }
        }
        return best;
    }

    @Test
    void seq2seqGreedyMatchesTeacherForcedForwardForEveryCell() {
        int compared = 0;
        for (CellType cell : CellType.values()) {
            RnnModel net = seq2seq(cell);
            SequenceGenerator gen = (SequenceGenerator) net;
            Rng rng = new Rng(3);
            for (int trial = 0; trial < 8; trial++) {
                int[] src = new int[5];
                for (int t = 0; t < 5; t++) {
                    src[t] = rng.nextInt(7);
                }
                int[] greedy = new int[5];
                assertEquals(5, gen.generate(src, null, 0, null, SequenceGenerator.NO_END_TOKEN, greedy));
                // teacher-force the greedy output: each step's arg-max must reproduce it
                Batch b = Batch.forModel(net.info(), 1);
                System.arraycopy(src, 0, b.tokens, 0, 5);
                for (int t = 0; t < 5; t++) {
                    b.classes[t] = Math.max(1, greedy[t]); // targets only feed later steps' inputs
                }
                if (Arrays.stream(greedy).anyMatch(v -> v == 0)) {
                    continue; // id 0 is the start token; it cannot be fed back as a target
                }
                net.forward(b);
                double[] logits = new double[5 * 6];
                net.copyLogits(logits);
                for (int t = 0; t < 5; t++) {
                    assertEquals(greedy[t], argmax(logits, t * 6, 6), cell + " step " + t);
                }
                compared++;
            }
        }
        assertTrue(compared >= 8, "only " + compared + " outputs could be teacher-forced");
    }

    @Test
    void beamWidthOneEqualsGreedy() {
        for (CellType cell : CellType.values()) {
            RnnModel net = seq2seq(cell);
            SequenceGenerator gen = (SequenceGenerator) net;
            Rng rng = new Rng(11);
            for (int trial = 0; trial < 10; trial++) {
                int[] src = new int[5];
                for (int t = 0; t < 5; t++) {
                    src[t] = rng.nextInt(7);
                }
                int end = trial % 2 == 0 ? SequenceGenerator.NO_END_TOKEN : 1 + trial % 5;
                int[] greedy = new int[5];
                int[] beam = new int[5];
                int ng = gen.generate(src, null, 0, null, end, greedy);
                int nb = gen.beamSearch(src, null, 1, end, beam);
                assertEquals(ng, nb, cell + " trial " + trial);
                assertArrayEquals(Arrays.copyOf(greedy, ng), Arrays.copyOf(beam, nb), cell + " trial " + trial);
            }
        }
    }

    @Test
    void widerBeamsNeverScoreWorseThanGreedy() {
        RnnModel net = seq2seq(CellType.LSTM);
        SequenceGenerator gen = (SequenceGenerator) net;
        Rng rng = new Rng(12);
        for (int trial = 0; trial < 10; trial++) {
            int[] src = new int[5];
            for (int t = 0; t < 5; t++) {
                src[t] = rng.nextInt(7);
            }
            int[] greedy = new int[5];
            int[] beam = new int[5];
            gen.generate(src, null, 0, null, SequenceGenerator.NO_END_TOKEN, greedy);
            gen.beamSearch(src, null, 4, SequenceGenerator.NO_END_TOKEN, beam);
            assertTrue(logProb(net, src, beam) >= logProb(net, src, greedy) - 1e-9, "trial " + trial);
        }
    }

    /** Summed log-probability of a full-length output under teacher forcing (ids must be >= 1 to feed back). */
    private static double logProb(RnnModel net, int[] src, int[] out) {
        Batch b = Batch.forModel(net.info(), 1);
        System.arraycopy(src, 0, b.tokens, 0, 5);
        for (int t = 0; t < 5; t++) {
            b.classes[t] = Math.max(1, out[t]);
        }
        if (Arrays.stream(out).anyMatch(v -> v == 0)) {
            return Double.NaN; // cannot be scored by teacher forcing; NaN makes >= false only if it happens
        }
        return -5 * net.evaluate(b);
    }

    @Test
    void temperatureToZeroIsArgmaxAndSamplingIsSeeded() {
        RnnModel net = TestModels.instantiate(TestModels.builder("Lm").mode(SequenceMode.MANY_TO_MANY).embedded(9, 4)
                .steps(6).layer(CellType.GRU, 12).head(9, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(2)
                .seed(8).build());
        SequenceGenerator gen = (SequenceGenerator) net;
        int[] prompt = {3, 1, 4, 1, 5, 2};
        int[] greedy = new int[20];
        int[] cold = new int[20];
        gen.generate(prompt, null, 0, null, SequenceGenerator.NO_END_TOKEN, greedy);
        gen.generate(prompt, null, 1e-6, new Rng(1), SequenceGenerator.NO_END_TOKEN, cold);
        assertArrayEquals(greedy, cold);
        int[] a = new int[40];
        int[] b = new int[40];
        int[] c = new int[40];
        gen.generate(prompt, null, 1.0, new Rng(99), SequenceGenerator.NO_END_TOKEN, a);
        gen.generate(prompt, null, 1.0, new Rng(99), SequenceGenerator.NO_END_TOKEN, b);
        gen.generate(prompt, null, 1.0, new Rng(100), SequenceGenerator.NO_END_TOKEN, c);
        assertArrayEquals(a, b, "same seed, same text");
        assertTrue(!Arrays.equals(a, c), "another seed samples another text");
        // priming agrees with the training forward pass: the first greedy token is the arg-max of the last step
        Batch batch = Batch.forModel(net.info(), 1);
        System.arraycopy(prompt, 0, batch.tokens, 0, 6);
        net.forward(batch);
        double[] logits = new double[6 * 9];
        net.copyLogits(logits);
        assertEquals(argmax(logits, 5 * 9, 9), greedy[0]);
    }

    @Test
    void oneToManyGreedyMatchesTeacherForcedForward() {
        RnnModel net = TestModels.instantiate(TestModels.builder("O2mGen").mode(SequenceMode.ONE_TO_MANY).features(3)
                .steps(6).layer(CellType.LSTM, 10).head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(2)
                .seed(4).build());
        SequenceGenerator gen = (SequenceGenerator) net;
        double[] x = {0.5, -1.0, 2.0};
        int[] out = new int[6];
        assertEquals(6, gen.generate(null, x, 0, null, SequenceGenerator.NO_END_TOKEN, out));
        Batch b = Batch.forModel(net.info(), 1);
        System.arraycopy(x, 0, b.features, 0, 3);
        System.arraycopy(out, 0, b.classes, 0, 6);
        net.forward(b);
        double[] logits = new double[6 * 4];
        net.copyLogits(logits);
        for (int t = 0; t < 6; t++) {
            assertEquals(out[t], argmax(logits, t * 4, 4), "step " + t);
        }
        int[] beam = new int[6];
        gen.beamSearch(null, x, 1, SequenceGenerator.NO_END_TOKEN, beam);
        assertArrayEquals(out, beam);
    }

    @Test
    void outOfRangeTokensNameTheRowAndStep() {
        RnnModel net = TestModels.instantiate(TestModels.builder("Tok").tokens(5).steps(3).layer(CellType.GRU, 4)
                .head(2, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(2).build());
        Batch b = Batch.forModel(net.info());
        b.tokens[1 * 3 + 2] = 5;
        var e = assertThrows(IllegalArgumentException.class, () -> net.computeGradients(b));
        assertTrue(e.getMessage().contains("token id 5 at batch row 1, step 2"), e.getMessage());
        b.tokens[1 * 3 + 2] = -1;
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(b));
        assertTrue(e.getMessage().contains("batch row 1, step 2"), e.getMessage());
    }

    @Test
    void outOfRangeClassIdsNameTheRowAndStep() {
        // the loss is a runtime Losses call per step; its message still locates the bad target
        RnnModel net = TestModels.instantiate(TestModels.builder("BadClass").mode(SequenceMode.MANY_TO_MANY)
                .features(2).steps(3).layer(CellType.GRU, 4).head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY)
                .batch(2).build());
        Batch b = Batch.forModel(net.info());
        b.classes[1 * 3 + 2] = 7;
        var e = assertThrows(IllegalArgumentException.class, () -> net.computeGradients(b));
        assertEquals("class id 7 at batch row 1, step 2 is outside 0..O-1 (O = 4)", e.getMessage());
    }

    @Test
    void badIdsNameTheirRowInTheWholeBatchNotInItsChunk() {
        // batch 64 runs as two chunks of 32 rows: row 40 is row 8 of the second chunk
        RnnModel net = TestModels.instantiate(TestModels.builder("BadRow").mode(SequenceMode.MANY_TO_MANY).tokens(5)
                .steps(3).layer(CellType.GRU, 4).head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(64).build());
        net.setThreads(1);
        Batch b = Batch.forModel(net.info());
        b.classes[40 * 3 + 1] = 9;
        var e = assertThrows(IllegalArgumentException.class, () -> net.computeGradients(b));
        assertEquals("class id 9 at batch row 40, step 1 is outside 0..O-1 (O = 4)", e.getMessage());
        b.classes[40 * 3 + 1] = 0;
        b.tokens[41 * 3 + 2] = 7;
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(b));
        assertTrue(e.getMessage().startsWith("token id 7 at batch row 41, step 2"), e.getMessage());
    }

    @Test
    void sampleShapesTrainAndGenerate() {
        for (var model : java.util.List.of(SampleSpecs.charLstm(), SampleSpecs.digitDrawer(), SampleSpecs.spell2Sound(),
                SampleSpecs.xor())) {
            RnnModel net = TestModels.instantiate(model);
            Batch batch = GradCheck.randomBatch(net.info(), net.info().maxBatch(), 1);
            double first = net.trainStep(batch);
            double second = net.trainStep(batch);
            assertTrue(Double.isFinite(first) && second < first, model.name() + ": " + first + " -> " + second);
            if (net instanceof SequenceGenerator gen) {
                switch (net.info().mode()) {
                    case "many_to_many" -> {
                        int[] out = new int[30];
                        assertEquals(30, gen.generate(new int[] {1, 2, 3}, null, 0.8, new Rng(1), -1, out));
                    }
                    case "one_to_many" -> {
                        double[] out = new double[net.info().outputSteps() * net.info().outputs()];
                        gen.generateValues(new double[net.info().inputSize()], out);
                        assertTrue(Arrays.stream(out).allMatch(v -> v > 0 && v < 1));
                    }
                    case "seq2seq" -> {
                        int[] out = new int[net.info().outputSteps()];
                        int n = gen.beamSearch(new int[net.info().inputSteps()], null, 3, 2, out);
                        assertTrue(n >= 1 && n <= out.length);
                    }
                    default -> throw new AssertionError(net.info().mode());
                }
            } else {
                assertEquals("one_to_one", net.info().mode());
            }
        }
    }

    @Test
    void nonGenerativeModelsDoNotImplementTheGenerator() {
        assertTrue(!(TestModels.instantiate(SampleSpecs.seedModel()) instanceof SequenceGenerator));
    }
}
