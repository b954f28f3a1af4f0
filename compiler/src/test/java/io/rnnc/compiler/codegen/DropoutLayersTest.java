package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dropout between layers (issue 13, item 3), PyTorch's nn.LSTM(dropout=p): evaluation is the model without
 * dropout, bit for bit; in training each element of every layer's output but the last's is kept with
 * probability 1 - p and scaled by 1/(1 - p); the gradient is the one of the masked network (finite differences
 * with the mask held fixed); masks are the same on 1 and 2 threads.
 */
class DropoutLayersTest {

    static Model model(String name, CellType cell, double p, boolean float64, int batch, boolean bidirectional) {
        var b = TestModels.builder(name).batch(batch).seed(5).mode(SequenceMode.MANY_TO_MANY).features(3).steps(5)
                .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).dropout(p);
        if (bidirectional) {
            b.bidirectional(cell, 6).layer(cell, 5).layer(cell, 4);
        } else {
            b.layer(cell, 6).layer(cell, 5).layer(cell, 4);
        }
        if (float64) {
            b.float64();
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CellType.class)
    void evaluationIsTheModelWithoutDropoutBitForBit(CellType cell) {
        RnnModel with = TestModels.instantiate(model("DropE" + cell.ordinal(), cell, 0.4, false, 6, false));
        RnnModel without = TestModels.instantiate(model("NoDropE" + cell.ordinal(), cell, 0, false, 6, false));
        LengthsTest.copyParameters(with, without);
        Batch b = LengthsTest.batchWithLengths(with.info(), 6, 3);
        assertEquals(without.evaluate(b), with.evaluate(b), 0.0);
        double[] a = new double[6 * with.info().logitsPerSample()];
        double[] e = new double[a.length];
        with.copyOutputs(a);
        without.copyOutputs(e);
        assertArrayEquals(e, a, 0.0);
        // training applies the masks: another loss than evaluation
        assertNotEquals(with.evaluate(b), with.computeGradients(b));
    }

    @Test
    void keptFractionAndScaleArePyTorchs() throws Exception {
        double p = 0.3;
        RnnModel net = TestModels.instantiate(model("DropK", CellType.LSTM, p, false, 32, true));
        Batch b = GradCheck.randomBatch(net.info(), 32, 4);
        net.computeGradients(b);
        for (String field : new String[] {"mask0", "mask1"}) {
            float[] mask = (float[]) field(net, field);
            int width = field.equals("mask0") ? 12 : 5; // layer 0 is bidirectional: [h_fwd, h_bwd]
            int n = 5 * 32 * width;
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (mask[i] != 0) {
                    assertEquals(1f / (float) (1 - p), mask[i], 0f, field + "[" + i + "]");
                    kept++;
                }
            }
            double fraction = (double) kept / n;
            // n = 1920 or 800 elements: 1 - p within five standard deviations
            double sd = Math.sqrt(p * (1 - p) / n);
            assertTrue(Math.abs(fraction - (1 - p)) < 5 * sd, field + " kept " + fraction);
        }
        assertTrue(field(net, "mask2") == null, "the top layer's output has no mask");
    }

    private static Object field(RnnModel net, String name) throws Exception {
        try {
            Field f = net.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(net);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CellType.class)
    void gradientsMatchFiniteDifferencesWithTheMaskHeldFixed(CellType cell) {
        Model model = model("DropG" + cell.ordinal(), cell, 0.35, true, 4, cell == CellType.GRU);
        RnnModel net = TestModels.instantiate(model);
        Batch b = LengthsTest.batchWithLengths(net.info(), 4, 9);
        // the optimizer step keys the masks and does not move here: every computeGradients draws the same ones
        net.computeGradients(b);
        double[] analytic = new double[net.gradients().size()];
        for (int i = 0; i < analytic.length; i++) {
            analytic[i] = net.gradients().get(i);
        }
        double worst = 0;
        String where = "";
        double step = GradCheck.STEP;
        for (int i = 0; i < analytic.length; i++) {
            double v = net.parameters().get(i);
            double f1 = lossAt(net, b, i, v + step) - lossAt(net, b, i, v - step);
            double f2 = lossAt(net, b, i, v + 2 * step) - lossAt(net, b, i, v - 2 * step);
            net.parameters().set(i, v);
            net.parametersChanged();
            double numeric = (8 * f1 - f2) / (12 * step);
            double rel = Math.abs(analytic[i] - numeric)
                    / Math.max(GradCheck.FLOOR, Math.max(Math.abs(analytic[i]), Math.abs(numeric)));
            if (rel > worst) {
                worst = rel;
                where = "element " + i + " (analytic " + analytic[i] + ", numeric " + numeric + ")";
            }
        }
        GradientCheckModesTest.record(model.name() + " (dropout, " + cell.fixtureName() + "): worst " + worst + " at "
                + where, worst);
        assertTrue(worst <= GradientCheckTest.LIMIT, model.name() + ": " + worst + " at " + where);
    }

    /** Dropout in the stacks of the other modes: seq2seq (encoder and decoder, in the length order) and one_to_many. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SequenceMode.class, names = {"SEQ2SEQ", "ONE_TO_MANY"})
    void otherModesEvaluateWithoutDropoutAndTrainWithTheMasksGradient(SequenceMode mode) {
        Model[] m = new Model[2];
        for (int k = 0; k < 2; k++) {
            var b = TestModels.builder("DropM" + mode.ordinal() + k).float64().batch(3).seed(11).mode(mode)
                    .layer(CellType.LSTM, 4).layer(CellType.LSTM, 4).dropout(k == 0 ? 0.4 : 0);
            if (mode == SequenceMode.SEQ2SEQ) {
                b.encoder(io.rnnc.compiler.model.InputSpec.embedded(6, 3, io.rnnc.compiler.model.SourcePos.NONE), 4)
                        .embedded(5, 2).steps(3).head(5, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            } else {
                b.features(3).steps(4).head(2, HeadActivation.SIGMOID, LossKind.BCE);
            }
            m[k] = b.build();
        }
        RnnModel net = TestModels.instantiate(m[0]);
        RnnModel plain = TestModels.instantiate(m[1]);
        LengthsTest.copyParameters(net, plain);
        Batch b = GradCheck.randomBatch(net.info(), 3, 21);
        if (mode == SequenceMode.SEQ2SEQ) {
            b.setLength(1, 2);
            b.setTargetLength(2, 1);
        }
        assertEquals(plain.evaluate(b), net.evaluate(b), 0.0, "evaluation is the model without dropout");
        net.computeGradients(b);
        double[] analytic = new double[net.gradients().size()];
        for (int i = 0; i < analytic.length; i++) {
            analytic[i] = net.gradients().get(i);
        }
        double worst = 0;
        for (int i = 0; i < analytic.length; i++) {
            double v = net.parameters().get(i);
            double f1 = lossAt(net, b, i, v + GradCheck.STEP) - lossAt(net, b, i, v - GradCheck.STEP);
            double f2 = lossAt(net, b, i, v + 2 * GradCheck.STEP) - lossAt(net, b, i, v - 2 * GradCheck.STEP);
            net.parameters().set(i, v);
            net.parametersChanged();
            double numeric = (8 * f1 - f2) / (12 * GradCheck.STEP);
            worst = Math.max(worst, Math.abs(analytic[i] - numeric)
                    / Math.max(GradCheck.FLOOR, Math.max(Math.abs(analytic[i]), Math.abs(numeric))));
        }
        assertTrue(worst <= GradientCheckTest.LIMIT, mode + ": worst " + worst);
        assertNotEquals(net.evaluate(b), net.computeGradients(b), "training applies the masks");
    }

    private static double lossAt(RnnModel net, Batch b, int i, double value) {
        net.parameters().set(i, value);
        net.parametersChanged();
        return net.computeGradients(b);
    }

    @Test
    void masksAreTheSameOnOneAndTwoThreadsAndChangeWithTheStep() throws Exception {
        RnnModel net = TestModels.instantiate(model("DropT", CellType.GRU, 0.25, false, 40, false));
        Batch b = LengthsTest.batchWithLengths(net.info(), 40, 13);
        net.setThreads(1);
        LengthsTest.Run one = LengthsTest.run(net, b);
        net.setThreads(2);
        LengthsTest.Run two = LengthsTest.run(net, b);
        assertEquals(one.loss(), two.loss(), 0.0);
        assertArrayEquals(one.grads(), two.grads(), 0.0);
        // A mask is a scratch buffer: with two threads the root's field points at the set of whichever thread ran
        // it last, so the masks are compared on one thread, where every chunk runs on the root's set in order
        net.setThreads(1);
        net.computeGradients(b);
        float[] first = ((float[]) field(net, "mask0")).clone();
        net.computeGradients(b);
        assertArrayEquals(first, (float[]) field(net, "mask0"), 0f, "the same step draws the same masks");
        net.applyUpdate();
        net.computeGradients(b);
        assertTrue(!java.util.Arrays.equals(first, (float[]) field(net, "mask0")), "the next step draws other masks");
    }
}
