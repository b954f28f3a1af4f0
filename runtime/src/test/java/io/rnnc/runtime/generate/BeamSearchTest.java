package io.rnnc.runtime.generate;

import io.rnnc.runtime.SequenceGenerator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BeamSearchTest {

    private static final int V = 3;
    private static final int END = 2;
    private static final int START = SequenceGenerator.START_TOKEN;

    /** The best sequence of at most {@code steps} ids: ending at the end token, or of full length. */
    private static final class Best {
        double score = Double.NEGATIVE_INFINITY;
        int[] ids = new int[0];
        int count;
    }

    private static void enumerate(long state, int input, double score, int[] prefix, int depth, int steps, int end,
                                  double spread, Best best) {
        long s = ToyStepModel.next(state, input);
        double[] z = new double[V];
        ToyStepModel.logitsOf(s, V, spread, z, 0);
        double max = Arrays.stream(z).max().orElseThrow();
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        for (int j = 0; j < V; j++) {
            double sc = score + z[j] - lse;
            int[] seq = Arrays.copyOf(prefix, depth + 1);
            seq[depth] = j;
            if (j == end || depth + 1 == steps) {
                best.count++;
                if (sc > best.score) {
                    best.score = sc;
                    best.ids = seq;
                }
            } else {
                enumerate(s, j, sc, seq, depth + 1, steps, end, spread, best);
            }
        }
    }

    private static Best bruteForce(int[] prompt, int steps, int end, double spread) {
        Best best = new Best();
        enumerate(ToyStepModel.initial(prompt, null), START, 0, new int[0], 0, steps, end, spread, best);
        return best;
    }

    @Test
    void aBeamAsWideAsEveryPrefixFindsTheBestSequenceOfTheEnumeration() {
        int steps = 4;
        int width = 27; // V^(steps - 1): no hypothesis is ever dropped
        ToyStepModel model = new ToyStepModel(V, width, 3.0);
        BeamSearch beams = new BeamSearch(model, steps);
        int ended = 0;
        for (int p = 0; p < 200; p++) {
            int[] prompt = {p, p / 7};
            Best want = bruteForce(prompt, steps, END, 3.0);
            int[] out = new int[steps];
            int n = beams.search(prompt, null, START, width, END, out);
            assertArrayEquals(want.ids, Arrays.copyOf(out, n), "prompt " + p);
            ended += want.ids[want.ids.length - 1] == END && want.ids.length < steps ? 1 : 0;
        }
        // both outcomes occur: the best sequence ends early for some prompts and runs to the cap for others
        assertTrue(ended > 0 && ended < 200, "ended early " + ended);
    }

    @Test
    void withoutAnEndTokenTheSearchRunsToTheCapAndMatchesTheEnumeration() {
        int steps = 3;
        ToyStepModel model = new ToyStepModel(V, 9, 2.0);
        BeamSearch beams = new BeamSearch(model, 5);
        for (int p = 0; p < 50; p++) {
            int[] prompt = {p};
            Best want = bruteForce(prompt, steps, SequenceGenerator.NO_END_TOKEN, 2.0);
            assertEquals(27, want.count);
            int[] out = new int[steps]; // out's length caps the steps below maxSteps
            assertEquals(steps, beams.search(prompt, null, START, 9, SequenceGenerator.NO_END_TOKEN, out));
            assertArrayEquals(want.ids, out);
        }
    }

    @Test
    void widthOneIsGreedyDecoding() {
        ToyStepModel model = new ToyStepModel(5, 4, 4.0);
        BeamSearch beams = new BeamSearch(model, 12);
        Sampler sampler = new Sampler(model);
        for (int p = 0; p < 100; p++) {
            int[] prompt = {p};
            int[] greedy = new int[12];
            int g = sampler.generate(prompt, null, START, 12, 0, null, 4, greedy);
            int[] beam = new int[12];
            int b = beams.search(prompt, null, START, 1, 4, beam);
            assertArrayEquals(Arrays.copyOf(greedy, g), Arrays.copyOf(beam, b), "prompt " + p);
        }
    }

    @Test
    void theWidthMustFitTheModelsBatch() {
        ToyStepModel model = new ToyStepModel(V, 4, 1.0);
        BeamSearch beams = new BeamSearch(model, 3);
        int[] out = new int[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> beams.search(new int[] {1}, null, START, 5, END, out));
        assertEquals("beam width 5 is outside 1..B = 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> beams.search(new int[] {1}, null, START, 0, END, out));
    }
}
