package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.state.RnnState;
import io.rnnc.runtime.state.StatefulModel;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State carried across chunks ({@code sequence T many_to_many stateful}, issue 13 item 4) against PyTorch's
 * truncated-BPTT fixtures w07 and w08, and the step API (item 5): a caller's state in and out of forward, one
 * step at a time, several independent streams on one model.
 */
class StatefulTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"w07_tbptt_lstm_l2_m2m_ce", "w08_tbptt_gru_l1_m2m_mse"})
    void chunkAfterChunkMatchesPyTorch(String name) {
        Fixture fx = new Fixture(Fixture.fixtureSet("fixtures-w2").resolve(name));
        Model model = fx.model();
        RnnModel net = TestModels.instantiate(model);
        ModelInfo info = net.info();
        SafeTensors.Contents ref = fx.tensors;
        for (TensorInfo t : info.parameters()) {
            net.parameters().copyIn(t.name(), ref.get(t.name()).values());
        }
        net.parametersChanged();
        int chunks = fx.integer("stateful_chunks");
        int t = fx.integer("seq_len");
        int n = fx.integer("batch");
        double[] x = ref.get("x").values();
        double[] y = ref.get("y").values();
        int perStepX = x.length / (n * chunks * t);
        int perStepY = y.length / (n * chunks * t);
        Batch b = Batch.forModel(info);
        b.setSize(n);
        double lr = model.optimizer().lr();
        double worst = 0;
        for (int j = 0; j < chunks; j++) {
            for (int r = 0; r < n; r++) {
                for (int s = 0; s < t; s++) {
                    int src = r * chunks * t + j * t + s;
                    for (int i = 0; i < perStepX; i++) {
                        double v = x[src * perStepX + i];
                        if (b.features != null) {
                            b.features[(r * t + s) * perStepX + i] = v;
                        } else {
                            b.tokens[r * t + s] = (int) v;
                        }
                    }
                    for (int i = 0; i < perStepY; i++) {
                        double v = y[src * perStepY + i];
                        if (b.classes != null) {
                            b.classes[r * t + s] = (int) v;
                        } else {
                            b.targets[(r * t + s) * perStepY + i] = v;
                        }
                    }
                }
            }
            String c = "chunk" + j + ".";
            double loss = net.computeGradients(b);
            worst = Math.max(worst, check(c + "loss", new double[] {loss}, ref.get(c + "loss").values()));
            double[] logits = new double[n * info.logitsPerSample()];
            net.copyLogits(logits);
            worst = Math.max(worst, check(c + "logits", logits, ref.get(c + "logits").values()));
            int width = info.hidden().stream().mapToInt(Integer::intValue).sum();
            double[] h = new double[width * n];
            double[] cs = new double[width * n];
            net.copyFinalStates(h, cs);
            worst = Math.max(worst, check(c + "h_n", h, ref.get(c + "h_n").values()));
            if (ref.has(c + "c_n")) {
                worst = Math.max(worst, check(c + "c_n", cs, ref.get(c + "c_n").values()));
            }
            double[][] grads = new double[info.parameters().size()][];
            int p = 0;
            for (TensorInfo ti : info.parameters()) {
                grads[p] = net.gradients().copyOut(ti.name());
                worst = Math.max(worst, check(c + "grad." + ti.name(), grads[p], ref.get(c + "grad." + ti.name()).values()));
                p++;
            }
            net.applyUpdate();
            p = 0;
            for (TensorInfo ti : info.parameters()) {
                double[] ours = net.parameters().copyOut(ti.name());
                double[] want = ref.get(c + "adam." + ti.name()).values();
                double[] gr = ref.get(c + "grad." + ti.name()).values();
                double scale = Math.max(1, maxAbs(want));
                for (int i = 0; i < want.length; i++) {
                    double d = Math.abs(ours[i] - want[i]);
                    if (Math.min(Math.abs(grads[p][i]), Math.abs(gr[i])) < 1e-6 && d <= 0.05 * lr) {
                        continue; // Adam's step is ill-conditioned where the gradient is tiny (as ReferenceCheck)
                    }
                    assertTrue(d / scale <= 1e-5, c + "adam." + ti.name() + "[" + i + "]: " + ours[i] + " vs " + want[i]);
                }
                p++;
            }
        }
        System.out.printf(Locale.ROOT, "PARITY %-40s worst relative error %.3g over %d chunks%n", name, worst, chunks);
    }

    private static double check(String what, double[] ours, double[] want) {
        double scale = Math.max(1, maxAbs(want));
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(ours[i] - want[i]) / scale);
        }
        assertTrue(err <= 1e-5, what + ": error " + err);
        return err;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static Model model(String name, CellType cell, SequenceMode mode, boolean stateful) {
        var b = TestModels.builder(name).float64().batch(5).seed(3).mode(mode).features(3).steps(6).layer(cell, 4)
                .layer(cell, 3).head(2, HeadActivation.LINEAR, LossKind.MSE);
        if (stateful) {
            b.stateful();
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CellType.class)
    void stepByStepEqualsTheWholeForwardAndStreamsStayApart(CellType cell) {
        for (SequenceMode mode : new SequenceMode[] {SequenceMode.MANY_TO_MANY, SequenceMode.MANY_TO_ONE}) {
            RnnModel net = TestModels.instantiate(model("Step" + cell.ordinal() + mode.ordinal(), cell, mode, false));
            StatefulModel sm = (StatefulModel) net;
            ModelInfo info = net.info();
            Batch b = GradCheck.randomBatch(info, 3, 17);
            RnnState whole = sm.newState(3);
            // a non-zero start: some state from an earlier forward
            Batch warm = GradCheck.randomBatch(info, 3, 18);
            sm.forward(warm, whole);
            RnnState stepped = whole.copy();
            sm.forward(b, whole);
            double[] outputs = new double[3 * info.logitsPerSample()];
            net.copyOutputs(outputs);
            double[] out = new double[3 * info.outputs()];
            double[] x = new double[3 * info.inputSize()];
            int t = info.inputSteps();
            for (int s = 0; s < t; s++) {
                for (int r = 0; r < 3; r++) {
                    System.arraycopy(b.features, (r * t + s) * info.inputSize(), x, r * info.inputSize(), info.inputSize());
                }
                sm.step(null, x, 3, stepped, out);
                if (mode == SequenceMode.MANY_TO_MANY || s == t - 1) {
                    int at = mode == SequenceMode.MANY_TO_MANY ? s : 0;
                    for (int r = 0; r < 3; r++) {
                        for (int o = 0; o < info.outputs(); o++) {
                            assertEquals(outputs[(r * info.outputSteps() + at) * info.outputs() + o], out[r * info.outputs() + o],
                                    1e-12, mode + " row " + r + " step " + s);
                        }
                    }
                }
            }
            for (int l = 0; l < 2; l++) {
                for (int r = 0; r < 3; r++) {
                    for (int u = 0; u < whole.hidden(l); u++) {
                        assertEquals(whole.h(l, 0, r, u), stepped.h(l, 0, r, u), 1e-12, "final h");
                        if (cell == CellType.LSTM) {
                            assertEquals(whole.c(l, 0, r, u), stepped.c(l, 0, r, u), 1e-12, "final c");
                        }
                    }
                }
            }
            // two streams interleaved step by step on one model = each alone
            RnnState a = sm.newState(1);
            RnnState c = sm.newState(1);
            RnnState aAlone = sm.newState(1);
            double[] xa = new double[info.inputSize()];
            double[] xc = new double[info.inputSize()];
            double[] oa = new double[info.outputs()];
            double[] oc = new double[info.outputs()];
            double[] alone = new double[info.outputs()];
            for (int s = 0; s < 4; s++) {
                for (int i = 0; i < xa.length; i++) {
                    xa[i] = Math.sin(s + i);
                    xc[i] = Math.cos(3 * s - i);
                }
                sm.step(null, xa, 1, a, oa);
                sm.step(null, xc, 1, c, oc);
                sm.step(null, xa, 1, aAlone, alone);
                for (int o = 0; o < oa.length; o++) {
                    assertEquals(alone[o], oa[o], 0.0, "stream a at step " + s);
                }
            }
        }
    }

    @Test
    void aStateOfAnotherModelOrWithTooFewRowsIsRefused() {
        RnnModel net = TestModels.instantiate(model("StepE", CellType.GRU, SequenceMode.MANY_TO_MANY, false));
        RnnModel other = TestModels.instantiate(TestModels.builder("StepOther").float64().mode(SequenceMode.MANY_TO_MANY)
                .features(3).steps(6).layer(CellType.LSTM, 4).head(2, HeadActivation.LINEAR, LossKind.MSE).build());
        StatefulModel sm = (StatefulModel) net;
        Batch b = GradCheck.randomBatch(net.info(), 3, 1);
        RnnState foreign = ((StatefulModel) other).newState(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sm.forward(b, foreign));
        assertTrue(e.getMessage().contains("StepOther") && e.getMessage().contains("StepE"), e.getMessage());
        RnnState small = sm.newState(2);
        e = assertThrows(IllegalArgumentException.class, () -> sm.forward(b, small));
        assertTrue(e.getMessage().contains("holds 2 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sm.step(null, null, 1, sm.newState(1), new double[2]));
        assertTrue(e.getMessage().contains("features"), e.getMessage());
    }

    @Test
    void statefulTrainingContinuesEachRowAndResetStartsOver() {
        Model stateful = model("Carry", CellType.LSTM, SequenceMode.MANY_TO_MANY, true);
        RnnModel net = TestModels.instantiate(stateful);
        RnnModel fresh = TestModels.instantiate(model("NoCarry", CellType.LSTM, SequenceMode.MANY_TO_MANY, false));
        LengthsTest.copyParameters(net, fresh);
        Batch b1 = GradCheck.randomBatch(net.info(), 5, 5);
        Batch b2 = GradCheck.randomBatch(net.info(), 5, 6);
        // the first batch starts from zeros: what a model without state computes
        assertEquals(fresh.computeGradients(b1), net.computeGradients(b1), 0.0);
        // the second starts from the first's final states: as a forward from that state
        StatefulModel sf = (StatefulModel) fresh;
        RnnState s = sf.newState(5);
        sf.forward(b1, s);
        sf.forward(b2, s);
        double[] want = new double[5 * net.info().logitsPerSample()];
        fresh.copyLogits(want);
        net.computeGradients(b2);
        double[] got = new double[want.length];
        net.copyLogits(got);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12, "logit " + i);
        }
        ((StatefulModel) net).resetState();
        assertEquals(fresh.computeGradients(b1), net.computeGradients(b1), 0.0, "after resetState");
        // evaluation starts from zeros and leaves the carried state alone
        assertEquals(fresh.evaluate(b2), net.evaluate(b2), 0.0);
    }

    @Test
    void statefulGradientsMatchFiniteDifferencesFromACarriedState() {
        Model model = model("CarryGrad", CellType.GRU, SequenceMode.MANY_TO_MANY, true);
        RnnModel net = TestModels.instantiate(model);
        Batch b1 = GradCheck.randomBatch(net.info(), 5, 7);
        net.computeGradients(b1); // leaves a non-zero carried state
        // hold the carried state fixed: every loss evaluation on a twin without state starts from it
        RnnModel twin = TestModels.instantiate(model("CarryGradTwin", CellType.GRU, SequenceMode.MANY_TO_MANY, false));
        LengthsTest.copyParameters(net, twin);
        RnnState carried = ((StatefulModel) twin).newState(5);
        ((StatefulModel) twin).forward(b1, carried);
        Batch b2 = GradCheck.randomBatch(net.info(), 5, 8);
        RnnState before = carried.copy();
        net.computeGradients(b2);
        double[] analytic = new double[net.gradients().size()];
        for (int i = 0; i < analytic.length; i++) {
            analytic[i] = net.gradients().get(i);
        }
        double worst = 0;
        for (int i = 0; i < analytic.length; i++) {
            double v = twin.parameters().get(i);
            double f1 = lossFrom(twin, b2, before, i, v + GradCheck.STEP) - lossFrom(twin, b2, before, i, v - GradCheck.STEP);
            double f2 = lossFrom(twin, b2, before, i, v + 2 * GradCheck.STEP)
                    - lossFrom(twin, b2, before, i, v - 2 * GradCheck.STEP);
            twin.parameters().set(i, v);
            twin.parametersChanged();
            double numeric = (8 * f1 - f2) / (12 * GradCheck.STEP);
            worst = Math.max(worst, Math.abs(analytic[i] - numeric)
                    / Math.max(GradCheck.FLOOR, Math.max(Math.abs(analytic[i]), Math.abs(numeric))));
        }
        assertTrue(worst <= GradientCheckTest.LIMIT, "worst " + worst);
    }

    /** The MSE loss of {@code b} on {@code net} started from {@code start} (a copy: the forward writes its final state). */
    private static double lossFrom(RnnModel net, Batch b, RnnState start, int i, double value) {
        net.parameters().set(i, value);
        net.parametersChanged();
        RnnState s = start.copy();
        ((StatefulModel) net).forward(b, s);
        double[] out = new double[b.size() * net.info().logitsPerSample()];
        net.copyLogits(out);
        double sum = 0;
        for (int k = 0; k < out.length; k++) {
            double d = out[k] - b.targets[k];
            sum += d * d;
        }
        return sum / out.length;
    }
}
