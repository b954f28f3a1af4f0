package io.rnnc.runtime.generate;

import io.rnnc.runtime.init.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny deterministic {@link StepModel}: a row's state is a hash of everything fed to it since the
 * start, and its logits after a step are a fixed pseudo-random function of that state, so each prefix
 * has its own next-token distribution and the brute-force enumeration in the tests can recompute any of
 * them with {@link #next} and {@link #logitsOf}. Logits are float-rounded, as a float32 model's are.
 */
final class ToyStepModel implements StepModel {

    private final int outputs;
    private final int maxRows;
    private final double spread;
    private final long[] state;
    private final long[] scratch;
    private final int[] input;
    private final double[] lastLogits;
    /** Every id fed to row 0, in order (sampler tests). */
    final List<Integer> fedToRow0 = new ArrayList<>();
    /** Values fed back to row 0, one array per step. */
    final List<double[]> valuesFed = new ArrayList<>();

    ToyStepModel(int outputs, int maxRows, double spread) {
        this.outputs = outputs;
        this.maxRows = maxRows;
        this.spread = spread;
        this.state = new long[maxRows];
        this.scratch = new long[maxRows];
        this.input = new int[maxRows];
        this.lastLogits = new double[maxRows * outputs];
    }

    static long initial(int[] prompt, double[] features) {
        long s = 17;
        if (prompt != null) {
            for (int id : prompt) {
                s = s * 31 + id;
            }
        }
        if (features != null) {
            for (double f : features) {
                s = s * 31 + Double.hashCode(f);
            }
        }
        return s;
    }

    static long next(long state, int input) {
        return new Rng(state * 1_000_003L + input).nextLong();
    }

    static void logitsOf(long state, int outputs, double spread, double[] dst, int off) {
        Rng rng = new Rng(state);
        for (int j = 0; j < outputs; j++) {
            dst[off + j] = (float) (rng.nextDouble() * spread);
        }
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public int maxRows() {
        return maxRows;
    }

    @Override
    public void start(int rows, int[] prompt, double[] features) {
        if (rows < 1 || rows > maxRows) {
            throw new AssertionError("rows " + rows);
        }
        fedToRow0.clear();
        valuesFed.clear();
        long s = initial(prompt, features);
        for (int r = 0; r < rows; r++) {
            state[r] = s;
            input[r] = Integer.MIN_VALUE;
        }
    }

    @Override
    public void feedToken(int row, int id) {
        if (id < -1 || id >= outputs) {
            throw new IllegalArgumentException("token id " + id + " is outside the input vocabulary 0.." + (outputs - 1));
        }
        input[row] = id;
        if (row == 0) {
            fedToRow0.add(id);
        }
    }

    @Override
    public void feedValues(int row, double[] values, int offset) {
        double[] v = new double[outputs];
        System.arraycopy(values, offset, v, 0, outputs);
        valuesFed.add(v);
        input[row] = Double.hashCode(v[0]);
    }

    @Override
    public void step(int rows) {
        for (int r = 0; r < rows; r++) {
            // a row stepped without a fed input (value generation's first step) hashes MIN_VALUE
            state[r] = next(state[r], input[r]);
            input[r] = Integer.MIN_VALUE;
            logitsOf(state[r], outputs, spread, lastLogits, r * outputs);
        }
    }

    @Override
    public void logits(int rows, double[] dst) {
        System.arraycopy(lastLogits, 0, dst, 0, rows * outputs);
    }

    @Override
    public void reorder(int[] parents, int rows) {
        for (int i = 0; i < rows; i++) {
            scratch[i] = state[parents[i]];
        }
        System.arraycopy(scratch, 0, state, 0, rows);
    }
}
