package io.rnnc.compiler.frontend;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The language's words, all derived from the enums that own them ({@link StatementKeyword}, the model's
 * {@code keyword()} methods, {@link OptimizerOption}): what the checks accept, what "did you mean" suggests
 * and what hints list. Orders are the enums' orders, which the hints and suggestions rely on.
 */
final class Vocabulary {

    /** The two structural words outside statements. */
    static final String PACKAGE = "package";
    static final String MODEL = "model";
    /** The words of {@code input tokens V embed E}. */
    static final String TOKENS = "tokens";
    static final String EMBED = "embed";

    /** Words that start a statement. */
    static final List<String> STATEMENTS = words(StatementKeyword.values(), StatementKeyword::word);
    static final List<String> CELLS = words(CellType.values(), CellType::keyword);
    /** {@code rnn H tanh|relu}. */
    static final List<String> RNN_ACTIVATIONS = Stream.of(CellType.values())
            .flatMap(c -> c.activation().stream()).distinct().toList();
    static final List<String> HEADS = words(HeadActivation.values(), HeadActivation::keyword);
    static final List<String> LOSSES = words(LossKind.values(), LossKind::keyword);
    static final List<String> OPTIMIZERS = words(OptimizerSpec.Kind.values(), OptimizerSpec.Kind::keyword);
    static final List<String> ADAM_OPTIONS = options(o -> o.adam);
    static final List<String> SGD_OPTIONS = options(o -> o.sgd);
    /** Modes written after {@code sequence T}. */
    static final List<String> MODES = Stream.of(SequenceMode.values()).filter(SequenceMode::stated)
            .map(SequenceMode::keyword).toList();
    static final List<String> CLIPS = words(ClipSpec.Kind.values(), ClipSpec.Kind::keyword);
    static final List<String> PRECISIONS = words(Precision.values(), Precision::keyword);

    /** Words that only appear after a statement keyword. */
    static final List<String> ARGUMENT_WORDS = Stream.of(RNN_ACTIVATIONS, HEADS, LOSSES, OPTIMIZERS, ADAM_OPTIONS,
                    SGD_OPTIONS, MODES, CLIPS, PRECISIONS, List.of(TOKENS, EMBED))
            .flatMap(List::stream).distinct().toList();

    /** Every optimizer option with the optimizers that take it, in the order hints list them. */
    enum OptimizerOption {
        LR("lr", true, true),
        BETA1("beta1", true, false),
        BETA2("beta2", true, false),
        EPS("eps", true, false),
        MOMENTUM("momentum", false, true),
        WEIGHT_DECAY("weight_decay", true, true);

        final String key;
        final boolean adam;
        final boolean sgd;

        OptimizerOption(String key, boolean adam, boolean sgd) {
            this.key = key;
            this.adam = adam;
            this.sgd = sgd;
        }
    }

    private Vocabulary() {
    }

    /** The enum constant whose keyword is {@code word}. */
    static <E> Optional<E> lookup(E[] values, Function<E, String> keyword, String word) {
        return Arrays.stream(values).filter(v -> keyword.apply(v).equals(word)).findFirst();
    }

    private static <E> List<String> words(E[] values, Function<E, String> keyword) {
        return Arrays.stream(values).map(keyword).distinct().toList();
    }

    private static List<String> options(Predicate<OptimizerOption> takes) {
        return Stream.of(OptimizerOption.values()).filter(takes).map(o -> o.key).toList();
    }
}
