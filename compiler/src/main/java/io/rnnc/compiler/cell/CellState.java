package io.rnnc.compiler.cell;

/**
 * A recurrent state a cell carries from step to step: h for every cell, c for LSTM. Each gets a history
 * buffer {@code [T + 1, n, H]} (slot 0 = the initial state), a gradient {@code d/d state_{t-1}} of one
 * step, a generation buffer, and is handed from an encoder to its decoder.
 *
 * @param stem     field-name stem ({@code h}, {@code c})
 * @param gradStem the gradient's stem ({@code dhNext}, {@code dcNext})
 * @param padded   true if the gradient's rows are padded to whole vectors (float32 dh, written by a product)
 */
public record CellState(String stem, String gradStem, boolean padded) {
}
