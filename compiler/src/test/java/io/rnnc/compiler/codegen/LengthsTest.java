package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-sample lengths (issue 13) in every mode that takes them, for every cell: padding never matters
 * (garbage of any value, NaN included, changes no bit of the loss, the gradients, the valid outputs or the
 * final states), each sample gives what it gives alone on its own prefix (a model compiled for exactly that
 * many steps, on the fixed path), the order of the batch does not matter, and the float64 gradients match
 * finite differences with garbage in the padding.
 */
class LengthsTest {

    enum Shape { M2O_FEATURES, M2M_EMBED_CE, M2M_FEATURES_MSE, S2S_EMBED, M2O_BI_ONE_HOT, M2M_BI_FEATURES }

    static final int T = 5;
    static final int T_OUT = 4;
    /** Seeds whose ReLU pre-activations keep clear of the kink by more than the finite-difference step. */
    static final long SEED = 100;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (Shape s : Shape.values()) {
                out.add(Arguments.of(cell, s));
            }
        }
        return out;
    }

    /** The model of a case with {@code steps} input steps (T, or seq2seq's T_IN). */
    static Model model(CellType cell, Shape shape, int steps, int batch, String suffix) {
        String name = "Len" + cell.fixtureName().replace("_", "") + shape.ordinal() + suffix;
        var b = TestModels.builder(name).float64().batch(batch).seed(SEED + cell.ordinal() * 5 + shape.ordinal());
        int layers = shape == Shape.M2O_FEATURES || shape == Shape.M2M_FEATURES_MSE || shape == Shape.M2M_BI_FEATURES ? 2 : 1;
        for (int l = 0; l < layers; l++) {
            if (shape == Shape.M2O_BI_ONE_HOT || shape == Shape.M2M_BI_FEATURES && l == 0) {
                b.bidirectional(cell, l == 0 ? 4 : 3);
            } else {
                b.layer(cell, l == 0 ? 4 : 3);
            }
        }
        switch (shape) {
            case M2O_FEATURES -> b.mode(SequenceMode.MANY_TO_ONE).features(3).steps(steps)
                    .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case M2M_EMBED_CE -> b.mode(SequenceMode.MANY_TO_MANY).embedded(6, 3).steps(steps)
                    .head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case M2M_FEATURES_MSE -> b.mode(SequenceMode.MANY_TO_MANY).features(2).steps(steps)
                    .head(2, HeadActivation.LINEAR, LossKind.MSE);
            case M2O_BI_ONE_HOT -> b.mode(SequenceMode.MANY_TO_ONE).tokens(5).steps(steps)
                    .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case M2M_BI_FEATURES -> b.mode(SequenceMode.MANY_TO_MANY).features(3).steps(steps)
                    .head(2, HeadActivation.LINEAR, LossKind.MSE);
            case S2S_EMBED -> b.mode(SequenceMode.SEQ2SEQ).encoder(InputSpec.embedded(6, 3, SourcePos.NONE), steps)
                    .embedded(5, 2).steps(T_OUT).head(5, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            default -> throw new IllegalStateException();
        }
        return b.build();
    }

    /** A random batch with lengths 1..max (row 0 full), targets lengths too for seq2seq. */
    static Batch batchWithLengths(ModelInfo info, int rows, long seed) {
        Batch b = GradCheck.randomBatch(info, rows, seed);
        Rng rng = new Rng(seed + 1);
        boolean s2s = info.mode().equals("seq2seq");
        for (int r = 0; r < rows; r++) {
            b.setLength(r, r == 0 ? info.inputSteps() : 1 + rng.nextInt(info.inputSteps()));
            if (s2s) {
                b.setTargetLength(r, r == 1 ? info.outputSteps() : 1 + rng.nextInt(info.outputSteps()));
            }
        }
        return b;
    }

    /** Overwrites every padding position of the batch's inputs and targets with garbage: NaN, huge, bad ids. */
    static void garble(Batch b, ModelInfo info, long seed) {
        Rng rng = new Rng(seed);
        int t = info.inputSteps();
        int tOut = info.outputSteps();
        boolean s2s = info.mode().equals("seq2seq");
        for (int r = 0; r < b.size(); r++) {
            for (int s = b.length(r); s < t; s++) {
                if (b.features != null) {
                    int per = info.inputSize();
                    for (int i = 0; i < per; i++) {
                        b.features[(r * t + s) * per + i] = i % 2 == 0 ? Double.NaN : 1e30 * rng.nextGaussian();
                    }
                } else {
                    b.tokens[r * t + s] = rng.nextInt(2) == 0 ? -3 : 1000 + rng.nextInt(5);
                }
            }
            int valid = s2s ? b.targetLength(r) : info.mode().equals("many_to_one") ? 1 : b.length(r);
            for (int s = valid; s < tOut; s++) {
                if (b.classes != null) {
                    b.classes[r * tOut + s] = rng.nextInt(2) == 0 ? -1 : 999;
                } else {
                    for (int j = 0; j < info.outputs(); j++) {
                        b.targets[(r * tOut + s) * info.outputs() + j] = Double.NaN;
                    }
                }
            }
        }
    }

    /** Loss, gradients, logits of valid positions (padding ones zeroed) and final states after one step. */
    record Run(double loss, double[] grads, double[] logits, double[] h, double[] c) {
    }

    static Run run(RnnModel net, Batch b) {
        ModelInfo info = net.info();
        double loss = net.computeGradients(b);
        double[] g = new double[net.gradients().size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = net.gradients().get(i);
        }
        double[] logits = new double[b.size() * info.logitsPerSample()];
        net.copyLogits(logits);
        maskPadding(logits, b, info);
        int width = info.hidden().stream().mapToInt(Integer::intValue).sum();
        double[] h = new double[width * b.size()];
        double[] c = new double[width * b.size()];
        net.copyFinalStates(h, c);
        return new Run(loss, g, logits, h, c);
    }

    static void maskPadding(double[] logits, Batch b, ModelInfo info) {
        int steps = info.outputSteps();
        if (steps == 1) {
            return;
        }
        for (int r = 0; r < b.size(); r++) {
            int len = info.mode().equals("seq2seq") ? b.targetLength(r) : b.length(r);
            for (int s = len; s < steps; s++) {
                java.util.Arrays.fill(logits, (r * steps + s) * info.outputs(), (r * steps + s + 1) * info.outputs(), 0);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void paddingGarbageChangesNoBit(CellType cell, Shape shape) {
        Model model = model(cell, shape, T, 6, "G");
        RnnModel net = TestModels.instantiate(model);
        Batch b = batchWithLengths(net.info(), 6, 11);
        Run clean = run(net, b);
        garble(b, net.info(), 12);
        Run dirty = run(net, b);
        assertEquals(clean.loss(), dirty.loss(), 0.0, "loss");
        assertTrue(Double.isFinite(clean.loss()));
        assertArrayEquals(clean.grads(), dirty.grads(), 0.0, "gradients");
        assertArrayEquals(clean.logits(), dirty.logits(), 0.0, "logits of valid positions");
        assertArrayEquals(clean.h(), dirty.h(), 0.0, "final h");
        assertArrayEquals(clean.c(), dirty.c(), 0.0, "final c");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void eachSampleEqualsItselfAloneOnItsPrefix(CellType cell, Shape shape) {
        Model model = model(cell, shape, T, 6, "P");
        RnnModel net = TestModels.instantiate(model);
        ModelInfo info = net.info();
        Batch b = batchWithLengths(info, 6, 21);
        garble(b, info, 22);
        net.forward(b);
        double[] logits = new double[6 * info.logitsPerSample()];
        net.copyLogits(logits);
        int width = info.hidden().stream().mapToInt(Integer::intValue).sum();
        double[] h = new double[width * 6];
        net.copyFinalStates(h, null);
        boolean s2s = shape == Shape.S2S_EMBED;
        for (int r = 0; r < 6; r++) {
            int len = b.length(r);
            // the same network compiled for exactly len steps, run on the fixed path (no lengths)
            RnnModel alone = TestModels.instantiate(model(cell, shape, len, 1, "P" + r));
            copyParameters(net, alone);
            Batch one = Batch.forModel(alone.info(), 1);
            ModelInfo ai = alone.info();
            if (b.features != null) {
                System.arraycopy(b.features, r * T * info.inputSize(), one.features, 0, len * info.inputSize());
            } else {
                System.arraycopy(b.tokens, r * T, one.tokens, 0, len);
            }
            if (s2s) { // teacher forcing reads the targets: give the valid ones, padding as the model reads it (0)
                for (int s = 0; s < T_OUT; s++) {
                    one.classes[s] = s < b.targetLength(r) ? b.classes[r * T_OUT + s] : 0;
                }
            }
            alone.forward(one);
            double[] al = new double[ai.logitsPerSample()];
            alone.copyLogits(al);
            int steps = info.outputSteps();
            int valid = s2s ? b.targetLength(r) : steps == 1 ? 1 : len;
            for (int s = 0; s < valid; s++) {
                for (int j = 0; j < info.outputs(); j++) {
                    double want = al[s * ai.outputs() + j];
                    double got = logits[(r * steps + s) * info.outputs() + j];
                    assertEquals(want, got, 1e-12, "row " + r + " (length " + len + ") step " + s + " logit " + j);
                }
            }
            if (!s2s) { // a decoder's final state follows all T_OUT steps; the others' is the state at the last valid step
                double[] ah = new double[width];
                alone.copyFinalStates(ah, null);
                int off = 0;
                for (int hl : info.hidden()) {
                    for (int j = 0; j < hl; j++) {
                        assertEquals(ah[off + j], h[off * 6 + r * hl + j], 1e-12, "row " + r + " final h");
                    }
                    off += hl;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void batchOrderDoesNotMatter(CellType cell, Shape shape) {
        Model model = model(cell, shape, T, 6, "O");
        RnnModel net = TestModels.instantiate(model);
        ModelInfo info = net.info();
        Batch b = batchWithLengths(info, 6, 31);
        Run straight = run(net, b);
        int[] perm = {3, 0, 5, 1, 4, 2};
        Batch p = Batch.forModel(info);
        p.setSize(6);
        int in = info.inputValuesPerSample();
        int out = info.targetValuesPerSample();
        for (int r = 0; r < 6; r++) {
            int from = perm[r];
            if (b.features != null) {
                System.arraycopy(b.features, from * in, p.features, r * in, in);
            } else {
                System.arraycopy(b.tokens, from * in, p.tokens, r * in, in);
            }
            if (b.classes != null) {
                System.arraycopy(b.classes, from * out, p.classes, r * out, out);
            } else {
                System.arraycopy(b.targets, from * out, p.targets, r * out, out);
            }
            p.setLength(r, b.length(from));
            if (shape == Shape.S2S_EMBED) {
                p.setTargetLength(r, b.targetLength(from));
            }
        }
        Run permuted = run(net, p);
        assertEquals(straight.loss(), permuted.loss(), 1e-12, "loss");
        assertArrayEquals(straight.grads(), permuted.grads(), 1e-12, "gradients");
        int lp = info.logitsPerSample();
        int width = info.hidden().stream().mapToInt(Integer::intValue).sum();
        for (int r = 0; r < 6; r++) {
            for (int i = 0; i < lp; i++) {
                assertEquals(straight.logits()[perm[r] * lp + i], permuted.logits()[r * lp + i], 0.0, "row " + r + " logits");
            }
            int off = 0;
            for (int hl : info.hidden()) {
                for (int j = 0; j < hl; j++) {
                    assertEquals(straight.h()[off * 6 + perm[r] * hl + j], permuted.h()[off * 6 + r * hl + j], 0.0,
                            "row " + r + " final h");
                }
                off += hl;
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferencesWithGarbageInThePadding(CellType cell, Shape shape) {
        Model model = model(cell, shape, T, 4, "D");
        RnnModel net = TestModels.instantiate(model);
        Batch b = batchWithLengths(net.info(), 4, 41);
        garble(b, net.info(), 42);
        GradCheck.Result r = GradCheck.check(model, net, b, 0);
        GradientCheckModesTest.record(model.name() + " (lengths, " + cell.fixtureName() + " " + shape + "): " + r, r.worst());
        assertTrue(r.worst() <= GradientCheckTest.LIMIT, model.name() + ": " + r);
    }

    @Test
    void fullLengthsGiveTheFixedPathsBitsAcrossChunksAndThreads() {
        // batch 40 runs as two chunks of 32 and 8 rows
        for (Shape shape : Shape.values()) {
            Model model = model(CellType.LSTM, shape, T, 40, "F");
            RnnModel net = TestModels.instantiate(model);
            ModelInfo info = net.info();
            Batch b = GradCheck.randomBatch(info, 40, 51);
            Run fixed = run(net, b);
            for (int r = 0; r < 40; r++) {
                b.setLength(r, info.inputSteps());
                if (shape == Shape.S2S_EMBED) {
                    b.setTargetLength(r, info.outputSteps());
                }
            }
            assertTrue(b.hasLengths());
            Run full = run(net, b);
            assertEquals(fixed.loss(), full.loss(), 0.0, shape + " loss");
            assertArrayEquals(fixed.grads(), full.grads(), 0.0, shape + " gradients");
            assertArrayEquals(fixed.logits(), full.logits(), 0.0, shape + " logits");

            Batch v = batchWithLengths(info, 40, 52);
            net.setThreads(1);
            Run one = run(net, v);
            net.setThreads(2);
            Run two = run(net, v);
            assertEquals(one.loss(), two.loss(), 0.0, shape + " loss on 1 and 2 threads");
            assertArrayEquals(one.grads(), two.grads(), 0.0, shape + " gradients on 1 and 2 threads");
            assertArrayEquals(one.logits(), two.logits(), 0.0, shape + " logits on 1 and 2 threads");
            assertArrayEquals(one.h(), two.h(), 0.0, shape + " states on 1 and 2 threads");
        }
    }

    @Test
    void aBadClassIdInAValidPositionIsStillReportedWithItsBatchRow() {
        Model model = model(CellType.GRU, Shape.M2M_EMBED_CE, T, 40, "E");
        RnnModel net = TestModels.instantiate(model);
        Batch b = batchWithLengths(net.info(), 40, 61);
        b.setLength(37, 3);
        b.classes[37 * T + 2] = 99;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.computeGradients(b));
        assertTrue(e.getMessage().contains("batch row 37") && e.getMessage().contains("step 2"), e.getMessage());
        b.classes[37 * T + 2] = 0;
        b.tokens[37 * T + 1] = -4;
        e = assertThrows(IllegalArgumentException.class, () -> net.computeGradients(b));
        assertTrue(e.getMessage().contains("batch row 37") && e.getMessage().contains("step 1"), e.getMessage());
    }

    @Test
    void modesWithoutAnInputSequenceRefuseLengths() {
        Model model = TestModels.builder("LenO2m").float64().batch(2).mode(SequenceMode.ONE_TO_MANY).features(3).steps(4)
                .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).build();
        RnnModel net = TestModels.instantiate(model);
        Batch b = GradCheck.randomBatch(net.info(), 2, 71);
        b.setTargetLength(0, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.computeGradients(b));
        assertTrue(e.getMessage().contains("does not take per-sample lengths"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(CellType.class)
    void bidirectionalStacksWithoutLengthsMatchFiniteDifferences(CellType cell) {
        for (SequenceMode mode : new SequenceMode[] {SequenceMode.MANY_TO_ONE, SequenceMode.MANY_TO_MANY}) {
            Model model = TestModels.builder("Bi" + cell.fixtureName().replace("_", "") + mode.ordinal()).float64()
                    .batch(3).seed(SEED + 40 + cell.ordinal()).mode(mode).features(3).steps(4).bidirectional(cell, 4)
                    .bidirectional(cell, 3).head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).build();
            RnnModel net = TestModels.instantiate(model);
            Batch b = GradCheck.randomBatch(net.info(), 3, 81);
            GradCheck.Result r = GradCheck.check(model, net, b, 0);
            GradientCheckModesTest.record(model.name() + " (bidirectional, " + cell.fixtureName() + " " + mode + "): " + r,
                    r.worst());
            assertTrue(r.worst() <= GradientCheckTest.LIMIT, model.name() + ": " + r);
        }
    }

    @Test
    void aShortSourceIsEncodedOnItsOwnLength() {
        Model model = model(CellType.LSTM, Shape.S2S_EMBED, T, 2, "S");
        RnnModel net = TestModels.instantiate(model);
        RnnModel exact = TestModels.instantiate(model(CellType.LSTM, Shape.S2S_EMBED, 3, 2, "S3"));
        copyParameters(net, exact);
        int[] src = {4, 1, 5};
        int[] a = new int[T_OUT];
        int[] e = new int[T_OUT];
        Rng r1 = new Rng(5);
        Rng r2 = new Rng(5);
        ((SequenceGenerator) net).generate(src, null, 1.0, r1, SequenceGenerator.NO_END_TOKEN, a);
        ((SequenceGenerator) exact).generate(src, null, 1.0, r2, SequenceGenerator.NO_END_TOKEN, e);
        assertArrayEquals(e, a, "sampled tokens from a 3-token source on T_IN = 5 and on T_IN = 3");
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> ((SequenceGenerator) net).generate(new int[6], null, 0, null, SequenceGenerator.NO_END_TOKEN, a));
        assertTrue(x.getMessage().contains("1..T_IN = 1..5"), x.getMessage());
    }

    static void copyParameters(RnnModel from, RnnModel to) {
        for (int i = 0; i < from.parameters().size(); i++) {
            to.parameters().set(i, from.parameters().get(i));
        }
        to.parametersChanged();
    }
}
