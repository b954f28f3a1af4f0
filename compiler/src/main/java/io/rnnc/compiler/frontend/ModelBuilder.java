package io.rnnc.compiler.frontend;

import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ModelAssembler;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.ModelAssembler.StackDecl;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.grammar.RnnParser;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Turns one {@code model Name { ... }} parse tree into a validated {@link Model}: checks every word of
 * every statement, fills in PyTorch's defaults, checks the statements against each other and hands the
 * result to {@link ModelAssembler}. Every problem becomes a diagnostic; a model with any error is not built.
 */
final class ModelBuilder {

    static final List<String> CELLS = List.of("rnn", "lstm", "gru");
    static final List<String> RNN_ACTIVATIONS = List.of("tanh", "relu");
    static final List<String> HEADS = List.of("softmax", "sigmoid", "tanh", "linear");
    static final List<String> LOSSES = List.of("cross_entropy", "mse", "bce");
    static final List<String> OPTIMIZERS = List.of("adam", "sgd");
    static final List<String> ADAM_OPTIONS = List.of("lr", "beta1", "beta2", "eps", "weight_decay");
    static final List<String> SGD_OPTIONS = List.of("lr", "momentum", "weight_decay");
    static final List<String> MODES = List.of("one_to_one", "one_to_many", "many_to_one", "many_to_many");
    static final List<String> CLIPS = List.of("norm", "value");
    static final List<String> PRECISIONS = List.of("float32", "float64");
    static final List<String> MODEL_ONLY = List.of("loss", "optimizer", "clip", "batch", "seed", "precision");

    private static final String STATEMENT_LIST = "input, sequence, rnn, lstm, gru, dense, loss, optimizer, clip,"
            + " batch, seed, precision, encoder, decoder";

    private final String file;
    private final String text;
    private final Reporter reporter;

    ModelBuilder(String file, String text, Reporter reporter) {
        this.file = file;
        this.text = text;
        this.reporter = reporter;
    }

    // ------------------------------------------------------------------------------------------------
    // Statements as data: a keyword and its arguments, independent of the parse tree's shape.

    private enum ArgKind { WORD, NUMBER, OPTION }

    /** One argument: a word, a number, or {@code key=value} (token is the key, value the number). */
    private record Arg(ArgKind kind, Token token, Token value) {
        String text() {
            return token.getText();
        }
    }

    /** One statement; {@code known} is false for an unknown leading word. */
    private record Stmt(Token keyword, boolean known, List<Arg> args, boolean damaged) {
        String name() {
            return keyword.getText();
        }
    }

    /** What one scope (the model, or an encoder/decoder block) states. */
    private static final class Scope {
        final String label;
        final Token opener;
        final Map<String, Stmt> seen = new LinkedHashMap<>();
        InputSpec input;
        Integer steps;
        SequenceMode mode;
        Stmt sequenceStmt;
        final List<LayerDecl> layers = new ArrayList<>();
        final List<Stmt> layerStmts = new ArrayList<>();
        Integer outputs;
        HeadActivation activation;
        Stmt dense;

        Scope(String label, Token opener) {
            this.label = label;
            this.opener = opener;
        }
    }

    /** Model-wide settings. */
    private static final class Settings {
        LossKind loss;
        Stmt lossStmt;
        OptimizerSpec optimizer;
        ClipSpec clip;
        Integer batch;
        Long seed;
        Precision precision;
    }

    // ------------------------------------------------------------------------------------------------

    /** Builds one model, or reports why not. */
    Optional<Model> build(String packageName, RnnParser.ModelDeclContext ctx) {
        int errorsBefore = reporter.errorCount();
        boolean damaged = isDamaged(ctx);
        Token nameToken = ctx.name() == null ? null : ctx.name().getStart();
        String name = nameToken == null ? "?" : nameToken.getText();

        boolean seq2seq = ctx.statement().stream().anyMatch(s -> s.blockStatement() != null);
        Scope top = new Scope("model '" + name + "'", ctx.MODEL().getSymbol());
        Settings settings = new Settings();
        Scope encoder = null;
        Scope decoder = null;
        Token encoderToken = null;
        Token decoderToken = null;

        for (RnnParser.StatementContext st : ctx.statement()) {
            if (st.blockStatement() != null) {
                RnnParser.BlockStatementContext b = st.blockStatement();
                if (b.kind == null) {
                    continue;
                }
                boolean isEncoder = b.kind.getType() == RnnParser.ENCODER;
                Token previous = isEncoder ? encoderToken : decoderToken;
                if (previous != null) {
                    duplicate(b.kind, previous);
                    continue;
                }
                Scope scope = new Scope("'" + b.kind.getText() + "'", b.kind);
                for (RnnParser.SimpleStatementContext s : b.simpleStatement()) {
                    statement(stmt(s), scope, settings, isEncoder ? BlockKind.ENCODER : BlockKind.DECODER);
                }
                if (isEncoder) {
                    encoder = scope;
                    encoderToken = b.kind;
                } else {
                    decoder = scope;
                    decoderToken = b.kind;
                }
            } else if (st.simpleStatement() != null) {
                statement(stmt(st.simpleStatement()), top, settings, seq2seq ? BlockKind.SEQ2SEQ_MODEL : BlockKind.MODEL);
            }
        }

        if (damaged) {
            return Optional.empty(); // syntax errors inside: "missing" checks would only add noise
        }
        SourcePos modelPos = nameToken == null ? pos(ctx.MODEL().getSymbol()) : pos(nameToken);

        SequenceMode mode;
        Optional<StackDecl> encoderDecl = Optional.empty();
        StackDecl main = null;
        Scope headScope;
        if (seq2seq) {
            mode = SequenceMode.SEQ2SEQ;
            if (encoder == null) {
                reporter.error(modelPos, "encoder-decoder model '" + name + "' has no 'encoder { }' block",
                        "add an 'encoder { input tokens V ... }' block beside the decoder",
                        Reporter.note(pos(decoderToken), "'decoder' declared here"));
            }
            if (decoder == null) {
                reporter.error(modelPos, "encoder-decoder model '" + name + "' has no 'decoder { }' block",
                        "add a 'decoder { input tokens V ... dense V softmax }' block beside the encoder",
                        Reporter.note(pos(encoderToken), "'encoder' declared here"));
            }
            if (encoder != null) {
                requireStack(encoder, false, pos(encoder.opener));
            }
            if (decoder != null) {
                requireStack(decoder, true, pos(decoder.opener));
            }
            if (encoder != null && decoder != null) {
                handOver(encoder, decoder);
                if (decoder.input != null && decoder.input.isTokens() && decoder.outputs != null
                        && decoder.outputs != decoder.input.vocab()) {
                    reporter.error(pos(decoder.dense.keyword()), "the decoder's head has " + decoder.outputs
                                    + " outputs but its vocabulary has " + decoder.input.vocab() + " tokens",
                            "the decoder reads its previous output token, so write 'dense "
                                    + decoder.input.vocab() + " softmax'",
                            Reporter.note(pos(decoder.seen.get("input").keyword()), "decoder vocabulary declared here"));
                }
                if (settings.loss != null && settings.loss != LossKind.CROSS_ENTROPY) {
                    reporter.error(pos(settings.lossStmt.keyword()), "an encoder-decoder model needs 'loss cross_entropy'",
                            "its decoder predicts tokens, one class per step");
                }
            }
            headScope = decoder;
        } else {
            mode = top.mode;
            requireStack(top, true, modelPos);
            if (mode == SequenceMode.ONE_TO_MANY && top.input != null && top.input.isTokens()) {
                reporter.error(pos(top.seen.get("input").keyword()), "one_to_many takes features, not tokens",
                        "write 'input N': every step sees that vector and the previous step's output",
                        Reporter.note(pos(top.sequenceStmt.keyword()), "one_to_many chosen here"));
            }
            headScope = top;
        }
        if (!top.seen.containsKey("loss")) {
            reporter.error(modelPos, "model '" + name + "' has no 'loss'",
                    "add 'loss cross_entropy' (softmax head), 'loss bce' (sigmoid) or 'loss mse'");
        } else if (settings.loss != null && headScope != null && headScope.activation != null
                && !(seq2seq && settings.loss != LossKind.CROSS_ENTROPY)) {
            checkHead(settings, headScope);
        }

        if (reporter.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        if (seq2seq) {
            encoderDecl = Optional.of(stackDecl(encoder));
            main = stackDecl(decoder);
        } else {
            main = stackDecl(top);
        }
        OptimizerSpec optimizer = settings.optimizer != null ? settings.optimizer
                : OptimizerSpec.adamDefaults(modelPos);
        Model model = ModelAssembler.assemble(packageName, name, mode, encoderDecl, main, headScope.outputs,
                headScope.activation, pos(headScope.dense.keyword()), settings.loss, optimizer,
                Optional.ofNullable(settings.clip), settings.batch == null ? 64 : settings.batch,
                settings.seed == null ? 0L : settings.seed,
                settings.precision == null ? Precision.FLOAT32 : settings.precision,
                source(ctx), modelPos);
        if (model.parameterCount() > Limits.MAX_PARAMETERS) {
            reporter.error(modelPos, "model '" + name + "' has " + model.parameterCount()
                            + " parameters, more than one Java array holds",
                    "at most " + Limits.MAX_PARAMETERS + " parameters: use narrower layers or a smaller vocabulary");
            return Optional.empty();
        }
        return Optional.of(model);
    }

    private StackDecl stackDecl(Scope s) {
        return new StackDecl(s.input, s.steps, s.layers, pos(s.seen.get("input").keyword()));
    }

    /** Where a statement sits, which decides what it may say. */
    private enum BlockKind { MODEL, SEQ2SEQ_MODEL, ENCODER, DECODER }

    // ------------------------------------------------------------------------------------------------
    // One statement.

    private void statement(Stmt s, Scope scope, Settings settings, BlockKind where) {
        if (!s.known()) {
            unknownStatement(s);
            return;
        }
        if (s.damaged()) {
            return; // its syntax error is reported already
        }
        String kw = s.name();
        boolean inBlock = where == BlockKind.ENCODER || where == BlockKind.DECODER;
        if (inBlock && MODEL_ONLY.contains(kw)) {
            reporter.error(pos(s.keyword()), "'" + kw + "' inside " + scope.label,
                    "'" + kw + "' applies to the whole model: move it out of the block");
            return;
        }
        if (where == BlockKind.SEQ2SEQ_MODEL && !MODEL_ONLY.contains(kw)) {
            String what = CELLS.contains(kw) ? "layers" : "'" + kw + "'";
            reporter.error(pos(s.keyword()), what + " of an encoder-decoder model belong"
                            + (CELLS.contains(kw) ? "" : "s") + " inside 'encoder { }' or 'decoder { }'",
                    "move it into the block it describes");
            return;
        }
        if (where == BlockKind.ENCODER && kw.equals("dense")) {
            reporter.error(pos(s.keyword()), "the encoder has no 'dense' head",
                    "the head goes in 'decoder { }'; the encoder only hands its final states over");
            return;
        }
        if (!CELLS.contains(kw)) {
            Stmt first = scope.seen.get(kw);
            if (first != null) {
                duplicate(s.keyword(), first.keyword());
                return;
            }
            scope.seen.put(kw, s);
        }
        switch (kw) {
            case "input" -> input(s, scope);
            case "sequence" -> sequence(s, scope, inBlock);
            case "rnn", "lstm", "gru" -> layer(s, scope);
            case "dense" -> dense(s, scope);
            case "loss" -> loss(s, settings);
            case "optimizer" -> optimizer(s, settings);
            case "clip" -> clip(s, settings);
            case "batch" -> {
                Cursor c = new Cursor(s, "batch N");
                Long n = c.integer("a batch size", "batch", 1, Limits.MAX_BATCH);
                if (n != null && c.end()) {
                    settings.batch = n.intValue();
                }
            }
            case "seed" -> {
                Cursor c = new Cursor(s, "seed N");
                Long n = c.integer("a seed", "seed", 0, Long.MAX_VALUE);
                if (n != null && c.end()) {
                    settings.seed = n;
                }
            }
            case "precision" -> {
                Cursor c = new Cursor(s, "precision float32 | float64");
                String p = c.word("a precision", "float32 or float64", PRECISIONS);
                if (p != null && c.end()) {
                    settings.precision = p.equals("float64") ? Precision.FLOAT64 : Precision.FLOAT32;
                }
            }
            default -> throw new IllegalStateException("statement keyword without a handler: " + kw);
        }
    }

    private void unknownStatement(Stmt s) {
        String word = s.name();
        Optional<String> close = Suggest.closest(word, Words.STATEMENTS);
        SourcePos at = pos(s.keyword());
        if (close.isPresent()) {
            String c = close.get();
            String what = CELLS.contains(c) ? "cell" : "statement";
            reporter.error(at, "unknown " + what + " '" + word + "'", "did you mean '" + c + "'?");
        } else if (Words.ARGUMENT_WORDS.contains(word)) {
            reporter.error(at, "'" + word + "' does not start a statement",
                    "a statement ends at the end of its line: put '" + word
                            + "' on the same line as the statement it belongs to");
        } else {
            reporter.error(at, "unknown statement '" + word + "'",
                    "a statement starts with its keyword: " + STATEMENT_LIST);
        }
    }

    private void input(Stmt s, Scope scope) {
        Cursor c = new Cursor(s, "input N | input tokens V | input tokens V embed E");
        if (c.peekWord() != null) {
            String kind = c.word("an input size or 'tokens'", "a feature count such as 'input 28', or 'tokens'",
                    List.of("tokens"));
            if (kind == null) {
                return;
            }
            Long vocab = c.integer("the vocabulary size", "tokens", 2, Limits.MAX_VOCAB);
            if (vocab == null) {
                return;
            }
            if (c.peekWord() != null) {
                if (c.word("'embed' or the end of the statement", "'input tokens V embed E'", List.of("embed"))
                        == null) {
                    return;
                }
                Long embed = c.integer("the embedding width", "embed", 1, Limits.MAX_WIDTH);
                if (embed != null && c.end()) {
                    scope.input = InputSpec.embedded(vocab.intValue(), embed.intValue(), pos(s.keyword()));
                }
            } else if (c.end()) {
                scope.input = InputSpec.tokens(vocab.intValue(), pos(s.keyword()));
            }
            return;
        }
        Long n = c.integer("the input size", "input", 1, Limits.MAX_WIDTH);
        if (n != null && c.end()) {
            scope.input = InputSpec.features(n.intValue(), pos(s.keyword()));
        }
    }

    private void sequence(Stmt s, Scope scope, boolean inBlock) {
        Cursor c = new Cursor(s, inBlock ? "sequence T" : "sequence T MODE");
        if (inBlock) {
            Long t = c.integer("the sequence length", "sequence", 1, Limits.MAX_STEPS);
            if (t == null) {
                return;
            }
            Arg extra = c.peek();
            if (extra != null && extra.kind() == ArgKind.WORD && MODES.contains(extra.text())) {
                reporter.error(pos(extra.token()), "a sequence mode does not apply inside " + scope.label,
                        "an encoder-decoder model is its own mode: write 'sequence " + t + "'");
                return;
            }
            if (c.end()) {
                scope.steps = t.intValue();
                scope.sequenceStmt = s;
            }
            return;
        }
        Arg first = c.peek();
        if (first != null && first.kind() == ArgKind.WORD) {
            String mode = c.word("the sequence length", "one_to_one or a length such as 'sequence 28 many_to_one'",
                    MODES);
            if (mode == null) {
                return;
            }
            if (!mode.equals("one_to_one")) {
                reporter.error(pos(first.token()), "expected the sequence length before '" + mode + "'",
                        "write e.g. 'sequence 28 " + mode + "'; only one_to_one may leave the length out");
                return;
            }
            if (c.end()) {
                scope.steps = 1;
                scope.mode = SequenceMode.ONE_TO_ONE;
                scope.sequenceStmt = s;
            }
            return;
        }
        Arg lengthArg = first;
        Long t = c.integer("the sequence length", "sequence", 1, Limits.MAX_STEPS);
        if (t == null) {
            return;
        }
        if (c.peek() == null) {
            reporter.error(endOf(s), "expected a sequence mode after 'sequence " + t + "'",
                    "one of " + String.join(", ", MODES) + " (encoder-decoder models use 'encoder { }'/'decoder { }')");
            return;
        }
        String mode = c.word("a sequence mode", "one of " + String.join(", ", MODES), MODES);
        if (mode == null || !c.end()) {
            return;
        }
        if (mode.equals("one_to_one") && t != 1) {
            reporter.error(pos(lengthArg.token()), "one_to_one needs a sequence length of 1, found " + t,
                    "write 'sequence 1 one_to_one', or use many_to_one for one output after " + t + " steps");
            return;
        }
        scope.steps = t.intValue();
        scope.mode = SequenceMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
        scope.sequenceStmt = s;
    }

    private void layer(Stmt s, Scope scope) {
        String kw = s.name();
        scope.layerStmts.add(s);
        Cursor c = new Cursor(s, kw.equals("rnn") ? "rnn H [tanh | relu]" : kw + " H");
        Long h = c.integer("the layer width", kw, 1, Limits.MAX_WIDTH);
        if (h == null) {
            return;
        }
        CellType cell = switch (kw) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            default -> CellType.RNN_TANH;
        };
        Arg next = c.peek();
        if (next != null && next.kind() == ArgKind.WORD) {
            if (!kw.equals("rnn")) {
                if (RNN_ACTIVATIONS.contains(next.text()) || HEADS.contains(next.text())) {
                    reporter.error(pos(next.token()), "'" + kw + "' takes no activation",
                            "only 'rnn' layers choose tanh or relu; " + kw + " gates are fixed");
                    return;
                }
            } else {
                String act = c.word("an activation", "rnn layers use tanh (the default) or relu", RNN_ACTIVATIONS);
                if (act == null) {
                    return;
                }
                cell = act.equals("relu") ? CellType.RNN_RELU : CellType.RNN_TANH;
            }
        }
        if (!c.end()) {
            return;
        }
        if (scope.layers.size() >= Limits.MAX_LAYERS) {
            reporter.error(pos(s.keyword()), "too many layers in " + scope.label,
                    "at most " + Limits.MAX_LAYERS + " layers per stack");
            return;
        }
        if (scope.dense != null) {
            reporter.error(pos(s.keyword()), "layer after the 'dense' head",
                    "layers stack in the order written and the head sits on top: move this layer above 'dense'",
                    Reporter.note(pos(scope.dense.keyword()), "'dense' declared here"));
            return;
        }
        scope.layers.add(new LayerDecl(cell, h.intValue(), pos(s.keyword())));
    }

    private void dense(Stmt s, Scope scope) {
        Cursor c = new Cursor(s, "dense N [softmax | sigmoid | tanh | linear]");
        Long n = c.integer("the output count", "dense", 1, Limits.MAX_WIDTH);
        if (n == null) {
            return;
        }
        HeadActivation act = HeadActivation.LINEAR;
        if (c.peek() != null) {
            String a = c.word("a head activation", "one of softmax, sigmoid, tanh, linear", HEADS);
            if (a == null) {
                return;
            }
            act = HeadActivation.valueOf(a.toUpperCase(java.util.Locale.ROOT));
        }
        if (!c.end()) {
            return;
        }
        if (scope.layerStmts.isEmpty()) {
            reporter.error(pos(s.keyword()), "expected a layer (rnn, lstm, gru) before 'dense'",
                    "the head sits on top of the recurrent layers, e.g. 'lstm 128' then 'dense " + n + "'");
        }
        scope.outputs = n.intValue();
        scope.activation = act;
        scope.dense = s;
    }

    private void loss(Stmt s, Settings settings) {
        Cursor c = new Cursor(s, "loss cross_entropy | mse | bce");
        String l = c.word("a loss", "one of cross_entropy, mse, bce", LOSSES);
        if (l != null && c.end()) {
            settings.loss = LossKind.valueOf(l.toUpperCase(java.util.Locale.ROOT));
            settings.lossStmt = s;
        }
    }

    private void optimizer(Stmt s, Settings settings) {
        Cursor c = new Cursor(s, "optimizer adam|sgd key=value ...");
        String kind = c.word("an optimizer", "adam or sgd", OPTIMIZERS);
        if (kind == null) {
            return;
        }
        boolean adam = kind.equals("adam");
        List<String> keys = adam ? ADAM_OPTIONS : SGD_OPTIONS;
        Map<String, Arg> given = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        boolean ok = true;
        for (Arg a = c.peek(); a != null; a = c.peek()) {
            c.next();
            if (a.kind() != ArgKind.OPTION) {
                reporter.error(pos(a.token()), "unexpected " + describe(a) + " after 'optimizer " + kind + "'",
                        "options are written key=value, e.g. '" + (a.kind() == ArgKind.NUMBER ? "lr=" + a.text()
                                : "lr=0.001") + "'; " + kind + " takes " + String.join(", ", keys));
                ok = false;
                continue;
            }
            String key = a.text();
            if (!keys.contains(key)) {
                List<String> other = adam ? SGD_OPTIONS : ADAM_OPTIONS;
                String hint = key.equals("betas") && adam ? "write PyTorch's betas pair as 'beta1=0.9 beta2=0.999'"
                        : other.contains(key)
                        ? "'" + key + "' is an option of " + (adam ? "sgd" : "adam") + "; " + kind + " takes "
                        + String.join(", ", keys)
                        : Suggest.hint(key, keys, kind + " takes " + String.join(", ", keys));
                reporter.error(pos(a.token()), "unknown " + kind + " option '" + key + "'", hint);
                ok = false;
                continue;
            }
            if (given.containsKey(key)) {
                reporter.error(pos(a.token()), "option '" + key + "' given twice", "give each option once",
                        Reporter.note(pos(given.get(key).token()), "first given here"));
                ok = false;
                continue;
            }
            given.put(key, a);
            if (a.value().getType() != RnnParser.NUMBER) {
                boolean missing = a.value().getType() == RnnParser.EQ;
                reporter.error(missing ? afterToken(a.value()) : pos(a.value()), "expected a number after '" + key
                        + "='" + (missing ? "" : ", found '" + shortText(a.value().getText()) + "'"), defaultHint(kind, key));
                ok = false;
                continue;
            }
            Double v = real(a.value(), "'" + key + "'");
            if (v == null) {
                ok = false;
                continue;
            }
            String problem = switch (key) {
                case "lr" -> v > 0 ? null : "must be greater than 0";
                case "beta1", "beta2" -> v >= 0 && v < 1 ? null : "must be at least 0 and less than 1";
                default -> v >= 0 ? null : "must not be negative"; // eps, weight_decay, momentum
            };
            if (problem != null) {
                reporter.error(pos(a.value()), "'" + key + "' " + problem + ", found " + a.value().getText(),
                        defaultHint(kind, key));
                ok = false;
                continue;
            }
            values.put(key, v);
        }
        if (!ok) {
            return;
        }
        SourcePos at = pos(s.keyword());
        if (adam) {
            OptimizerSpec d = OptimizerSpec.adamDefaults(at);
            settings.optimizer = new OptimizerSpec(OptimizerSpec.Kind.ADAM, values.getOrDefault("lr", d.lr()),
                    values.getOrDefault("beta1", d.beta1()), values.getOrDefault("beta2", d.beta2()),
                    values.getOrDefault("eps", d.eps()), values.getOrDefault("weight_decay", d.weightDecay()),
                    0.0, at);
        } else {
            if (!values.containsKey("lr")) {
                reporter.error(at, "sgd needs a learning rate",
                        "write e.g. 'optimizer sgd lr=0.1' (like PyTorch, sgd has no default lr)");
                return;
            }
            settings.optimizer = new OptimizerSpec(OptimizerSpec.Kind.SGD, values.get("lr"), 0, 0, 0,
                    values.getOrDefault("weight_decay", 0.0), values.getOrDefault("momentum", 0.0), at);
        }
    }

    private static String defaultHint(String kind, String key) {
        return switch (key) {
            case "lr" -> kind.equals("adam") ? "adam's default is lr=0.001" : "typical sgd rates are 0.01 to 0.5";
            case "beta1" -> "the default is beta1=0.9";
            case "beta2" -> "the default is beta2=0.999";
            case "eps" -> "the default is eps=1e-8";
            case "momentum" -> "the default is momentum=0";
            default -> "the default is weight_decay=0";
        };
    }

    private void clip(Stmt s, Settings settings) {
        Cursor c = new Cursor(s, "clip norm X | clip value X");
        String kind = c.word("'norm' or 'value'", "'clip norm 5.0' scales gradients to a global L2 norm;"
                + " 'clip value 1.0' clips each element", CLIPS);
        if (kind == null) {
            return;
        }
        Arg a = c.peek();
        if (a == null || a.kind() != ArgKind.NUMBER) {
            c.expected("a threshold", "e.g. 'clip " + kind + " 5.0'");
            return;
        }
        c.next();
        Double x = real(a.token(), "the clip threshold");
        if (x == null || !c.end()) {
            return;
        }
        if (!(x > 0)) {
            reporter.error(pos(a.token()), "the clip threshold must be greater than 0, found " + a.text(),
                    "e.g. 'clip " + kind + " 5.0'");
            return;
        }
        settings.clip = new ClipSpec(kind.equals("norm") ? ClipSpec.Kind.NORM : ClipSpec.Kind.VALUE, x,
                pos(s.keyword()));
    }

    // ------------------------------------------------------------------------------------------------
    // Checks across statements.

    /** A stack needs input, sequence, layers and (unless it is an encoder) a dense head. */
    private void requireStack(Scope s, boolean needsHead, SourcePos at) {
        boolean isModel = s.opener.getType() == RnnParser.MODEL;
        if (!s.seen.containsKey("input")) {
            reporter.error(at, s.label + " has no 'input'", s.opener.getType() == RnnParser.MODEL
                    ? "add e.g. 'input 28' (28 features per step) or 'input tokens 96 embed 32'"
                    : "add e.g. 'input tokens 30 embed 32'");
        } else if (!isModel && s.input != null && !s.input.isTokens()) {
            reporter.error(pos(s.seen.get("input").keyword()), s.label + " reads tokens, not features",
                    "write 'input tokens V' (one-hot) or 'input tokens V embed E'");
        }
        if (!s.seen.containsKey("sequence")) {
            reporter.error(at, s.label + " has no 'sequence'", isModel
                    ? "add e.g. 'sequence 28 many_to_one'" : "add e.g. 'sequence 24'");
        }
        if (s.layerStmts.isEmpty() && !s.seen.containsKey("dense")) {
            reporter.error(at, s.label + " has no layers", "add a layer (rnn, lstm, gru), e.g. 'lstm 128'"
                    + (needsHead ? ", and a head, e.g. 'dense 10 softmax'" : ""));
        } else if (needsHead && !s.seen.containsKey("dense") && !s.layerStmts.isEmpty()) {
            reporter.error(at, s.label + " has no 'dense' head",
                    "add e.g. 'dense 10 softmax' after the last layer");
        }
    }

    /** The decoder starts from the encoder's final states, so the stacks must match layer by layer. */
    private void handOver(Scope enc, Scope dec) {
        if (enc.layers.isEmpty() || dec.layers.isEmpty() || enc.layers.size() != enc.layerStmts.size()
                || dec.layers.size() != dec.layerStmts.size()) {
            return; // a layer with its own error: comparing the rest would mis-pair them
        }
        if (enc.layers.size() != dec.layers.size()) {
            reporter.error(pos(dec.opener), "the decoder has " + count(dec.layers.size())
                            + " but the encoder has " + count(enc.layers.size()),
                    "the encoder's final states seed the decoder layer by layer: give both the same layers",
                    Reporter.note(pos(enc.opener), "'encoder' declared here"));
            return;
        }
        for (int i = 0; i < enc.layers.size(); i++) {
            LayerDecl e = enc.layers.get(i);
            LayerDecl d = dec.layers.get(i);
            String ec = family(e.cell());
            String dc = family(d.cell());
            if (!ec.equals(dc)) {
                reporter.error(d.pos(), "decoder layer " + i + " is '" + dc + "' but encoder layer " + i + " is '"
                                + ec + "'", "the encoder hands each layer's state to the same decoder layer:"
                                + " use the same cell in both",
                        Reporter.note(e.pos(), "encoder layer " + i + " declared here"));
            } else if (e.hidden() != d.hidden()) {
                reporter.error(d.pos(), "decoder layer " + i + " has width " + d.hidden() + " but encoder layer "
                                + i + " has width " + e.hidden(),
                        "the encoder hands each layer's state to the same decoder layer: use the same width",
                        Reporter.note(e.pos(), "encoder layer " + i + " declared here"));
            }
        }
    }

    private static String count(int layers) {
        return layers + (layers == 1 ? " layer" : " layers");
    }

    private static String family(CellType c) {
        return switch (c) {
            case RNN_TANH, RNN_RELU -> "rnn";
            case LSTM -> "lstm";
            case GRU -> "gru";
        };
    }

    /** The loss decides what the head must produce. */
    private void checkHead(Settings settings, Scope head) {
        String act = head.activation.keyword();
        SourcePos lossAt = pos(settings.lossStmt.keyword());
        Diagnostic.Related headNote = Reporter.note(pos(head.dense.keyword()), "head declared here");
        String denseN = "dense " + head.outputs;
        switch (settings.loss) {
            case CROSS_ENTROPY -> {
                if (head.activation != HeadActivation.SOFTMAX) {
                    reporter.error(lossAt, "'cross_entropy' needs a softmax head, found '" + act + "'",
                            "write '" + denseN + " softmax', or use 'loss bce' for independent sigmoid outputs",
                            headNote);
                }
            }
            case BCE -> {
                if (head.activation != HeadActivation.SIGMOID) {
                    reporter.error(lossAt, "'bce' needs a sigmoid head, found '" + act + "'",
                            "write '" + denseN + " sigmoid', or use 'loss cross_entropy' with softmax", headNote);
                }
            }
            case MSE -> {
                if (head.activation == HeadActivation.SOFTMAX || head.activation == HeadActivation.SIGMOID) {
                    reporter.warning(lossAt, "'mse' on a " + act + " head learns slowly",
                            head.activation == HeadActivation.SOFTMAX ? "'loss cross_entropy' suits a softmax head"
                                    : "'loss bce' suits a sigmoid head", headNote);
                }
            }
        }
    }

    private void duplicate(Token second, Token first) {
        reporter.error(pos(second), "duplicate '" + second.getText() + "'",
                "a model states '" + second.getText() + "' once: remove one",
                Reporter.note(pos(first), "first declared here"));
    }

    // ------------------------------------------------------------------------------------------------
    // Arguments.

    /** Walks a statement's arguments, reporting anything unexpected in the statement's own terms. */
    private final class Cursor {
        private final Stmt stmt;
        private final String usage;
        private int i;

        Cursor(Stmt stmt, String usage) {
            this.stmt = stmt;
            this.usage = usage;
        }

        Arg peek() {
            return i < stmt.args().size() ? stmt.args().get(i) : null;
        }

        Arg peekWord() {
            Arg a = peek();
            return a != null && a.kind() == ArgKind.WORD ? a : null;
        }

        void next() {
            i++;
        }

        /** Reports "expected WHAT after 'keyword ...', found X" at the current argument or the statement's end. */
        void expected(String what, String hint) {
            Arg a = peek();
            String after = "'" + textUpTo(stmt, i) + "'";
            if (a == null) {
                reporter.error(endOf(stmt), "expected " + what + " after " + after, hint);
            } else {
                reporter.error(pos(a.token()), "expected " + what + " after " + after + ", found " + describe(a),
                        hint);
            }
        }

        /** A word from {@code choices}; an unknown word gets "did you mean". */
        String word(String what, String hint, List<String> choices) {
            Arg a = peek();
            if (a == null || a.kind() != ArgKind.WORD) {
                if (a != null && a.kind() == ArgKind.OPTION) {
                    optionNotAllowed(a);
                } else {
                    expected(what, hint);
                }
                return null;
            }
            String w = a.text();
            if (!choices.contains(w)) {
                String noun = what.startsWith("a ") ? what.substring(2) : what.startsWith("an ") ? what.substring(3)
                        : null;
                String message = noun != null && !noun.startsWith("'") && !noun.contains(" or ")
                        ? "unknown " + noun + " '" + w + "'"
                        : "expected " + what + " after '" + textUpTo(stmt, i) + "', found '" + w + "'";
                reporter.error(pos(a.token()), message, Suggest.hint(w, choices, hint));
                return null;
            }
            i++;
            return w;
        }

        /** A whole number in [min, max]. */
        Long integer(String what, String after, long min, long max) {
            Arg a = peek();
            if (a == null || a.kind() != ArgKind.NUMBER) {
                if (a != null && a.kind() == ArgKind.OPTION) {
                    optionNotAllowed(a);
                } else {
                    expected(what, "write '" + usage + "'");
                }
                return null;
            }
            i++;
            String t = a.text();
            String range = "between " + min + " and " + max;
            String noun = what.replaceFirst("^the ", "").replaceFirst("^an? ", "");
            String article = "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
            if (!t.matches("-?[0-9]+")) {
                reporter.error(pos(a.token()), noun + " must be a whole number, found " + shortText(t),
                        article + noun + " is a whole number " + range);
                return null;
            }
            String digits = t.replaceFirst("^-?0*", "");
            boolean negative = t.startsWith("-") && !digits.isEmpty();
            BigInteger v = digits.length() > 20 ? null : new BigInteger(negative ? "-" + digits : digits.isEmpty() ? "0" : digits);
            if (v == null || v.compareTo(BigInteger.valueOf(max)) > 0) {
                reporter.error(pos(a.token()), noun + " " + shortText(t) + " is too large",
                        article + noun + " is " + range);
                return null;
            }
            if (v.compareTo(BigInteger.valueOf(min)) < 0) {
                reporter.error(pos(a.token()), noun + " " + shortText(t) + " is too small",
                        article + noun + " is " + range);
                return null;
            }
            return v.longValue();
        }

        /** True if no arguments remain; otherwise reports the first extra one. */
        boolean end() {
            Arg a = peek();
            if (a == null) {
                return true;
            }
            if (a.kind() == ArgKind.OPTION) {
                optionNotAllowed(a);
                return false;
            }
            String hint = "write '" + usage + "'";
            if (a.kind() == ArgKind.WORD) {
                Optional<String> close = Suggest.closest(a.text(), Words.STATEMENTS);
                if (close.isPresent()) {
                    hint = "did you mean '" + close.get() + "'? Each statement starts with its keyword";
                }
            }
            reporter.error(pos(a.token()), "unexpected " + describe(a) + " after '" + textUpTo(stmt, i) + "'", hint);
            return false;
        }

        private void optionNotAllowed(Arg a) {
            reporter.error(pos(a.token()), "'" + stmt.name() + "' takes no options such as '" + a.text() + "='",
                    "key=value options belong to 'optimizer'; write '" + usage + "'");
        }
    }

    private static String shortText(String t) {
        return t.length() > 24 ? t.substring(0, 24) + "..." : t;
    }

    /** A finite real number, or a reported error. */
    private Double real(Token t, String what) {
        String s = t.getText();
        try {
            if (s.length() > 64) {
                throw new NumberFormatException();
            }
            double v = new BigDecimal(s).doubleValue();
            if (Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException | ArithmeticException e) {
            reporter.error(pos(t), what + " " + shortText(s) + " is out of range",
                    "write an ordinary number such as 0.001 or 1e-3");
            return null;
        }
    }

    private static String describe(Arg a) {
        return switch (a.kind()) {
            case OPTION -> "'" + a.text() + "=" + (a.value().getType() == RnnParser.EQ ? "" : a.value().getText()) + "'";
            default -> "'" + shortText(a.text()) + "'";
        };
    }

    /** The statement's source text from its keyword up to (not including) argument {@code n}. */
    private String textUpTo(Stmt s, int n) {
        Token last = n == 0 ? s.keyword() : s.args().get(n - 1).kind() == ArgKind.OPTION
                ? s.args().get(n - 1).value() : s.args().get(n - 1).token();
        int from = s.keyword().getStartIndex();
        int to = last.getStopIndex() + 1;
        String t = from >= 0 && to <= text.length() && from < to ? text.substring(from, to) : s.name();
        return t.length() > 40 ? t.substring(0, 37) + "..." : t;
    }

    // ------------------------------------------------------------------------------------------------
    // Tree and position helpers.

    private Stmt stmt(RnnParser.SimpleStatementContext ctx) {
        List<RnnParser.ArgContext> argCtxs;
        Token keyword;
        boolean known;
        if (ctx instanceof RnnParser.KnownStatementContext k) {
            keyword = k.keyword.getStart();
            argCtxs = k.arg();
            known = true;
        } else {
            RnnParser.UnknownStatementContext u = (RnnParser.UnknownStatementContext) ctx;
            keyword = u.word;
            argCtxs = u.arg();
            known = false;
        }
        List<Arg> args = new ArrayList<>();
        for (RnnParser.ArgContext a : argCtxs) {
            if (a instanceof RnnParser.OptionArgContext o) {
                args.add(new Arg(ArgKind.OPTION, o.key, o.value != null ? o.value : o.word != null ? o.word : o.EQ()
                        .getSymbol()));
            } else if (a instanceof RnnParser.WordArgContext w) {
                args.add(new Arg(ArgKind.WORD, w.IDENT().getSymbol(), null));
            } else if (a instanceof RnnParser.NumberArgContext n) {
                args.add(new Arg(ArgKind.NUMBER, n.NUMBER().getSymbol(), null));
            }
        }
        return new Stmt(keyword, known, args, isDamaged(ctx));
    }

    /** True if a syntax error touched this subtree (ANTLR recorded an exception or error nodes). */
    static boolean isDamaged(ParseTree t) {
        if (t instanceof ErrorNode) {
            return true;
        }
        if (t instanceof ParserRuleContext r) {
            if (r.exception != null) {
                return true;
            }
            for (int i = 0; i < r.getChildCount(); i++) {
                if (isDamaged(r.getChild(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    private String source(RnnParser.ModelDeclContext ctx) {
        int from = ctx.getStart().getStartIndex();
        int to = ctx.getStop() == null ? -1 : ctx.getStop().getStopIndex();
        if (from < 0 || to < from || to >= text.length()) {
            return "";
        }
        return text.substring(from, to + 1);
    }

    SourcePos pos(Token t) {
        return FrontEnd.pos(file, t);
    }

    private SourcePos afterToken(Token t) {
        SourcePos p = pos(t);
        return new SourcePos(file, p.line(), p.column() + p.length(), 1);
    }

    /** Just after a statement's last token, where "expected X after ..." points. */
    private SourcePos endOf(Stmt s) {
        Token last = s.args().isEmpty() ? s.keyword() : s.args().get(s.args().size() - 1).kind() == ArgKind.OPTION
                ? s.args().get(s.args().size() - 1).value() : s.args().get(s.args().size() - 1).token();
        SourcePos p = pos(last);
        return new SourcePos(file, p.line(), p.column() + p.length(), 1);
    }
}
