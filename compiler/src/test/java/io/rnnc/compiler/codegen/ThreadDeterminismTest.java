package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import io.rnnc.runtime.RnnModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch is cut into fixed chunks whose gradients are summed in chunk order, so the number of
 * threads changes nothing: losses, outputs and parameters after training agree to the bit.
 */
class ThreadDeterminismTest {

    private static Model features(String name, CellType cell, int batch) {
        return TestModels.builder(name).features(5).steps(7).layer(cell, 24).layer(cell, 20)
                .head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(batch).seed(3).build();
    }

    private static Model seq2seq() {
        return TestModels.builder("S2sThreads").mode(SequenceMode.SEQ2SEQ)
                .encoder(InputSpec.embedded(11, 6, SourcePos.NONE), 5)
                .embedded(9, 6).steps(4).layer(CellType.GRU, 16).layer(CellType.GRU, 16)
                .head(9, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(72).seed(5).build();
    }

    private static Model manyToManyMse() {
        return TestModels.builder("M2mThreads").mode(SequenceMode.MANY_TO_MANY).features(3).steps(6)
                .layer(CellType.LSTM, 12).head(2, HeadActivation.TANH, LossKind.MSE).batch(100).seed(9).build();
    }

    @Test
    void oneTwoAndThreeThreadsTrainToTheSameBits() {
        for (Model m : List.of(features("RnnThreads", CellType.RNN_TANH, 64), features("LstmThreads", CellType.LSTM, 64),
                features("GruThreads", CellType.GRU, 100), seq2seq(), manyToManyMse())) {
            Run one = train(m, 1, m.batch());
            Run two = train(m, 2, m.batch());
            Run three = train(m, 3, m.batch());
            assertTrue(two.threads >= 2, m.name() + " should use two threads, uses " + two.threads);
            assertArrayEquals(one.losses, two.losses, m.name() + ": losses, 1 vs 2 threads");
            assertArrayEquals(one.params, two.params, m.name() + ": parameters, 1 vs 2 threads");
            assertArrayEquals(one.outputs, two.outputs, m.name() + ": outputs, 1 vs 2 threads");
            assertArrayEquals(one.params, three.params, m.name() + ": parameters, 1 vs 3 threads");
            assertNotEquals(one.losses[0], one.losses[one.losses.length - 1], m.name() + ": the loss should move");
        }
    }

    @Test
    void aPartialBatchAgreesAcrossThreadCountsToo() {
        Model m = features("GruPartial", CellType.GRU, 100);
        Run one = train(m, 1, 45);
        Run two = train(m, 2, 45);
        assertArrayEquals(one.losses, two.losses);
        assertArrayEquals(one.params, two.params);
    }

    @Test
    void chunkedLossIsTheMeanOverTheWholeBatch() {
        // The chunked result must be the maths of the whole batch: equal to the per-row mean up to rounding.
        Model m = features("RnnMean", CellType.RNN_TANH, 64);
        RnnModel net = TestModels.instantiate(m);
        Batch batch = GradCheck.randomBatch(net.info(), 64, 17);
        double whole = net.evaluate(batch);
        double sum = 0;
        Batch single = Batch.forModel(net.info(), 1);
        for (int r = 0; r < 64; r++) {
            System.arraycopy(batch.features, r * 35, single.features, 0, 35);
            single.classes[0] = batch.classes[r];
            single.setSize(1);
            sum += net.evaluate(single);
        }
        assertEquals(sum / 64, whole, 1e-5);
    }

    @Test
    void threadCountIsValidatedAndCapped() {
        RnnModel net = TestModels.instantiate(features("RnnCap", CellType.RNN_TANH, 64));
        assertThrows(IllegalArgumentException.class, () -> net.setThreads(0));
        net.setThreads(16);
        assertEquals(2, net.threads(), "64 rows make two chunks of 32: more threads would idle");
        net.setThreads(1);
        assertEquals(1, net.threads());
    }

    private record Run(double[] losses, double[] params, double[] outputs, int threads) {
    }

    private static Run train(Model m, int threads, int rows) {
        RnnModel net = TestModels.instantiate(m);
        net.setThreads(threads);
        double[] losses = new double[6];
        for (int i = 0; i < losses.length; i++) {
            Batch batch = GradCheck.randomBatch(net.info(), rows, 100 + i);
            losses[i] = net.trainStep(batch);
        }
        Batch probe = GradCheck.randomBatch(net.info(), rows, 7);
        net.forward(probe);
        double[] out = new double[rows * net.info().outputSteps() * net.info().outputs()];
        net.copyOutputs(out);
        List<Double> all = new java.util.ArrayList<>();
        for (var t : net.parameters().tensors()) {
            for (double v : net.parameters().copyOut(t.name())) {
                all.add(v);
            }
        }
        return new Run(losses, all.stream().mapToDouble(Double::doubleValue).toArray(), out, net.threads());
    }
}
