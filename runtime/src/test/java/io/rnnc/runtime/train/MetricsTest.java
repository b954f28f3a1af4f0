package io.rnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measures leave padding out, and F1 and the confusion matrix count what they should. */
class MetricsTest {

    static final int T = 4;
    static final int O = 3;

    /** A tagger whose logits pick class 1 at valid positions and class 2 (wrong) at padding. */
    static final class Tagger implements RnnModel {
        final ModelInfo info = new ModelInfo("Tagger", "many_to_many", "tokens", 0, 5, T, T, O, List.of("gru"), List.of(2),
                "softmax", "cross_entropy", "adam", 8, "float64", List.of(), "# test");
        Batch last;

        @Override public ModelInfo info() { return info; }
        @Override public TensorStore parameters() { return null; }
        @Override public TensorStore gradients() { return null; }
        @Override public OptimizerState optimizerState() { return null; }
        @Override public void initialize(long seed) { }
        @Override public void parametersChanged() { }
        @Override public double computeGradients(Batch batch) { return 0; }
        @Override public double applyUpdate() { return 0; }
        @Override public double evaluate(Batch batch) { last = batch; return Math.log(2); }
        @Override public void forward(Batch batch) { last = batch; }
        @Override public void copyOutputs(double[] dst) { copyLogits(dst); }
        @Override public void copyFinalStates(double[] h, double[] c) { }

        @Override
        public void copyLogits(double[] dst) {
            for (int r = 0; r < last.size(); r++) {
                for (int t = 0; t < T; t++) {
                    int p = r * T + t;
                    for (int k = 0; k < O; k++) {
                        dst[p * O + k] = 0;
                    }
                    dst[p * O + (t < last.length(r) ? 1 : 2)] = 5;
                }
            }
        }
    }

    /** Two samples, lengths 2 and 4; every valid target is class 1 but the last step of sample 2 (class 0). */
    static final Dataset DATA = new Dataset() {
        @Override public int size() { return 2; }

        @Override
        public SampleLayout layout() {
            return new SampleLayout(true, new int[] {T}, 5, true, new int[] {T}, O, "test tags");
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            int length = index == 0 ? 2 : 4;
            for (int t = 0; t < T; t++) {
                batch.tokens[slot * T + t] = t < length ? 3 : 0;
                batch.classes[slot * T + t] = t >= length ? 0 : index == 1 && t == 3 ? 0 : 1;
            }
            batch.setLength(slot, length);
        }
    };

    @Test
    void paddingNeverCountsAndTheMatrixHoldsTheValidPositionsOnly() {
        Metrics.Result r = Metrics.of(new Tagger(), DATA, Metrics.Task.TAGGING, null);
        // 6 valid positions, 5 right (padding predicted 2 would make it 5 of 8 if counted)
        assertEquals(5.0 / 6, r.get("accuracy"), 1e-15);
        assertArrayEquals(new long[] {0, 1, 0}, r.confusion()[0]);
        assertArrayEquals(new long[] {0, 5, 0}, r.confusion()[1]);
        assertArrayEquals(new long[] {0, 0, 0}, r.confusion()[2]);
        assertEquals(0.0, r.f1()[0]);
        assertEquals(2.0 * 5 / (5 + 6), r.f1()[1], 1e-15);
        assertEquals(Double.NaN, r.f1()[2], "a class never seen nor predicted has no F1");
        assertEquals((0.0 + 10.0 / 11) / 2, r.get("macro_f1"), 1e-15, "the macro average skips it");
        assertEquals(2, r.samples());
    }

    @Test
    void sequenceAccuracyNeedsEveryValidStepRight() {
        Metrics.Result r = Metrics.of(new Tagger(), DATA, Metrics.Task.SEQUENCE, null);
        assertEquals(5.0 / 6, r.get("token_accuracy"), 1e-15);
        assertEquals(0.5, r.get("sequence_accuracy"), "sample 1 right, sample 2 not");
    }

    @Test
    void aLanguageModelsPerplexityIsTheExponentOfItsLoss() {
        Metrics.Result r = Metrics.of(new Tagger(), DATA, Metrics.Task.LANGUAGE_MODEL, null);
        assertEquals(2, r.get("perplexity"), 1e-12);
        assertEquals(1, r.get("bits_per_token"), 1e-12);
    }
}
