package io.rnnc.compiler.model;

/** A recurrent cell, with PyTorch's gate count and gate order. */
public enum CellType {
    /** {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)} */
    RNN_TANH(1, "rnn_tanh"),
    /** {@code h' = relu(W_ih x + b_ih + W_hh h + b_hh)} */
    RNN_RELU(1, "rnn_relu"),
    /** Gates i, f, g, o stacked in that order: rows [0,H) = i, [H,2H) = f, [2H,3H) = g, [3H,4H) = o. */
    LSTM(4, "lstm"),
    /** Gates r, z, n stacked in that order; {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))}. */
    GRU(3, "gru");

    private final int gates;
    private final String fixtureName;

    CellType(int gates, String fixtureName) {
        this.gates = gates;
        this.fixtureName = fixtureName;
    }

    /** G: how many H-row blocks the weight matrices stack. */
    public int gates() {
        return gates;
    }

    /** The name PyTorch fixtures use in config.json ({@code rnn_tanh}, {@code lstm}, ...). */
    public String fixtureName() {
        return fixtureName;
    }

    /** LSTM carries a cell state c beside h. */
    public boolean hasCellState() {
        return this == LSTM;
    }
}
