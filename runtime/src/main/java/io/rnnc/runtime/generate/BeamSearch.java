package io.rnnc.runtime.generate;

import io.rnnc.runtime.SequenceGenerator;

/**
 * Beam search over a {@link StepModel}, with the semantics of {@link SequenceGenerator#beamSearch}: at each
 * step the best {@code width} extensions of all live hypotheses by summed log-probability (log-softmax in
 * double, scores summed in double; equal scores keep the earlier parent and the lower id); an extension
 * that emits the end token is finished and still takes its slot, so width 1 is exactly greedy decoding;
 * the search stops when no live hypothesis can beat the best finished one (scores only fall). Made once
 * for a model (it holds scratch for {@code maxRows} hypotheses of {@code maxSteps} ids); a search then
 * allocates nothing. A generated class delegates:
 * <pre>{@code
 * public int beamSearch(int[] prompt, double[] features, int width, int endToken, int[] out) {
 *     return beams.search(prompt, features, START_TOKEN, width, endToken, out);   // one_to_many: -1
 * }
 * }</pre>
 */
public final class BeamSearch {

    private final StepModel model;
    private final int outputs;
    private final int maxRows;
    private final int maxSteps;
    /** Logits of the live rows, [rows, O]. */
    private final double[] logits;
    private final double[] beamScore;
    private final double[] candScore;
    private final int[] candParent;
    private final int[] candToken;
    /** Ids so far of each live hypothesis, [rows, maxSteps], and the next step's copy. */
    private final int[] hist;
    private final int[] histNext;

    /**
     * @param maxSteps the most ids a search writes (T_out)
     */
    public BeamSearch(StepModel model, int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        this.model = model;
        this.outputs = model.outputs();
        this.maxRows = model.maxRows();
        this.maxSteps = maxSteps;
        this.logits = new double[maxRows * outputs];
        this.beamScore = new double[maxRows];
        this.candScore = new double[maxRows];
        this.candParent = new int[maxRows];
        this.candToken = new int[maxRows];
        this.hist = new int[maxRows * maxSteps];
        this.histNext = new int[maxRows * maxSteps];
    }

    /**
     * Searches from the prompt or features, the first input being {@code firstInput}
     * ({@link SequenceGenerator#START_TOKEN}, or -1 for one_to_many), for at most
     * {@code min(out.length, maxSteps)} ids.
     *
     * @return how many ids were written to {@code out} (the end token included)
     */
    public int search(int[] prompt, double[] features, int firstInput, int width, int endToken, int[] out) {
        if (width < 1 || width > maxRows) {
            throw new IllegalArgumentException("beam width " + width + " is outside 1..B = " + maxRows);
        }
        int steps = Math.min(out.length, maxSteps);
        model.start(width, prompt, features);
        model.feedToken(0, firstInput);
        int live = 1;
        beamScore[0] = 0;
        double bestDone = Double.NEGATIVE_INFINITY;
        int bestLen = 0;
        int len = 0;
        for (int t = 0; t < steps; t++) {
            model.step(live);
            model.logits(live, logits);
            int found = bestExtensions(live, width);
            // candidates that end are finished (they keep their slot); the others stay live
            int next = 0;
            for (int i = 0; i < found; i++) {
                int p = candParent[i];
                if (candToken[i] == endToken) {
                    if (candScore[i] > bestDone) {
                        bestDone = candScore[i];
                        System.arraycopy(hist, p * maxSteps, out, 0, t);
                        out[t] = endToken;
                        bestLen = t + 1;
                    }
                    continue;
                }
                System.arraycopy(hist, p * maxSteps, histNext, next * maxSteps, t);
                histNext[next * maxSteps + t] = candToken[i];
                // compact in place: next <= i, and slot i was read above
                candScore[next] = candScore[i];
                candParent[next] = p;
                candToken[next] = candToken[i];
                next++;
            }
            if (next == 0 || candScore[0] <= bestDone) {
                // no live beam can beat the best finished one: scores only fall
                break;
            }
            live = next;
            model.reorder(candParent, live);
            System.arraycopy(histNext, 0, hist, 0, live * maxSteps);
            System.arraycopy(candScore, 0, beamScore, 0, live);
            len = t + 1;
            for (int i = 0; i < live; i++) {
                model.feedToken(i, candToken[i]);
            }
        }
        if (len == steps && len > 0 && beamScore[0] > bestDone) {
            System.arraycopy(hist, 0, out, 0, len);
            return len;
        }
        return bestLen;
    }

    /** The best {@code width} (score, parent, id) of all live rows' extensions into cand*, best first; returns how many. */
    private int bestExtensions(int live, int width) {
        int found = 0;
        for (int r = 0; r < live; r++) {
            int o = r * outputs;
            double max = logits[o];
            for (int j = 1; j < outputs; j++) {
                max = Math.max(max, logits[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < outputs; j++) {
                sum += Math.exp(logits[o + j] - max);
            }
            double lse = max + Math.log(sum);
            for (int j = 0; j < outputs; j++) {
                double s = beamScore[r] + logits[o + j] - lse;
                if (found == width && s <= candScore[found - 1]) {
                    continue;
                }
                int at = found < width ? found++ : found - 1;
                while (at > 0 && candScore[at - 1] < s) {
                    candScore[at] = candScore[at - 1];
                    candParent[at] = candParent[at - 1];
                    candToken[at] = candToken[at - 1];
                    at--;
                }
                candScore[at] = s;
                candParent[at] = r;
                candToken[at] = j;
            }
        }
        return found;
    }
}
