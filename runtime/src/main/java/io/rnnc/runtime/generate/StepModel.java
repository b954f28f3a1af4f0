package io.rnnc.runtime.generate;

/**
 * One step of generation for up to {@link #maxRows()} independent rows, which a generated class implements
 * so that {@link Sampler} and {@link BeamSearch} can drive it. A row is one hypothesis: its own recurrent
 * state, its own next input and, after {@link #step}, its own logits. Rows are numbered 0 .. n-1 in every
 * call; the drivers never run more rows than {@link #maxRows()}.
 *
 * <p>What a generated class provides (its gen* buffers sized for B rows):
 * <pre>{@code
 * public int outputs() { return O; }
 * public int maxRows() { return B; }
 * public void start(int rows, int[] prompt, double[] features) { ...check, encode; every row gets the initial state... }
 * public void feedToken(int row, int id) { ...row's next input is id (one_to_many: its one-hot; -1: zeros)... }
 * public void step(int rows) { ...one step of every layer and the head for rows 0..rows-1 into genLogits... }
 * public void logits(int rows, double[] dst) { for (int i = 0; i < rows * O; i++) dst[i] = genLogits[i]; }
 * public void reorder(int[] parents, int rows) { ...gather h (and c) rows: row i takes row parents[i]... }
 * }</pre>
 */
public interface StepModel {

    /** O: logits per row (the vocabulary of generated ids, or the values per step). */
    int outputs();

    /** The most rows a step can run (the model's batch B): the widest beam. */
    int maxRows();

    /**
     * Checks the prompt or features (a located {@link IllegalArgumentException} for bad input) and gives
     * rows {@code 0 .. rows-1} the initial state: the encoder's final state for seq2seq, the state after
     * the input vector for one_to_many, zeros for a token language model (which is then primed through
     * {@link #feedToken} and {@link #step}).
     */
    void start(int rows, int[] prompt, double[] features);

    /**
     * Row {@code row}'s next input is token {@code id}; {@code -1} means no token (one_to_many's zero
     * feedback on the first step). An id outside the vocabulary is an {@link IllegalArgumentException}.
     */
    void feedToken(int row, int id);

    /** Row {@code row}'s next feedback is {@code values[offset .. offset + O - 1]} (one_to_many value heads). */
    default void feedValues(int row, double[] values, int offset) {
        throw new UnsupportedOperationException("this model feeds back token ids, not values");
    }

    /** One step of the stack and the head for rows {@code 0 .. rows-1} from their inputs. */
    void step(int rows);

    /** The logits of the last step, {@code [rows, O]}, widened to double (exact for float32). */
    void logits(int rows, double[] dst);

    /**
     * Row i takes the recurrent state row {@code parents[i]} had, for every {@code i < rows}; parents may
     * repeat and come in any order (gather through a scratch buffer).
     */
    void reorder(int[] parents, int rows);
}
