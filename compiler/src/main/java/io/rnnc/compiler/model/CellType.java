package io.rnnc.compiler.model;

import java.util.Optional;

/**
 * A recurrent cell, with PyTorch's gate count and gate order, and the words a spec names it with: the
 * layer statement's keyword ({@code rnn}, {@code lstm}, {@code gru}) and, for the simple RNN, the
 * activation that picks the variant ({@code rnn 100 relu}).
 */
public enum CellType {
    /** {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)} */
    RNN_TANH(1, "rnn_tanh", "rnn", "tanh"),
    /** {@code h' = relu(W_ih x + b_ih + W_hh h + b_hh)} */
    RNN_RELU(1, "rnn_relu", "rnn", "relu"),
    /** Gates i, f, g, o stacked in that order: rows [0,H) = i, [H,2H) = f, [2H,3H) = g, [3H,4H) = o. */
    LSTM(4, "lstm", "lstm", null),
    /** Gates r, z, n stacked in that order; {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))}. */
    GRU(3, "gru", "gru", null);

    private final int gates;
    private final String fixtureName;
    private final String keyword;
    private final String activation;

    CellType(int gates, String fixtureName, String keyword, String activation) {
        this.gates = gates;
        this.fixtureName = fixtureName;
        this.keyword = keyword;
        this.activation = activation;
    }

    /** The layer statement that declares this cell: {@code rnn}, {@code lstm} or {@code gru}. */
    public String keyword() {
        return keyword;
    }

    /** The activation word that selects this variant after {@code rnn H}; empty for gated cells. */
    public Optional<String> activation() {
        return Optional.ofNullable(activation);
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
