package io.rnnc.runtime.generate;

import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    @Test
    void greedyPicksTheFirstOfEqualMaxima() {
        double[] z = {0.5, 2, -1, 2, 1};
        assertEquals(1, Sampler.pick(z, 0, 5, 0, null));
        assertEquals(1, Sampler.pick(z, 2, 3, 0, null)); // the row z[2..4]: an index within the row
        assertEquals(0, Sampler.pick(new double[] {3, 3, 3}, 0, 3, -1, null));
    }

    @Test
    void samplingFollowsSoftmaxOverTemperature() {
        double[] z = {1.0, 0.0, 2.0, -1.0};
        for (double temperature : new double[] {1.0, 0.5, 2.0}) {
            Rng rng = new Rng(123);
            int draws = 40_000;
            int[] counts = new int[z.length];
            for (int i = 0; i < draws; i++) {
                counts[Sampler.pick(z, 0, z.length, temperature, rng)]++;
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v / temperature);
            }
            for (int j = 0; j < z.length; j++) {
                double p = Math.exp(z[j] / temperature) / sum;
                assertEquals(p, counts[j] / (double) draws, 0.01, "T = " + temperature + ", id " + j);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        ToyStepModel model = new ToyStepModel(6, 1, 2.0);
        Sampler sampler = new Sampler(model);
        int[] a = new int[20];
        int[] b = new int[20];
        int[] c = new int[20];
        int na = sampler.generate(new int[] {4, 1}, null, SequenceGenerator.START_TOKEN, 20, 1.0, new Rng(5), -1, a);
        int nb = sampler.generate(new int[] {4, 1}, null, SequenceGenerator.START_TOKEN, 20, 1.0, new Rng(5), -1, b);
        sampler.generate(new int[] {4, 1}, null, SequenceGenerator.START_TOKEN, 20, 1.0, new Rng(6), -1, c);
        assertEquals(20, na);
        assertEquals(na, nb);
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void generationFeedsTheFirstInputThenEachPickAndStopsAfterTheEndToken() {
        ToyStepModel model = new ToyStepModel(4, 1, 3.0);
        Sampler sampler = new Sampler(model);
        for (int p = 0; p < 40; p++) {
            int[] out = new int[8];
            int n = sampler.generate(new int[] {p}, null, -1, 6, 0, null, 3, out);
            assertTrue(n >= 1 && n <= 6, "min(out.length, maxSteps) caps the steps");
            // the fed ids are -1 (one_to_many's first input) and then every emitted id but an ending one
            List<Integer> fed = model.fedToRow0;
            assertEquals(-1, fed.get(0));
            for (int t = 0; t < n; t++) {
                if (t + 1 < fed.size()) {
                    assertEquals(out[t], fed.get(t + 1));
                }
            }
            boolean ended = out[n - 1] == 3;
            assertEquals(ended ? n : n + 1, fed.size());
            if (!ended) {
                assertEquals(6, n);
            }
            for (int t = 0; t < n - 1; t++) {
                assertNotEquals(3, out[t]);
            }
        }
    }

    @Test
    void aLanguageModelIsPrimedWithThePromptThenContinues() {
        ToyStepModel model = new ToyStepModel(5, 1, 3.0);
        Sampler sampler = new Sampler(model);
        int[] out = new int[7];
        int n = sampler.continuePrompt(new int[] {1, 4, 2}, 0.8, new Rng(9), SequenceGenerator.NO_END_TOKEN, out);
        assertEquals(7, n);
        // the prompt, then every generated id but the last
        assertEquals(List.of(1, 4, 2, out[0], out[1], out[2], out[3], out[4], out[5]), model.fedToRow0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.continuePrompt(new int[0], 0, null, -1, out));
        assertEquals("prime the model with at least one token", e.getMessage());
    }

    @Test
    void samplingWithoutAnRngIsRefused() {
        Sampler sampler = new Sampler(new ToyStepModel(3, 1, 1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(new int[] {1}, null, 0, 3, 0.5, null, -1, new int[3]));
        assertEquals("sampling (temperature > 0) needs an Rng", e.getMessage());
    }

    @Test
    void valueGenerationAppliesTheHeadAndFeedsTheValuesBack() {
        ToyStepModel model = new ToyStepModel(3, 1, 4.0);
        Sampler sampler = new Sampler(model);
        double[] features = {0.25, -1};
        for (ValueHead head : ValueHead.values()) {
            double[] out = new double[4 * 3];
            sampler.values(features, 4, head, out);
            // recompute: state from the features, stepped by the hash of each step's first fed-back value
            long s = ToyStepModel.initial(null, features);
            double[] z = new double[3];
            for (int t = 0; t < 4; t++) {
                s = ToyStepModel.next(s, t == 0 ? Integer.MIN_VALUE : Double.hashCode(out[(t - 1) * 3]));
                ToyStepModel.logitsOf(s, 3, 4.0, z, 0);
                for (int j = 0; j < 3; j++) {
                    assertEquals(head.apply(z[j]), out[t * 3 + j]);
                }
                assertArrayEquals(Arrays.copyOfRange(out, t * 3, t * 3 + 3), model.valuesFed.get(t));
            }
        }
        assertEquals(0.5, ValueHead.SIGMOID.apply(0));
        assertEquals(Math.tanh(0.3), ValueHead.TANH.apply(0.3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.values(features, 4, ValueHead.LINEAR, new double[11]));
        assertEquals("out must hold T_OUT * O = 12 values, has 11", e.getMessage());
    }

    /** Frequencies of 40,000 filtered draws from z at temperature 1. */
    private static double[] frequencies(Sampler sampler, double[] z, int topK, double topP) {
        Rng rng = new Rng(77);
        int[] counts = new int[z.length];
        for (int i = 0; i < 40_000; i++) {
            counts[sampler.pick(z, 0, 1.0, topK, topP, rng)]++;
        }
        double[] f = new double[z.length];
        for (int j = 0; j < f.length; j++) {
            f[j] = counts[j] / 40_000.0;
        }
        return f;
    }

    @Test
    void withoutFiltersTheFilteredPickIsThePlainPick() {
        Sampler sampler = new Sampler(new ToyStepModel(5, 1, 1.0));
        double[] z = {0.3, -1, 2, 0.5, 1};
        Rng a = new Rng(3);
        Rng b = new Rng(3);
        for (int i = 0; i < 2000; i++) {
            assertEquals(Sampler.pick(z, 0, 5, 0.9, a), sampler.pick(z, 0, 0.9, i % 2 == 0 ? 0 : 5, 1.0, b));
        }
    }

    @Test
    void topKKeepsTheKMostLikelyIds() {
        Sampler sampler = new Sampler(new ToyStepModel(4, 1, 1.0));
        double[] z = {1.0, 0.0, 2.0, -1.0};
        assertArrayEquals(new double[] {0, 0, 1, 0}, frequencies(sampler, z, 1, 1.0));
        double[] f = frequencies(sampler, z, 2, 1.0);
        double p0 = Math.exp(1) / (Math.exp(1) + Math.exp(2));
        assertEquals(p0, f[0], 0.01);
        assertEquals(1 - p0, f[2], 0.01);
        assertEquals(0, f[1] + f[3]);
    }

    @Test
    void topPKeepsTheSmallestNucleusReachingP() {
        Sampler sampler = new Sampler(new ToyStepModel(4, 1, 1.0));
        double[] z = {2.0, 1.0, 0.0, -1.0}; // probabilities 0.644, 0.237, 0.087, 0.032
        assertArrayEquals(new double[] {1, 0, 0, 0}, frequencies(sampler, z, 0, 0.5));
        double[] two = frequencies(sampler, z, 0, 0.8);
        assertEquals(Math.exp(2) / (Math.exp(2) + Math.exp(1)), two[0], 0.01);
        assertEquals(0, two[2] + two[3]);
        double[] three = frequencies(sampler, z, 0, 0.9);
        assertTrue(three[2] > 0.05 && three[3] == 0, Arrays.toString(three));
        // top-k first, then top-p of what is left: k = 2 leaves 0.731 / 0.269, p = 0.7 keeps id 0 alone
        assertArrayEquals(new double[] {1, 0, 0, 0}, frequencies(sampler, z, 2, 0.7));
        assertThrows(IllegalArgumentException.class, () -> sampler.setFilters(-1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> sampler.setFilters(3, 0));
    }

    @Test
    void filtersSetOnTheSamplerApplyToGeneration() {
        ToyStepModel model = new ToyStepModel(6, 1, 3.0);
        Sampler sampler = new Sampler(model);
        int[] greedy = new int[15];
        int[] topOne = new int[15];
        sampler.generate(new int[] {2}, null, 0, 15, 0, null, -1, greedy);
        sampler.setFilters(1, 1.0);
        sampler.generate(new int[] {2}, null, 0, 15, 1.5, new Rng(1), -1, topOne);
        assertArrayEquals(greedy, topOne);
    }
}
