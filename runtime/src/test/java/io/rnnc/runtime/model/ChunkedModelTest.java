package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.init.Init;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.optim.Adam;
import io.rnnc.runtime.optim.Clipping;
import io.rnnc.runtime.optim.Sgd;
import io.rnnc.runtime.testing.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedModelTest {

    private static final int B = 10;
    private static final int O = ChunkedSoftmax.O;

    private static Batch batch(ModelInfo info, int n, long seed) {
        return ChunkedSoftmax.batch(info, n, seed);
    }

    private static double[] all(TensorStore s) {
        double[] out = new double[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void trainingGivesTheSameBitsOnOneAndTwoThreads(String precision) {
        ChunkedSoftmax one = ChunkedSoftmax.adam(B, 3, precision);
        ChunkedSoftmax two = ChunkedSoftmax.adam(B, 3, precision);
        one.setThreads(1);
        two.setThreads(2);
        assertEquals(2, two.threads());
        // full batches (four chunks, the last one short) and a short batch (slices of a smaller batch)
        for (int step = 0; step < 6; step++) {
            int n = step % 3 == 2 ? 7 : B;
            Batch b = batch(one.info(), n, step);
            assertEquals(one.trainStep(b), two.trainStep(b));
            assertArrayEquals(all(one.parameters()), all(two.parameters()));
            double[] l1 = new double[B * O];
            double[] l2 = new double[B * O];
            one.copyLogits(l1);
            two.copyLogits(l2);
            assertArrayEquals(l1, l2);
        }
        assertEquals(6, one.optimizerState().step());
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void gradientsAreSummedInChunkOrderAndLossOverChunks(String precision) {
        int chunkRows = 3;
        ChunkedSoftmax model = ChunkedSoftmax.adam(B, chunkRows, precision);
        model.setThreads(2);
        Batch b = batch(model.info(), B, 11);
        double loss = model.computeGradients(b);

        // Rebuild: each chunk's gradients from its rows, stored in the model's precision, added in chunk order
        TensorStore expected = precision.equals("float32")
                ? new FloatTensorStore(model.info().parameters()) : new DoubleTensorStore(model.info().parameters());
        TensorStore chunk = precision.equals("float32")
                ? new FloatTensorStore(model.info().parameters()) : new DoubleTensorStore(model.info().parameters());
        double[] logits = new double[B * O];
        ChunkedSoftmax.logits(model.parameters(), b.features, 0, B, logits);
        double expectedLoss = 0;
        double[] rowGrads = new double[chunk.size()];
        for (int row0 = 0; row0 < B; row0 += chunkRows) {
            int n = Math.min(chunkRows, B - row0);
            double[] d = new double[n * O];
            double chunkLoss = 0;
            for (int r = 0; r < n; r++) {
                int y = b.classes[row0 + r];
                double lse = ChunkedSoftmax.logSumExp(logits, (row0 + r) * O);
                chunkLoss += lse - logits[(row0 + r) * O + y];
                for (int o = 0; o < O; o++) {
                    d[r * O + o] = (Math.exp(logits[(row0 + r) * O + o] - lse) - (o == y ? 1 : 0)) / B;
                }
            }
            expectedLoss += chunkLoss / B;
            ChunkedSoftmax.rowGradients(d, b.features, row0, n, rowGrads);
            for (int i = 0; i < rowGrads.length; i++) {
                chunk.set(i, rowGrads[i]);
            }
            if (row0 == 0) {
                expected.copyFrom(chunk);
            } else {
                expected.addFrom(chunk);
            }
        }
        assertArrayEquals(all(expected), all(model.gradients()));
        assertEquals(expectedLoss, loss);
    }

    @Test
    void outputsDoNotDependOnTheChunkSize() {
        ChunkedSoftmax chunked = ChunkedSoftmax.adam(B, 3, "float32");
        ChunkedSoftmax whole = ChunkedSoftmax.adam(B, B, "float32");
        assertArrayEquals(all(whole.parameters()), all(chunked.parameters()));
        for (int n : new int[] {B, 7, 3, 1}) {
            Batch b = batch(chunked.info(), n, n);
            chunked.forward(b);
            whole.forward(b);
            double[][] got = new double[3][B * O];
            double[][] want = new double[3][B * O];
            chunked.copyLogits(got[0]);
            whole.copyLogits(want[0]);
            chunked.copyOutputs(got[1]);
            whole.copyOutputs(want[1]);
            chunked.copyFinalStates(got[2], null);
            whole.copyFinalStates(want[2], null);
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(want[k], got[k], "n = " + n + ", copy " + k);
            }
            // the loss is a sum in another order: equal up to rounding
            assertEquals(whole.evaluate(b), chunked.evaluate(b), 1e-12);
        }
    }

    @Test
    void aShortBatchIsSlicedIntoEachChunksOwnRows() {
        ChunkedSoftmax model = ChunkedSoftmax.adam(B, 4, "float64");
        Batch b = batch(model.info(), 6, 3);
        // rows past the batch's size hold garbage that must not be read
        for (int i = 6 * ChunkedSoftmax.IN; i < b.features.length; i++) {
            b.features[i] = Double.NaN;
        }
        model.forward(b);
        double[] got = new double[B * O];
        model.copyLogits(got);
        double[] want = new double[6 * O];
        ChunkedSoftmax.logits(model.parameters(), b.features, 0, 6, want);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i]);
        }
    }

    @Test
    void aBatchLargerThanTheModelsIsRefusedWithTheUsualMessage() {
        ChunkedSoftmax model = ChunkedSoftmax.adam(B, 3, "float32");
        Batch big = Batch.forModel(ChunkedSoftmax.info(B + 2, "float32", "adam"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(big));
        assertEquals("batch of 12 samples is larger than the model's batch 10", e.getMessage());
    }

    @Test
    void threadsAreAtLeastOneAndAtMostOnePerChunk() {
        ChunkedSoftmax model = ChunkedSoftmax.adam(B, 3, "float32");
        assertThrows(IllegalArgumentException.class, () -> model.setThreads(0));
        model.setThreads(64);
        assertEquals(4, model.threads());
        assertTrue(model.threads() >= 1);
    }

    @Test
    void initializeDrawsEachTensorInOrderAndResetsTheOptimizer() {
        ChunkedSoftmax model = ChunkedSoftmax.adam(B, 3, "float64");
        model.trainStep(batch(model.info(), B, 1));
        int changed = model.parametersChangedCalls();
        model.initialize(42);
        DoubleTensorStore want = new DoubleTensorStore(model.info().parameters());
        Rng rng = new Rng(42);
        Init.uniform(want, "fc.weight", 1 / Math.sqrt(ChunkedSoftmax.IN), rng);
        Init.normal(want, "fc.bias", rng);
        assertArrayEquals(want.data, all(model.parameters()));
        OptimizerState opt = model.optimizerState();
        assertEquals(0, opt.step());
        assertArrayEquals(new double[want.size()], all(opt.slot("exp_avg")));
        assertArrayEquals(new double[want.size()], all(opt.slot("exp_avg_sq")));
        assertEquals(changed + 1, model.parametersChangedCalls());
        // the public constructor uses the settings' seed (7)
        Rng seven = new Rng(7);
        Init.uniform(want, "fc.weight", 1 / Math.sqrt(ChunkedSoftmax.IN), seven);
        Init.normal(want, "fc.bias", seven);
        assertArrayEquals(want.data, all(ChunkedSoftmax.adam(B, 3, "float64").parameters()));
    }

    @Test
    void adamWithClippingByNormMatchesTheOptimizerCalledDirectly() {
        ModelSettings s = ChunkedSoftmax.settings(B, 3, "float32", Optimizer.adam(0.05, 0.8, 0.99, 1e-6, 0.01),
                Clip.byNorm(0.1));
        ChunkedSoftmax model = new ChunkedSoftmax(s);
        for (int step = 1; step <= 3; step++) {
            model.computeGradients(batch(model.info(), B, step));
            float[] p = ((FloatTensorStore) model.parameters()).data.clone();
            float[] g = ((FloatTensorStore) model.gradients()).data.clone();
            float[] m = ((FloatTensorStore) model.optimizerState().slot("exp_avg")).data.clone();
            float[] v = ((FloatTensorStore) model.optimizerState().slot("exp_avg_sq")).data.clone();
            double wantNorm = Clipping.byNorm(g, g.length, 0.1);
            Adam.step(p, g, m, v, p.length, step, 0.05, 0.8, 0.99, 1e-6, 0.01);
            int changed = model.parametersChangedCalls();
            assertEquals(wantNorm, model.applyUpdate());
            assertTrue(wantNorm > 0.1, "the test must clip");
            assertArrayEquals(p, ((FloatTensorStore) model.parameters()).data);
            assertArrayEquals(g, ((FloatTensorStore) model.gradients()).data);
            assertArrayEquals(v, ((FloatTensorStore) model.optimizerState().slot("exp_avg_sq")).data);
            assertEquals(step, model.optimizerState().step());
            assertEquals(changed + 1, model.parametersChangedCalls());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void sgdWithMomentumDecayAndClippingByValueMatchesTheOptimizerCalledDirectly(String precision) {
        ModelSettings s = ChunkedSoftmax.settings(B, 3, precision, Optimizer.sgd(0.1, 0.9, 0.001), Clip.byValue(0.02));
        ChunkedSoftmax model = new ChunkedSoftmax(s);
        assertEquals("sgd", model.optimizerState().kind());
        double[] p = all(model.parameters());
        double[] buf = new double[p.length];
        for (int step = 1; step <= 3; step++) {
            model.computeGradients(batch(model.info(), B, step));
            double[] g = all(model.gradients());
            double wantNorm = Clipping.norm(g, g.length);
            if (precision.equals("float32")) {
                float[] pf = toFloat(p);
                float[] gf = toFloat(g);
                float[] bf = toFloat(buf);
                Clipping.byValue(gf, gf.length, 0.02);
                Sgd.step(pf, gf, bf, pf.length, step, 0.1, 0.9, 0.001);
                p = toDouble(pf);
                buf = toDouble(bf);
            } else {
                Clipping.byValue(g, g.length, 0.02);
                Sgd.step(p, g, buf, p.length, step, 0.1, 0.9, 0.001);
            }
            assertEquals(wantNorm, model.applyUpdate(), 1e-6 * wantNorm);
            assertArrayEquals(p, all(model.parameters()));
            assertArrayEquals(buf, all(model.optimizerState().slot("momentum_buffer")));
            double max = 0;
            for (double v : all(model.gradients())) {
                max = Math.max(max, Math.abs(v));
            }
            double limit = precision.equals("float32") ? (float) 0.02 : 0.02;
            assertEquals(limit, max, "gradients clipped to the limit (the test must clip)");
        }
    }

    @Test
    void noClippingReturnsTheNormAndLeavesTheGradientsAndTheRateCanChange() {
        ModelSettings s = ChunkedSoftmax.settings(B, 3, "float64", Optimizer.sgd(0.1, 0, 0), Clip.NONE);
        ChunkedSoftmax model = new ChunkedSoftmax(s);
        model.computeGradients(batch(model.info(), B, 2));
        double[] g = all(model.gradients());
        double[] p = all(model.parameters());
        assertEquals(0.1, model.learningRate());
        // a schedule changes the rate between steps
        model.setLearningRate(0.05);
        assertEquals(Clipping.norm(g, g.length), model.applyUpdate());
        assertArrayEquals(g, all(model.gradients()));
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i] - 0.05 * g[i], model.parameters().get(i));
        }
        assertThrows(IllegalArgumentException.class, () -> model.setLearningRate(Double.NaN));
    }

    @Test
    void settingsAreChecked() {
        ModelInfo info = ChunkedSoftmax.info(B, "float32", "adam");
        Optimizer adam = Optimizer.adam(0.1, 0.9, 0.999, 1e-8, 0);
        assertThrows(IllegalArgumentException.class,
                () -> new ModelSettings(info, 0, 0, adam, Clip.NONE, java.util.List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelSettings(info, 3, 0, Optimizer.sgd(0.1, 0, 0), Clip.NONE, java.util.List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelSettings(info, 3, 0, adam, Clip.NONE, java.util.List.of(TensorInit.normal("rnn.weight_ih_l0"))));
        assertThrows(IllegalArgumentException.class, () -> Clip.byNorm(0));
        assertEquals(4, new ModelSettings(info, 3, 0, adam, Clip.NONE, java.util.List.of()).chunks());
    }

    @Test
    void aStepAllocatesNothingAfterWarmUp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Allocations.supported());
        ChunkedSoftmax model = ChunkedSoftmax.adam(B, 3, "float32");
        model.setThreads(1);
        Batch full = batch(model.info(), B, 1);
        Batch shortBatch = batch(model.info(), 5, 2);
        double[] out = new double[B * O];
        for (int i = 0; i < 2000; i++) {
            model.trainStep(i % 2 == 0 ? full : shortBatch);
            model.copyOutputs(out);
        }
        long allocated = Allocations.leastOf(5, () -> {
            for (int i = 0; i < 100; i++) {
                model.trainStep(i % 2 == 0 ? full : shortBatch);
                model.evaluate(full);
                model.copyOutputs(out);
            }
        });
        // a per-step allocation would be at least 100 objects in every round
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 100 steps");
        assertNotEquals(0.0, out[0]);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
