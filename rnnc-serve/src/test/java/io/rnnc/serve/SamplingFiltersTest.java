package io.rnnc.serve;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Top-k / top-p through the predictor: filters that keep every id draw what plain sampling (the generated class's own
 * path) draws, so the predictor's filtering path starts and feeds back as the generated class does; top-k 1 and a
 * tiny top-p are greedy decoding; a top-k filter draws only among the k most likely ids.
 */
class SamplingFiltersTest {

    @Test
    void aLanguageModelsFiltersKeepingEveryIdArePlainSamplingAndTopOneIsGreedy() {
        Predictor lm = TestModels.predictor("language.rnn", 6, 2);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20; i++) {
            int[] prompt = TestModels.ids(r, 1 + r.nextInt(4), 12);
            long seed = r.nextLong();
            int[] plain = lm.generate(prompt, 25, 1.3, seed, -1);
            assertArrayEquals(plain, lm.generate(prompt, 25, 1.3, 12, 1, seed, -1), "top-k = V keeps every id");
            int[] greedy = lm.generate(prompt, 25, 0, 0, -1);
            assertArrayEquals(greedy, lm.generate(prompt, 25, 1.3, 1, 1, seed, -1), "top-k 1");
            assertArrayEquals(greedy, lm.generate(prompt, 25, 1.3, 0, 1e-9, seed, -1), "a nucleus of the arg-max alone");
        }
    }

    @Test
    void topKDrawsOnlyAmongTheKMostLikelyIds() {
        Predictor lm = TestModels.predictor("language.rnn", 6, 1);
        // one step from a prompt: the k most likely next ids are those of the model's outputs after the prompt
        int[] prompt = {3, 1, 4};
        double[] probs = lm.predict(prompt);
        int last = (prompt.length - 1) * 12;
        Integer[] order = new Integer[12];
        for (int k = 0; k < 12; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(probs[last + b], probs[last + a]));
        Set<Integer> top3 = Set.of(order[0], order[1], order[2]);
        Set<Integer> drawn = new HashSet<>();
        Set<Integer> unfiltered = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            drawn.add(lm.generate(prompt, 1, 5.0, 3, 1, seed, -1)[0]);
            unfiltered.add(lm.generate(prompt, 1, 5.0, seed, -1)[0]);
        }
        assertTrue(top3.containsAll(drawn), "drawn " + drawn + ", the top 3 are " + top3);
        assertEquals(3, drawn.size(), "a hot draw reaches each of the 3: " + drawn);
        assertTrue(unfiltered.size() > 3, "without the filter, more ids: " + unfiltered);
    }

    @Test
    void translatorAndDrawerTakeTheFiltersToo() {
        Predictor tr = TestModels.predictor("translator.rnn", 7, 1);
        int[] source = {4, 5, 6, 7};
        for (long seed = 0; seed < 10; seed++) {
            assertArrayEquals(tr.translateSampled(source, 1.1, seed, -1), tr.translateSampled(source, 1.1, 10, 1, seed, -1));
            assertArrayEquals(tr.translateSampled(source, 0, 0, -1), tr.translateSampled(source, 1.1, 1, 1, seed, -1));
        }
        Predictor drawer = TestModels.predictor("drawer.rnn", 7, 1);
        double[] x = {0.5, -1, 2, 0.1, 0.3};
        for (long seed = 0; seed < 10; seed++) {
            assertArrayEquals(drawer.generateFrom(x, 1.1, seed, 1, -1), drawer.generateFrom(x, 1.1, 7, 1, seed, 1, -1));
            assertArrayEquals(drawer.generateFrom(x, 0, 0, 1, -1), drawer.generateFrom(x, 1.1, 1, 1, seed, 1, -1));
        }
    }

    @Test
    void badFiltersAreBadRequests() {
        Predictor lm = TestModels.predictor("language.rnn", 6, 1);
        int[] prompt = {1};
        assertTrue(assertThrows(BadRequest.class, () -> lm.generate(prompt, 5, 1, -1, 1, 0, -1)).getMessage().contains("top-k"));
        assertTrue(assertThrows(BadRequest.class, () -> lm.generate(prompt, 5, 1, 0, 0, 0, -1)).getMessage().contains("top-p"));
        assertTrue(assertThrows(BadRequest.class, () -> lm.generate(prompt, 5, 1, 0, 1.5, 0, -1)).getMessage().contains("top-p"));
        assertTrue(assertThrows(BadRequest.class, () -> lm.generate(prompt, 5, 1, 0, Double.NaN, 0, -1)).getMessage().contains("top-p"));
    }
}
