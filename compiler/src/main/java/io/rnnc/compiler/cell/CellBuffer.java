package io.rnnc.compiler.cell;

/**
 * A buffer a cell kind needs beyond what every cell has (h, the gate block, dh, dhNext): LSTM's tanh(c),
 * GRU's W_hn h + b_hn and its scratch for the recurrent product. The planner sizes and names it.
 *
 * @param stem   field-name stem: {@code tc} becomes {@code tc0}, {@code encTc1}, {@code genTc0}
 * @param extent how many values it holds per batch row
 * @param use    where it lives: the training pass, the generation step, or both
 * @param doc    what it holds, for the field's comment
 */
public record CellBuffer(String stem, Extent extent, Use use, String doc) {

    /** How many values a buffer holds per batch row. */
    public enum Extent {
        /** {@code [T, n, H]}: one hidden-width row per step (in generation: {@code [rows, H]}). */
        STEPS_HIDDEN,
        /** {@code [T, n, GS]}: one gate row per step. */
        STEPS_GATES,
        /** {@code [n, GS]}: one gate row, reused every step. */
        ROW_GATES
    }

    /** Where a buffer is used. */
    public enum Use {
        /** The backward pass only. */
        BACKWARD,
        /** Training forward and the one-step generation forward (each has its own copy). */
        FORWARD
    }
}
