package io.rnnc.compiler.model;

import java.util.List;

/**
 * A stack of recurrent layers over one input sequence.
 *
 * @param prefix parameter-name prefix of the stack's own module: {@code ""} for single-stack models,
 *               {@code "encoder."} or {@code "decoder."} in seq2seq. Names are then
 *               {@code prefix + "rnn.weight_ih_l0"}, {@code prefix + "embedding.weight"}, ...
 * @param steps  T: time steps this stack runs (1 for one_to_one)
 * @param dropout PyTorch's {@code nn.LSTM(dropout=p)}: the probability of zeroing each element of every layer's
 *               output but the last's, in training; 0 for none
 * @param stateful {@code sequence T MODE stateful}: training starts each batch row from the final state of the same
 *               row in the previous training batch (truncated backpropagation through time)
 */
public record Stack(String prefix, InputSpec input, int steps, List<Layer> layers, double dropout, boolean stateful,
                    SourcePos pos) {

    public Stack(String prefix, InputSpec input, int steps, List<Layer> layers, SourcePos pos) {
        this(prefix, input, steps, layers, 0, false, pos);
    }

    /** At least one layer; layer l is numbered l and reads layer l-1's hidden state. */
    public Stack {
        Invariants.present(prefix, "stack prefix");
        Invariants.present(input, "stack input");
        Invariants.present(pos, "stack pos");
        Invariants.positive(steps, "sequence length");
        layers = List.copyOf(layers);
        Invariants.require(!layers.isEmpty(), "a stack has at least one layer");
        Invariants.require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got", dropout);
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            Invariants.require(layer.index() == l, "layer", l, "is numbered", layer.index());
            if (l > 0) {
                int below = layers.get(l - 1).outputWidth();
                Invariants.require(layer.inputWidth() == below, "layer " + l + " must read layer " + (l - 1)
                        + "'s " + below + " values, not", layer.inputWidth());
            }
        }
        Invariants.require(layers.get(0).inputWidth() >= input.width(), "layer 0 reads", layers.get(0).inputWidth(),
                "values per step, fewer than its input's width", input.width());
    }

    public Layer top() {
        return layers.get(layers.size() - 1);
    }
}
