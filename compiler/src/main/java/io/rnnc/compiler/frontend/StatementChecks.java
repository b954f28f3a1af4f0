package io.rnnc.compiler.frontend;

import io.rnnc.compiler.frontend.Ast.Arg;
import io.rnnc.compiler.frontend.Ast.KnownStatement;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import java.util.List;
import java.util.Optional;

/**
 * One statement on its own: checks its arguments word by word and gives its meaning as a
 * {@link Declaration}, or reports why not. Knows nothing of the other statements; where a statement may
 * stand is {@link PlacementChecks}' business.
 */
final class StatementChecks {

    private final Reporter reporter;
    private final String source;

    /** @param source the text the statements' lexemes index into */
    StatementChecks(Reporter reporter, String source) {
        this.reporter = reporter;
        this.source = source;
    }

    /**
     * @param scopeLabel how messages name the scope the statement sits in
     * @param inBlock    inside an encoder/decoder block, where 'sequence' takes no mode
     */
    Optional<Declaration> check(KnownStatement s, String scopeLabel, boolean inBlock) {
        return Optional.ofNullable(switch (s.keyword()) {
            case INPUT -> input(s);
            case SEQUENCE -> sequence(s, scopeLabel, inBlock);
            case RNN, LSTM, GRU -> layer(s);
            case DENSE -> dense(s);
            case DROPOUT -> dropout(s);
            case LOSS -> loss(s);
            case OPTIMIZER -> new OptimizerChecks(reporter, cursor(s, "optimizer adam|adamw|sgd key=value ...")).check(s);
            case CLIP -> clip(s);
            case BATCH -> {
                ArgCursor c = cursor(s, "batch N");
                Long n = c.integer("a batch size", 1, Limits.MAX_BATCH);
                yield n != null && c.end() ? new Declaration.Batch(n.intValue()) : null;
            }
            case SEED -> {
                ArgCursor c = cursor(s, "seed N");
                Long n = c.integer("a seed", 0, Long.MAX_VALUE);
                yield n != null && c.end() ? new Declaration.Seed(n) : null;
            }
            case PRECISION -> {
                ArgCursor c = cursor(s, "precision " + String.join(" | ", Vocabulary.PRECISIONS));
                String p = c.word("a precision", String.join(" or ", Vocabulary.PRECISIONS), Vocabulary.PRECISIONS);
                yield p != null && c.end() ? new Declaration.ElementType(
                        Vocabulary.lookup(Precision.values(), Precision::keyword, p).orElseThrow()) : null;
            }
            case ENCODER, DECODER -> throw new IllegalStateException("a block is not a simple statement: " + s);
        });
    }

    /** A statement that starts with a word the language does not know. */
    void unknown(Ast.UnknownStatement s) {
        String word = s.word().text();
        Optional<String> close = Suggest.closest(word, Vocabulary.STATEMENTS);
        SourcePos at = s.word().pos();
        if (close.isPresent()) {
            String c = close.get();
            String what = Vocabulary.CELLS.contains(c) ? "cell" : "statement";
            reporter.error(at, "unknown " + what + " '" + word + "'", "did you mean '" + c + "'?");
        } else if (Vocabulary.ARGUMENT_WORDS.contains(word)) {
            reporter.error(at, "'" + word + "' does not start a statement",
                    "a statement ends at the end of its line: put '" + word
                            + "' on the same line as the statement it belongs to");
        } else {
            reporter.error(at, "unknown statement '" + word + "'",
                    "a statement starts with its keyword: " + String.join(", ", Vocabulary.STATEMENTS));
        }
    }

    private ArgCursor cursor(KnownStatement s, String usage) {
        return new ArgCursor(reporter, source, s, usage);
    }

    private Declaration input(KnownStatement s) {
        ArgCursor c = cursor(s, "input N | input tokens V | input tokens V embed E");
        SourcePos at = s.word().pos();
        if (c.peekWord() == null) {
            Long n = c.integer("the input size", 1, Limits.MAX_WIDTH);
            return n != null && c.end() ? new Declaration.Input(InputSpec.features(n.intValue(), at)) : null;
        }
        if (c.word("an input size or 'tokens'", "a feature count such as 'input 28', or 'tokens'",
                List.of(Vocabulary.TOKENS)) == null) {
            return null;
        }
        Long vocab = c.integer("the vocabulary size", 2, Limits.MAX_VOCAB);
        if (vocab == null) {
            return null;
        }
        if (c.peekWord() == null) {
            return c.end() ? new Declaration.Input(InputSpec.tokens(vocab.intValue(), at)) : null;
        }
        if (c.word("'embed' or the end of the statement", "'input tokens V embed E'", List.of(Vocabulary.EMBED))
                == null) {
            return null;
        }
        Long embed = c.integer("the embedding width", 1, Limits.MAX_WIDTH);
        return embed != null && c.end()
                ? new Declaration.Input(InputSpec.embedded(vocab.intValue(), embed.intValue(), at)) : null;
    }

    private Declaration sequence(KnownStatement s, String scopeLabel, boolean inBlock) {
        ArgCursor c = cursor(s, inBlock ? "sequence T" : "sequence T MODE [stateful]");
        if (inBlock) {
            Long t = c.integer("the sequence length", 1, Limits.MAX_STEPS);
            if (t == null) {
                return null;
            }
            if (c.peek() instanceof Ast.WordArg extra && Vocabulary.MODES.contains(extra.text())) {
                reporter.error(extra.lexeme().pos(), "a sequence mode does not apply inside " + scopeLabel,
                        "an encoder-decoder model is its own mode: write 'sequence " + t + "'");
                return null;
            }
            return c.end() ? new Declaration.Sequence(t.intValue(), null) : null;
        }
        Arg first = c.peek();
        if (first instanceof Ast.WordArg) {
            String mode = c.word("the sequence length", "one_to_one or a length such as 'sequence 28 many_to_one'",
                    Vocabulary.MODES);
            if (mode == null) {
                return null;
            }
            if (mode(mode) != SequenceMode.ONE_TO_ONE) {
                reporter.error(first.lexeme().pos(), "expected the sequence length before '" + mode + "'",
                        "write e.g. 'sequence 28 " + mode + "'; only one_to_one may leave the length out");
                return null;
            }
            return c.end() ? new Declaration.Sequence(1, SequenceMode.ONE_TO_ONE) : null;
        }
        Long t = c.integer("the sequence length", 1, Limits.MAX_STEPS);
        if (t == null) {
            return null;
        }
        String modes = String.join(", ", Vocabulary.MODES);
        if (c.peek() == null) {
            reporter.error(c.endOfStatement(), "expected a sequence mode after 'sequence " + t + "'",
                    "one of " + modes + " (encoder-decoder models use 'encoder { }'/'decoder { }')");
            return null;
        }
        String word = c.word("a sequence mode", "one of " + modes, Vocabulary.MODES);
        if (word == null) {
            return null;
        }
        SequenceMode mode = mode(word);
        boolean stateful = false;
        if (c.peek() instanceof Ast.WordArg w && w.text().equals(STATEFUL)) {
            c.next();
            if (mode != SequenceMode.MANY_TO_MANY && mode != SequenceMode.MANY_TO_ONE) {
                reporter.error(w.lexeme().pos(), "a " + word + " model cannot be stateful",
                        "'stateful' carries each row's state from one training batch to the next along a long "
                                + "sequence: use it with many_to_many (or many_to_one)");
                return null;
            }
            stateful = true;
        } else if (c.peek() instanceof Ast.WordArg other && Suggest.closest(other.text(), List.of(STATEFUL)).isPresent()) {
            reporter.error(other.lexeme().pos(), "unknown sequence option '" + other.text() + "'", "did you mean '" + STATEFUL + "'?");
            return null;
        }
        if (!c.end()) {
            return null;
        }
        if (mode == SequenceMode.ONE_TO_ONE && t != 1) {
            reporter.error(first.lexeme().pos(), "one_to_one needs a sequence length of 1, found " + t,
                    "write 'sequence 1 one_to_one', or use many_to_one for one output after " + t + " steps");
            return null;
        }
        return new Declaration.Sequence(t.intValue(), mode, stateful);
    }

    /** The sequence option that carries each row's state across training batches: {@code sequence 100 many_to_many stateful}. */
    static final String STATEFUL = "stateful";

    private static SequenceMode mode(String word) {
        return Vocabulary.lookup(SequenceMode.values(), SequenceMode::keyword, word).orElseThrow();
    }

    /** The layer option that runs a second set of weights backward in time: {@code lstm 64 bidirectional}. */
    static final String BIDIRECTIONAL = "bidirectional";

    private Declaration layer(KnownStatement s) {
        String kw = s.word().text();
        List<CellType> variants = List.of(CellType.values()).stream().filter(c -> c.keyword().equals(kw)).toList();
        List<String> activations = variants.stream().flatMap(v -> v.activation().stream()).toList();
        ArgCursor c = cursor(s, (activations.isEmpty() ? kw + " H" : kw + " H [" + String.join(" | ", activations) + "]")
                + " [" + BIDIRECTIONAL + "]");
        Long h = c.integer("the layer width", 1, Limits.MAX_WIDTH);
        if (h == null) {
            return null;
        }
        CellType cell = variants.get(0); // the first variant is the default: rnn means tanh, as in PyTorch
        if (c.peek() instanceof Ast.WordArg next && !next.text().equals(BIDIRECTIONAL)) {
            if (activations.isEmpty()) {
                if (Vocabulary.RNN_ACTIVATIONS.contains(next.text()) || Vocabulary.HEADS.contains(next.text())) {
                    reporter.error(next.lexeme().pos(), "'" + kw + "' takes no activation", "only 'rnn' layers choose "
                            + String.join(" or ", Vocabulary.RNN_ACTIVATIONS) + "; " + kw + " gates are fixed");
                    return null;
                }
            } else {
                String act = c.word("an activation", kw + " layers use " + String.join(" (the default) or ",
                        activations), activations);
                if (act == null) {
                    return null;
                }
                cell = variants.stream().filter(v -> v.activation().orElseThrow().equals(act)).findFirst().orElseThrow();
            }
        }
        boolean bidirectional = false;
        if (c.peek() instanceof Ast.WordArg next) {
            if (next.text().equals(BIDIRECTIONAL)) {
                c.next();
                bidirectional = true;
            } else if (Suggest.closest(next.text(), List.of(BIDIRECTIONAL)).isPresent()) {
                reporter.error(next.lexeme().pos(), "unknown layer option '" + next.text() + "'",
                        "did you mean '" + BIDIRECTIONAL + "'?");
                return null;
            }
        }
        return c.end() ? new Declaration.Layer(new LayerDecl(cell, h.intValue(), bidirectional, s.word().pos())) : null;
    }

    private Declaration dense(KnownStatement s) {
        ArgCursor c = cursor(s, "dense N [" + String.join(" | ", Vocabulary.HEADS) + "]");
        Long n = c.integer("the output count", 1, Limits.MAX_WIDTH);
        if (n == null) {
            return null;
        }
        HeadActivation act = HeadActivation.LINEAR;
        if (c.peek() != null) {
            String a = c.word("a head activation", "one of " + String.join(", ", Vocabulary.HEADS), Vocabulary.HEADS);
            if (a == null) {
                return null;
            }
            act = Vocabulary.lookup(HeadActivation.values(), HeadActivation::keyword, a).orElseThrow();
        }
        return c.end() ? new Declaration.Dense(n.intValue(), act) : null;
    }

    private Declaration dropout(KnownStatement s) {
        ArgCursor c = cursor(s, "dropout P");
        if (!(c.peek() instanceof Ast.NumberArg a)) {
            c.expected("a probability", "e.g. 'dropout 0.2': each layer's output but the last's, during training");
            return null;
        }
        c.next();
        Double p = ArgCursor.real(reporter, a.lexeme(), "the dropout probability");
        if (p == null || !c.end()) {
            return null;
        }
        if (!(p >= 0 && p < 1)) {
            reporter.error(a.lexeme().pos(), "the dropout probability must be at least 0 and below 1, found " + a.text(),
                    "it is the chance of zeroing each element, e.g. 'dropout 0.2'");
            return null;
        }
        return new Declaration.Dropout(p);
    }

    private Declaration loss(KnownStatement s) {
        ArgCursor c = cursor(s, "loss " + String.join(" | ", Vocabulary.LOSSES));
        String l = c.word("a loss", "one of " + String.join(", ", Vocabulary.LOSSES), Vocabulary.LOSSES);
        return l != null && c.end()
                ? new Declaration.Loss(Vocabulary.lookup(LossKind.values(), LossKind::keyword, l).orElseThrow()) : null;
    }

    private Declaration clip(KnownStatement s) {
        ArgCursor c = cursor(s, "clip norm X | clip value X");
        String kind = c.word("'norm' or 'value'", "'clip norm 5.0' scales gradients to a global L2 norm;"
                + " 'clip value 1.0' clips each element", Vocabulary.CLIPS);
        if (kind == null) {
            return null;
        }
        if (!(c.peek() instanceof Ast.NumberArg a)) {
            c.expected("a threshold", "e.g. 'clip " + kind + " 5.0'");
            return null;
        }
        c.next();
        Double x = ArgCursor.real(reporter, a.lexeme(), "the clip threshold");
        if (x == null || !c.end()) {
            return null;
        }
        if (!(x > 0)) {
            reporter.error(a.lexeme().pos(), "the clip threshold must be greater than 0, found " + a.text(),
                    "e.g. 'clip " + kind + " 5.0'");
            return null;
        }
        return new Declaration.Clip(new ClipSpec(Vocabulary.lookup(ClipSpec.Kind.values(), ClipSpec.Kind::keyword,
                kind).orElseThrow(), x, s.word().pos()));
    }
}
