package io.rnnc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import org.junit.jupiter.api.Test;

/**
 * Every example of the language issue, as the classes rnnc-maven-plugin generated from
 * {@code samples/specs/*.rnn} at build time: each trains (its loss falls on a fixed batch it can fit)
 * and each generative model produces output through {@link SequenceGenerator}.
 */
class LanguageExamplesTest {

    /** Trains on one batch; returns {first loss, last loss}. */
    private static double[] fit(RnnModel model, Batch batch, int steps) {
        double first = model.trainStep(batch);
        double last = first;
        for (int i = 1; i < steps; i++) {
            last = model.trainStep(batch);
            assertTrue(Double.isFinite(last), model.info().name() + ": loss at step " + i + " is " + last);
        }
        return new double[] {first, last};
    }

    @Test
    void xorLearnsTheTruthTable() {
        Xor xor = new Xor();
        Batch batch = Batch.forModel(xor.info(), 4);
        double[][] cases = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
        for (int b = 0; b < 4; b++) {
            batch.features[2 * b] = cases[b][0];
            batch.features[2 * b + 1] = cases[b][1];
            batch.targets[b] = cases[b][2];
        }
        double[] loss = fit(xor, batch, 300);
        xor.forward(batch);
        double[] out = new double[4];
        xor.copyOutputs(out);
        for (int b = 0; b < 4; b++) {
            assertEquals(cases[b][2], Math.round(out[b]), "xor" + java.util.Arrays.toString(cases[b]) + " = " + out[b]);
        }
        assertTrue(loss[1] < 0.1 * loss[0], "bce falls: " + loss[0] + " -> " + loss[1]);
    }

    @Test
    void charLstmFitsABatchAndGeneratesText() {
        CharLstm lm = new CharLstm();
        Batch batch = Batch.forModel(lm.info(), 4);
        batch.setSize(4);
        // a periodic "text": the next character is fully determined by the current one
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t < 100; t++) {
                batch.tokens[b * 100 + t] = (b + t) % 7 + 3;
                batch.classes[b * 100 + t] = (b + t + 1) % 7 + 3;
            }
        }
        double[] loss = fit(lm, batch, 25);
        assertTrue(loss[1] < 0.5 * loss[0], "cross-entropy falls: " + loss[0] + " -> " + loss[1]);

        int[] out = new int[20];
        int written = lm.generate(new int[] {3, 4, 5}, null, 0.8, new Rng(1), SequenceGenerator.NO_END_TOKEN, out);
        assertEquals(20, written);
        int[] again = new int[20];
        lm.generate(new int[] {3, 4, 5}, null, 0.8, new Rng(1), SequenceGenerator.NO_END_TOKEN, again);
        assertArrayEquals(out, again, "same seed, same text");
        for (int id : out) {
            assertTrue(id >= 0 && id < 96, "token id in the vocabulary: " + id);
        }
    }

    @Test
    void digitDrawerFitsAndDrawsRows() {
        DigitDrawer drawer = new DigitDrawer();
        Batch batch = Batch.forModel(drawer.info(), 10);
        batch.setSize(10);
        // label c (one-hot) -> 28 rows of 28 values: a diagonal band that depends on the class
        for (int c = 0; c < 10; c++) {
            batch.features[c * 10 + c] = 1;
            for (int t = 0; t < 28; t++) {
                for (int j = 0; j < 28; j++) {
                    batch.targets[(c * 28 + t) * 28 + j] = Math.abs(j - (t + c) % 28) <= 1 ? 1 : 0;
                }
            }
        }
        double[] loss = fit(drawer, batch, 60);
        assertTrue(loss[1] < 0.7 * loss[0], "bce falls: " + loss[0] + " -> " + loss[1]);

        double[] x = new double[10];
        x[3] = 1;
        double[] rows = new double[28 * 28];
        drawer.generateValues(x, rows);
        for (double v : rows) {
            assertTrue(v >= 0 && v <= 1, "sigmoid outputs: " + v);
        }
    }

    @Test
    void spell2SoundFitsAndDecodes() {
        Spell2Sound s2s = new Spell2Sound();
        Batch batch = Batch.forModel(s2s.info(), 8);
        batch.setSize(8);
        Rng rng = new Rng(5);
        for (int b = 0; b < 8; b++) {
            for (int t = 0; t < 24; t++) {
                int letter = 1 + rng.nextInt(29);
                batch.tokens[b * 24 + t] = letter;
                batch.classes[b * 24 + t] = 1 + letter % 71;   // target ids 1..71; 0 is the start token
            }
        }
        double[] loss = fit(s2s, batch, 40);
        assertTrue(loss[1] < 0.8 * loss[0], "cross-entropy falls: " + loss[0] + " -> " + loss[1]);

        int[] source = java.util.Arrays.copyOfRange(batch.tokens, 0, 24);
        int[] greedy = new int[24];
        int[] beam1 = new int[24];
        int n = s2s.generate(source, null, 0, null, SequenceGenerator.NO_END_TOKEN, greedy);
        int m = s2s.beamSearch(source, null, 1, SequenceGenerator.NO_END_TOKEN, beam1);
        assertEquals(24, n);
        assertEquals(n, m);
        assertArrayEquals(greedy, beam1, "beam search of width 1 is greedy decoding");
        int[] beam4 = new int[24];
        assertEquals(24, s2s.beamSearch(source, null, 4, SequenceGenerator.NO_END_TOKEN, beam4));
    }
}
