package io.rnnc.runtime.generate;

import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;

import java.util.Arrays;

/**
 * Generation one sequence at a time on row 0 of a {@link StepModel}: greedy arg-max (temperature 0) or
 * sampling from softmax(logits / temperature) with draws only from the caller's {@link Rng} (same seed,
 * same ids), optionally filtered to the top-k ids and the top-p nucleus ({@link #setFilters}; off by
 * default), and one_to_many value generation. The semantics of {@link SequenceGenerator#generate} and
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
    /** Scratch of the top-k / top-p filters: each id's weight, and values sorted. */
    private final double[] weights;
    private final double[] sorted;
    /** Top-k and top-p of the draws (off: 0 and 1, today's plain sampling). */
    private int topK;
    private double topP = 1;

    public Sampler(StepModel model) {
        this.model = model;
        this.outputs = model.outputs();
        this.logits = new double[outputs];
        this.weights = new double[outputs];
        this.sorted = new double[outputs];
    }

    /**
     * Filters the draws of the following calls to the {@code topK} most likely ids (0: all) and then to
     * the nucleus of probability {@code topP} (1: all); see {@link #pick(double[], int, double, int, double, Rng)}.
     */
    public void setFilters(int topK, double topP) {
        if (topK < 0 || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-k must be >= 0 and top-p in (0, 1], got " + topK + " and " + topP);
        }
        this.topK = topK;
        this.topP = topP;
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
        return pick(logits, 0, temperature, topK, topP, rng);
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

    /**
     * {@link #pick} with top-k and top-p (nucleus) filtering, applied in that order after the temperature
     * as Hugging Face's {@code TopKLogitsWarper} and {@code TopPLogitsWarper} do: top-k keeps the ids whose
     * logit is at least the k-th largest (ties with it kept); top-p then keeps the ids whose weight is at
     * least that of the last id in the shortest run of the largest weights (of the ids kept) whose share
     * reaches {@code topP} (ties kept; the arg-max always). The draw is {@link #pick}'s over the ids kept:
     * with {@code topK <= 0} (or at least O) and {@code topP >= 1} it is {@link #pick} exactly, the same ids
     * from the same seed. Temperature 0 or less is greedy whatever the filters.
     */
    public int pick(double[] logits, int off, double temperature, int topK, double topP, Rng rng) {
        int n = outputs;
        boolean filterK = topK > 0 && topK < n;
        boolean filterP = topP < 1;
        if (temperature <= 0 || (!filterK && !filterP)) {
            return pick(logits, off, n, temperature, rng);
        }
        if (!(topP > 0)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        int best = 0;
        double max = logits[off];
        for (int j = 1; j < n; j++) {
            if (logits[off + j] > max) {
                max = logits[off + j];
                best = j;
            }
        }
        // weights of the ids kept; 0 for the others
        double minLogit = Double.NEGATIVE_INFINITY;
        if (filterK) {
            System.arraycopy(logits, off, sorted, 0, n);
            Arrays.sort(sorted, 0, n);
            minLogit = sorted[n - topK];
        }
        double total = 0;
        for (int j = 0; j < n; j++) {
            double e = logits[off + j] >= minLogit ? Math.exp((logits[off + j] - max) / temperature) : 0;
            weights[j] = e;
            total += e;
        }
        if (filterP) {
            System.arraycopy(weights, 0, sorted, 0, n);
            Arrays.sort(sorted, 0, n);
            double cum = 0;
            double minWeight = sorted[n - 1];
            for (int i = n - 1; i >= 0 && cum < topP * total; i--) {
                cum += sorted[i];
                minWeight = sorted[i];
            }
            total = 0;
            for (int j = 0; j < n; j++) {
                if (weights[j] < minWeight) {
                    weights[j] = 0;
                }
                total += weights[j];
            }
        }
        double u = rng.nextDouble() * total;
        for (int j = 0; j < n; j++) {
            if (weights[j] > 0) {
                u -= weights[j];
                if (u < 0) {
                    return j;
                }
            }
        }
        return best;
    }
}
