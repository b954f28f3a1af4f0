package io.rnnc.compiler.model;

import java.util.List;

/**
 * A stack of recurrent layers over one input sequence.
 *
 * @param prefix parameter-name prefix of the stack's own module: {@code ""} for single-stack models,
 *               {@code "encoder."} or {@code "decoder."} in seq2seq. Names are then
 *               {@code prefix + "rnn.weight_ih_l0"}, {@code prefix + "embedding.weight"}, ...
 * @param steps  T: time steps this stack runs (1 for one_to_one)
 */
public record Stack(String prefix, InputSpec input, int steps, List<Layer> layers, SourcePos pos) {

    public Stack {
        layers = List.copyOf(layers);
    }

    public Layer top() {
        return layers.get(layers.size() - 1);
    }
}
