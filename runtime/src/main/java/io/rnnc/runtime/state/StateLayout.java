package io.rnnc.runtime.state;

import java.util.List;

/**
 * The shape of a model's recurrent state, as data a generated class keeps in a constant: its precision and,
 * for each layer of the (decoder) stack, the cell, the hidden width and the directions. Two states fit the
 * same models exactly when their layouts are equal.
 *
 * @param model     the model's class name, for messages
 * @param precision {@code float32 | float64}
 * @param layers    one entry per layer, bottom first
 */
public record StateLayout(String model, String precision, List<LayerState> layers) {

    public StateLayout {
        layers = List.copyOf(layers);
        if (!precision.equals("float32") && !precision.equals("float64")) {
            throw new IllegalArgumentException("precision must be float32 or float64, got " + precision);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a state needs at least one layer");
        }
    }

    /**
     * One layer's state: {@code h} (and {@code c} for LSTM) per direction, H values per row.
     *
     * @param cell       {@code rnn_tanh | rnn_relu | lstm | gru}
     * @param hidden     H
     * @param directions 1, or 2 for a bidirectional layer
     */
    public record LayerState(String cell, int hidden, int directions) {
        public LayerState {
            if (!List.of("rnn_tanh", "rnn_relu", "lstm", "gru").contains(cell)) {
                throw new IllegalArgumentException("unknown cell '" + cell + "'");
            }
            if (hidden < 1 || directions < 1 || directions > 2) {
                throw new IllegalArgumentException("hidden must be positive and directions 1 or 2: " + hidden + ", " + directions);
            }
        }

        /** The layer keeps a cell state c besides h. */
        public boolean hasCell() {
            return cell.equals("lstm");
        }

        @Override
        public String toString() {
            return cell + " " + hidden + (directions == 2 ? " bidirectional" : "");
        }
    }

    public boolean float32() {
        return precision.equals("float32");
    }

    /** Some layer is an LSTM (the state has c blocks). */
    public boolean hasCells() {
        for (LayerState l : layers) {
            if (l.hasCell()) {
                return true;
            }
        }
        return false;
    }

    /** What the layout is, for messages: {@code "float32 [lstm 8, gru 6 bidirectional]"}. */
    public String describe() {
        return precision + " " + layers;
    }
}
