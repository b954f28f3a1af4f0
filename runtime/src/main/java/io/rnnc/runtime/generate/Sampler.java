package io.rnnc.runtime.generate;

import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;

/**
 * Generation one sequence at a time on row 0 of a {@link StepModel}: greedy arg-max (temperature 0) or
 * sampling from softmax(logits / temperature) with draws only from the caller's {@link Rng} (same seed,
 * same ids), and one_to_many value generation. The semantics of {@link SequenceGenerator#generate} and
 * {@link SequenceGenerator#generateValues}. A generated class keeps one (made once, it allocates nothing
 * per call) and delegates:
 * <pre>{@code
 * public int generate(int[] prompt, double[] features, double temperature, Rng rng, int endToken, int[] out) {
 *     return sampler.generate(prompt, features, START_TOKEN, T_OUT, temperature, rng, endToken, out);  // seq2seq
 * }
 * }</pre>
 */
public final class Sampler {

    private final StepModel model;
    private final int outputs;
    /** Row 0's logits of the last step. */
    private final double[] logits;

    public Sampler(StepModel model) {
        this.model = model;
        this.outputs = model.outputs();
        this.logits = new double[outputs];
    }

    /**
     * seq2seq and one_to_many: start from the prompt or features, feed {@code firstInput}
     * ({@link SequenceGenerator#START_TOKEN}, or -1 for one_to_many's zero feedback), then step, pick and
     * feed the pick back, for at most {@code min(out.length, maxSteps)} steps or until {@code endToken}
     * (written too).
     *
     * @return how many ids were written
     */
    public int generate(int[] prompt, double[] features, int firstInput, int maxSteps, double temperature, Rng rng,
                        int endToken, int[] out) {
        checkRng(temperature, rng);
        model.start(1, prompt, features);
        model.feedToken(0, firstInput);
        int steps = Math.min(out.length, maxSteps);
        for (int t = 0; t < steps; t++) {
            model.step(1);
            int id = pickRow0(temperature, rng);
            out[t] = id;
            if (id == endToken) {
                return t + 1;
            }
            model.feedToken(0, id);
        }
        return steps;
    }

    /**
     * A token language model: run the prompt (at least one id) through the stack, then pick, feed back
     * and step until {@code out} is full or {@code endToken} was written.
     *
     * @return how many ids were written
     */
    public int continuePrompt(int[] prompt, double temperature, Rng rng, int endToken, int[] out) {
        checkRng(temperature, rng);
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("prime the model with at least one token");
        }
        model.start(1, prompt, null);
        for (int id : prompt) {
            model.feedToken(0, id);
            model.step(1);
        }
        for (int t = 0; t < out.length; t++) {
            int id = pickRow0(temperature, rng);
            out[t] = id;
            if (id == endToken) {
                return t + 1;
            }
            if (t + 1 < out.length) {
                model.feedToken(0, id);
                model.step(1);
            }
        }
        return out.length;
    }

    /**
     * one_to_many with a value head: {@code steps} steps of O values into {@code out [steps, O]} (after
     * the activation), each step's values fed back as the next step's input.
     */
    public void values(double[] features, int steps, ValueHead head, double[] out) {
        if (out.length < steps * outputs) {
            throw new IllegalArgumentException("out must hold T_OUT * O = " + steps * outputs + " values, has " + out.length);
        }
        model.start(1, null, features);
        for (int t = 0; t < steps; t++) {
            model.step(1);
            model.logits(1, logits);
            for (int j = 0; j < outputs; j++) {
                out[t * outputs + j] = head.apply(logits[j]);
            }
            // the step's outputs are the next step's feedback
            model.feedValues(0, out, t * outputs);
        }
    }

    private int pickRow0(double temperature, Rng rng) {
        model.logits(1, logits);
        return pick(logits, 0, outputs, temperature, rng);
    }

    private static void checkRng(double temperature, Rng rng) {
        if (temperature > 0 && rng == null) {
            throw new IllegalArgumentException("sampling (temperature > 0) needs an Rng");
        }
    }

    /**
     * The arg-max of {@code logits[off .. off + n - 1]} (the first of equal maxima) when temperature is 0 or
     * less; else one draw from softmax(logits / temperature): u = rng.nextDouble() · Σ exp((z_j - max) / T),
     * the first j where the running subtraction goes below 0 (the arg-max if rounding leaves none).
     */
    public static int pick(double[] logits, int off, int n, double temperature, Rng rng) {
        int best = 0;
        double max = logits[off];
        for (int j = 1; j < n; j++) {
            if (logits[off + j] > max) {
                max = logits[off + j];
                best = j;
            }
        }
        if (temperature <= 0) {
            return best;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp((logits[off + j] - max) / temperature);
        }
        double u = rng.nextDouble() * sum;
        for (int j = 0; j < n; j++) {
            u -= Math.exp((logits[off + j] - max) / temperature);
            if (u < 0) {
                return j;
            }
        }
        return best;
    }
}
