package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;

/** Small seeded tasks with fixed budgets (quality, not time), issue 5. */
class LearningTest {

    /** one_to_one learns XOR: budget 400 Adam steps on the four patterns (not samples/specs/xor.rnn, which uses SGD). */
    @Test
    void oneToOneLearnsXor() {
        RnnModel net = TestModels.instantiate(TestModels.builder("XorOnAdam").mode(SequenceMode.ONE_TO_ONE).features(2).steps(1)
                .layer(CellType.RNN_TANH, 8).head(1, HeadActivation.SIGMOID, LossKind.BCE)
                .adam(0.05, 0.9, 0.999, 1e-8, 0).batch(4).seed(1).build());
        Batch b = Batch.forModel(net.info());
        double[][] xs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        for (int i = 0; i < 4; i++) {
            b.features[2 * i] = xs[i][0];
            b.features[2 * i + 1] = xs[i][1];
            b.targets[i] = ((int) xs[i][0]) ^ ((int) xs[i][1]);
        }
        double loss = 0;
        for (int step = 0; step < 400; step++) {
            loss = net.trainStep(b);
        }
        net.forward(b);
        double[] p = new double[4];
        net.copyOutputs(p);
        System.out.println("LEARN xor: loss " + loss + ", outputs " + java.util.Arrays.toString(p));
        for (int i = 0; i < 4; i++) {
            assertTrue((p[i] > 0.5) == (b.targets[i] > 0.5), "pattern " + i + ": " + p[i]);
        }
        assertTrue(loss < 0.1, "loss " + loss);
    }

    /** one_to_many emits a fixed pattern per input class: budget 300 Adam steps, then exact greedy output. */
    @Test
    void oneToManyLearnsAPatternPerClass() {
        int[][] patterns = {{0, 1, 2, 3, 0, 1}, {3, 3, 2, 2, 1, 1}, {1, 0, 1, 0, 2, 3}};
        RnnModel net = TestModels.instantiate(TestModels.builder("Drawer").mode(SequenceMode.ONE_TO_MANY).features(3)
                .steps(6).layer(CellType.LSTM, 24).head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY)
                .adam(0.02, 0.9, 0.999, 1e-8, 0).batch(3).seed(2).build());
        Batch b = Batch.forModel(net.info());
        for (int c = 0; c < 3; c++) {
            b.features[c * 3 + c] = 1;
            System.arraycopy(patterns[c], 0, b.classes, c * 6, 6);
        }
        double loss = 0;
        for (int step = 0; step < 300; step++) {
            loss = net.trainStep(b);
        }
        System.out.println("LEARN one_to_many patterns: loss " + loss);
        SequenceGenerator gen = (SequenceGenerator) net;
        for (int c = 0; c < 3; c++) {
            double[] x = new double[3];
            x[c] = 1;
            int[] out = new int[6];
            gen.generate(null, x, 0, null, SequenceGenerator.NO_END_TOKEN, out);
            assertArrayEquals(patterns[c], out, "class " + c);
        }
    }

    /**
     * seq2seq reverses random digit strings: 5 digits in (ids 0..9), the reversal out (digit d as id
     * d+1; id 0 is the start token); budget 1500 Adam steps of 32 fresh strings; then greedy decoding of
     * 500 unseen strings must get at least 95 % of the tokens right.
     */
    @Test
    void seq2seqLearnsToReverseDigitStrings() {
        int len = 5;
        RnnModel net = TestModels.instantiate(TestModels.builder("Reverser").mode(SequenceMode.SEQ2SEQ)
                .encoder(InputSpec.embedded(10, 16, SourcePos.NONE), len).embedded(11, 16).steps(len)
                .layer(CellType.GRU, 96).head(11, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY)
                .adam(0.005, 0.9, 0.999, 1e-8, 0).clipNorm(5).batch(32).seed(3).build());
        Batch b = Batch.forModel(net.info());
        Rng rng = new Rng(77);
        double loss = 0;
        for (int step = 0; step < 1500; step++) {
            for (int r = 0; r < 32; r++) {
                for (int t = 0; t < len; t++) {
                    b.tokens[r * len + t] = rng.nextInt(10);
                }
                for (int t = 0; t < len; t++) {
                    b.classes[r * len + t] = b.tokens[r * len + (len - 1 - t)] + 1;
                }
            }
            loss = net.trainStep(b);
        }
        SequenceGenerator gen = (SequenceGenerator) net;
        Rng test = new Rng(123456);
        int right = 0;
        int total = 0;
        for (int i = 0; i < 500; i++) {
            int[] src = new int[len];
            for (int t = 0; t < len; t++) {
                src[t] = test.nextInt(10);
            }
            int[] out = new int[len];
            gen.generate(src, null, 0, null, SequenceGenerator.NO_END_TOKEN, out);
            for (int t = 0; t < len; t++) {
                right += out[t] == src[len - 1 - t] + 1 ? 1 : 0;
                total++;
            }
        }
        double accuracy = (double) right / total;
        System.out.println("LEARN seq2seq reverse: final loss " + loss + ", greedy token accuracy " + accuracy);
        assertTrue(accuracy >= 0.95, "token accuracy " + accuracy);
    }
}
