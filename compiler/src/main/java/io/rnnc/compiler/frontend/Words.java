package io.rnnc.compiler.frontend;

import java.util.List;
import java.util.stream.Stream;

/** The language's vocabulary, for "did you mean" and for explaining misplaced words. */
final class Words {

    /** Words that start a statement. */
    static final List<String> STATEMENTS = List.of("input", "sequence", "rnn", "lstm", "gru", "dense",
            "loss", "optimizer", "clip", "batch", "seed", "precision", "encoder", "decoder");

    /** Words that only appear after a statement keyword. */
    static final List<String> ARGUMENT_WORDS = Stream.of(ModelBuilder.RNN_ACTIVATIONS, ModelBuilder.HEADS,
                    ModelBuilder.LOSSES, ModelBuilder.OPTIMIZERS, ModelBuilder.ADAM_OPTIONS, ModelBuilder.SGD_OPTIONS,
                    ModelBuilder.MODES, ModelBuilder.CLIPS, ModelBuilder.PRECISIONS, List.of("tokens", "embed"))
            .flatMap(List::stream).distinct().toList();

    private Words() {
    }
}
