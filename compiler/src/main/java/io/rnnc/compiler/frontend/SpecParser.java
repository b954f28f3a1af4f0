package io.rnnc.compiler.frontend;

import io.rnnc.compiler.model.SourcePos;
import io.rnnc.grammar.RnnLexer;
import io.rnnc.grammar.RnnParser;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Text to ANTLR's parse tree: lexes, reports characters the language does not use, and parses with
 * worded syntax errors ({@link SyntaxErrors}). The tree may hold damaged parts; their errors are reported.
 */
final class SpecParser {

    private SpecParser() {
    }

    static RnnParser.FileContext parse(String file, String text, Reporter reporter) {
        RnnLexer lexer = new RnnLexer(CharStreams.fromString(text, file));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        strayCharacters(file, tokens.getTokens(), reporter);

        RnnParser parser = new RnnParser(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new SyntaxErrors(reporter, new SyntaxErrors.Positions() {
            @Override
            public SourcePos of(Token t) {
                return AstBuilder.pos(file, t);
            }

            @Override
            public SourcePos endOf(TokenStream stream) {
                return end(file, tokens.getTokens());
            }
        }));
        return parser.file();
    }

    /** One diagnostic per run of characters the language does not use. */
    private static void strayCharacters(String file, List<Token> tokens, Reporter reporter) {
        Token runStart = null;
        Token runEnd = null;
        for (Token t : tokens) {
            if (t.getType() == RnnLexer.INVALID) {
                if (runStart != null && runEnd.getStopIndex() + 1 == t.getStartIndex() && runEnd.getLine() == t.getLine()) {
                    runEnd = t;
                    continue;
                }
                flushStray(file, runStart, runEnd, reporter);
                runStart = t;
                runEnd = t;
            }
        }
        flushStray(file, runStart, runEnd, reporter);
    }

    private static void flushStray(String file, Token first, Token last, Reporter reporter) {
        if (first == null) {
            return;
        }
        int length = last.getCharPositionInLine() + 1 - first.getCharPositionInLine();
        SourcePos at = new SourcePos(file, first.getLine(), first.getCharPositionInLine() + 1, Math.max(1, length));
        String shown = show(first.getText());
        if (length == 1) {
            reporter.error(at, "unexpected character " + shown, hint(first.getText()));
        } else {
            reporter.error(at, "unexpected characters starting with " + shown, hint(first.getText()));
        }
    }

    private static String hint(String c) {
        return switch (c) {
            case ";" -> "statements need no ';': end them with a new line";
            case "\"", "'" -> "names and words are written without quotes";
            case "(", ")", "[", "]", "," -> "write arguments after the keyword, separated by spaces, e.g. 'rnn 100 tanh'";
            default -> "comments start with '#' or '//'";
        };
    }

    private static String show(String c) {
        int cp = c.codePointAt(0);
        if (cp >= 0x20 && cp < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", cp);
    }

    /** Just after the last token that is not a line break: where "found end of file" errors point. */
    private static SourcePos end(String file, List<Token> tokens) {
        for (int i = tokens.size() - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.getType() != Token.EOF && t.getType() != RnnLexer.NL && t.getChannel() == Token.DEFAULT_CHANNEL) {
                SourcePos p = AstBuilder.pos(file, t);
                return new SourcePos(file, p.line(), p.column() + p.length(), 1);
            }
        }
        return new SourcePos(file, 1, 1, 1);
    }
}
