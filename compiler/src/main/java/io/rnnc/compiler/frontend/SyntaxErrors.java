package io.rnnc.compiler.frontend;

import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.grammar.RnnParser;
import java.util.List;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery with rnnc's messages: instead of "mismatched input X expecting {A, B, ...}" each
 * syntax error says, in words, what the place needs ("expected a model name after 'model'"). Errors go
 * to the {@link Reporter}, never to ANTLR's console listener.
 */
final class SyntaxErrors extends DefaultErrorStrategy {

    private static final String STATEMENT_LIST = String.join(", ", Vocabulary.STATEMENTS);

    private final Reporter reporter;
    private final Positions positions;
    private final java.util.Set<Integer> reportedRegions = new java.util.HashSet<>();

    SyntaxErrors(Reporter reporter, Positions positions) {
        this.reporter = reporter;
        this.positions = positions;
    }

    @Override
    public void reportError(Parser recognizer, RecognitionException e) {
        if (inErrorRecoveryMode(recognizer)) {
            return;
        }
        beginErrorCondition(recognizer);
        report(recognizer, e.getOffendingToken() != null ? e.getOffendingToken() : recognizer.getCurrentToken());
    }

    @Override
    protected void reportUnwantedToken(Parser recognizer) {
        if (inErrorRecoveryMode(recognizer)) {
            return;
        }
        beginErrorCondition(recognizer);
        report(recognizer, recognizer.getCurrentToken());
    }

    @Override
    protected void reportMissingToken(Parser recognizer) {
        if (inErrorRecoveryMode(recognizer)) {
            return;
        }
        beginErrorCondition(recognizer);
        report(recognizer, recognizer.getCurrentToken());
    }

    private void report(Parser parser, Token found) {
        // One syntax error per model: after the first, ANTLR's recovery guesses and the rest are echoes.
        int region = region(parser, found);
        if (!reportedRegions.add(region)) {
            return;
        }
        IntervalSet expected;
        try {
            expected = parser.getExpectedTokens();
        } catch (RuntimeException e) {
            expected = new IntervalSet();
        }
        ParserRuleContext ctx = parser.getContext();
        Message m = message(ctx, expected, found);
        SourcePos pos = found.getType() == Token.EOF ? positions.endOf(parser.getInputStream()) : positions.of(found);
        if (m.related != null) {
            reporter.error(pos, m.text, m.hint, m.related);
        } else {
            reporter.error(pos, m.text, m.hint);
        }
    }

    /** The token index of the 'model' keyword the error belongs to (-1 before the first model). */
    private static int region(Parser parser, Token found) {
        for (ParserRuleContext c = parser.getContext(); c != null; c = c.getParent()) {
            if (c instanceof RnnParser.ModelDeclContext m) {
                return m.getStart().getTokenIndex();
            }
        }
        TokenStream tokens = parser.getInputStream();
        for (int i = Math.min(found.getTokenIndex(), tokens.size() - 1) - 1; i >= 0; i--) {
            if (tokens.get(i).getType() == RnnParser.MODEL) {
                return i;
            }
        }
        return -1;
    }

    private record Message(String text, String hint, Diagnostic.Related related) {
        Message(String text, String hint) {
            this(text, hint, null);
        }
    }

    private Message message(ParserRuleContext at, IntervalSet expected, Token found) {
        String what = describe(found);
        ParserRuleContext ctx = at;
        // Inside a statement, speak for the body that holds it.
        while (ctx != null && !(ctx instanceof RnnParser.NameContext || ctx instanceof RnnParser.QualifiedNameContext
                || ctx instanceof RnnParser.ModelDeclContext
                || ctx instanceof RnnParser.BlockStatementContext || ctx instanceof RnnParser.FileContext)) {
            ctx = ctx.getParent();
        }
        int type = found.getType();
        if (ctx instanceof RnnParser.NameContext && ctx.getParent() instanceof RnnParser.ModelDeclContext) {
            return new Message("expected a model name after 'model', found " + what,
                    "name the generated class, e.g. 'model MnistRnn {'");
        }
        if (ctx instanceof RnnParser.ModelDeclContext model) {
            String name = model.name() == null ? "?" : model.name().getText();
            if (expected.contains(RnnParser.LBRACE) && !expected.contains(RnnParser.RBRACE)) {
                return new Message("expected '{' after 'model " + name + "', found " + what,
                        "a model's statements go between '{' and '}'");
            }
            return body(what, type, "model '" + name + "'", model.start);
        }
        if (ctx instanceof RnnParser.BlockStatementContext block) {
            String kind = block.kind == null ? "block" : block.kind.getText();
            if (expected.contains(RnnParser.LBRACE) && !expected.contains(RnnParser.RBRACE)) {
                return new Message("expected '{' after '" + kind + "', found " + what,
                        "write '" + kind + " { ... }' with the block's statements inside");
            }
            if (type == RnnParser.ENCODER || type == RnnParser.DECODER) {
                return new Message("'" + found.getText() + "' inside '" + kind + " { }'",
                        "close '" + kind + "' with '}' first: encoder and decoder sit side by side in the model",
                        new Diagnostic.Related(positions.of(block.kind), "'" + kind
                                + "' opened here"));
            }
            return body(what, type, "'" + kind + "'", block.kind);
        }
        // Top level (the file rule) and anything unforeseen.
        if (Vocabulary.STATEMENTS.contains(found.getText())) {
            return new Message("'" + found.getText() + "' outside a model",
                    "statements go inside 'model Name { ... }'");
        }
        if (type == RnnParser.RBRACE) {
            return new Message("unmatched '}'", "every '}' closes a 'model Name {' or an 'encoder {'/'decoder {'");
        }
        if (type == RnnParser.IDENT) {
            return new Message("expected 'model' or 'package', found " + what,
                    Suggest.hint(found.getText(), List.of(Vocabulary.MODEL, Vocabulary.PACKAGE),
                            "a spec holds an optional 'package a.b.c' line and 'model Name { ... }' blocks"));
        }
        return new Message("expected 'model' or 'package', found " + what,
                "a spec holds an optional 'package a.b.c' line and 'model Name { ... }' blocks");
    }

    /** Errors inside a model body or an encoder/decoder block. */
    private Message body(String what, int type, String owner, Token opener) {
        Diagnostic.Related opened = opener == null ? null
                : new Diagnostic.Related(positions.of(opener), owner + " opened here");
        return switch (type) {
            case Token.EOF -> new Message("expected '}' to close " + owner + ", found end of file",
                    "add the missing '}'", opened);
            case RnnParser.MODEL -> new Message("expected '}' to close " + owner + " before the next 'model'",
                    "add the missing '}'", opened);
            case RnnParser.PACKAGE -> new Message("'package' inside " + owner,
                    "the package line comes first in the file, before any model");
            case RnnParser.LBRACE -> new Message("unexpected '{'",
                    "only 'encoder' and 'decoder' open a block, directly inside a model");
            case RnnParser.EQ -> new Message("unexpected '='",
                    "options are written key=number after their optimizer, as in 'optimizer adam lr=0.001'");
            case RnnParser.ENCODER, RnnParser.DECODER -> new Message("'" + what.replace("'", "")
                    + "' cannot appear here", "encoder and decoder blocks sit directly inside the model");
            default -> new Message("expected a statement, found " + what,
                    "a statement starts with its keyword: " + STATEMENT_LIST);
        };
    }

    static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case RnnParser.NL -> "end of line";
            default -> {
                String text = t.getText() == null ? "" : t.getText();
                yield "'" + (text.length() > 24 ? text.substring(0, 24) + "..." : text) + "'";
            }
        };
    }

    /** Maps tokens to source positions (1-based columns, lengths in characters). */
    interface Positions {
        SourcePos of(Token t);

        /** Just after the last real token, where "end of file" errors point. */
        SourcePos endOf(TokenStream tokens);
    }
}
