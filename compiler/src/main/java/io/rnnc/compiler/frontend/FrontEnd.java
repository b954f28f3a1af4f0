package io.rnnc.compiler.frontend;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.diag.Diagnostics;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.grammar.RnnLexer;
import io.rnnc.grammar.RnnParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The whole front end for one file: lex, parse with worded syntax errors, report stray characters,
 * check the package and model names, and build each model. Never throws for any input.
 */
public final class FrontEnd {

    /** Names Java reserves for types besides its keywords (JLS 3.9 restricted identifiers). */
    private static final Set<String> RESTRICTED_TYPE_NAMES = Set.of("var", "yield", "record", "sealed", "permits");

    private FrontEnd() {
    }

    /** Parses and validates {@code text}; positions in diagnostics carry {@code fileName}. */
    public static ParseResult parse(String fileName, String text) {
        Reporter reporter = new Reporter();
        List<Model> models = new ArrayList<>();
        // One line terminator ('\n') so ANTLR's line numbers and the renderer's lines always agree.
        String source = text.replace("\r\n", "\n").replace('\r', '\n');
        if (source.startsWith("\uFEFF")) {
            source = " " + source.substring(1); // a BOM: keep columns, drop the character
        }
        try {
            if (source.length() > Limits.MAX_SOURCE_CHARS) {
                reporter.error(new SourcePos(fileName, 1, 1, 1), "file is too large for a spec (" + source.length()
                                + " characters)", "a spec is at most " + Limits.MAX_SOURCE_CHARS
                                + " characters; is this the right file?");
            } else if (source.isBlank()) {
                reporter.warning(new SourcePos(fileName, 1, 1, 1), "no models in this file",
                        "a spec holds 'model Name { ... }' blocks");
            } else {
                run(fileName, source, reporter, models);
            }
        } catch (StackOverflowError | RuntimeException e) {
            // A bug of ours, not of the spec; say so plainly rather than with a trace.
            reporter.error(new SourcePos(fileName, 1, 1, 1), "internal error while reading this spec ("
                    + e.getClass().getSimpleName() + ")", "please report this file to the rnnc developers");
            models.clear();
        }
        Map<String, String> sources = new HashMap<>();
        sources.put(fileName, source);
        return new ParseResult(models, Diagnostics.of(reporter.sorted(), sources));
    }

    private static void run(String file, String text, Reporter reporter, List<Model> models) {
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
                return pos(file, t);
            }

            @Override
            public SourcePos endOf(TokenStream stream) {
                return end(file, tokens.getTokens());
            }
        }));
        RnnParser.FileContext tree = parser.file();

        ModelBuilder builder = new ModelBuilder(file, text, reporter);
        String packageName = "";
        Token packageToken = null;
        boolean sawModel = false;
        Map<String, Token> names = new HashMap<>();
        for (var child : tree.children == null ? List.<org.antlr.v4.runtime.tree.ParseTree>of() : tree.children) {
            if (child instanceof RnnParser.PackageDeclContext p && !ModelBuilder.isDamaged(p)) {
                Token kw = p.PACKAGE().getSymbol();
                if (packageToken != null) {
                    reporter.error(pos(file, kw), "duplicate 'package'", "a file has one package line",
                            Reporter.note(pos(file, packageToken), "first declared here"));
                    continue;
                }
                packageToken = kw;
                if (sawModel) {
                    reporter.error(pos(file, kw), "'package' after a model",
                            "the package line comes first in the file, before any model");
                }
                packageName = packageName(file, kw, p.qualifiedName(), reporter);
            } else if (child instanceof RnnParser.ModelDeclContext m) {
                sawModel = true;
                Token name = m.name() == null ? null : m.name().getStart();
                if (name != null && !ModelBuilder.isDamaged(m.name())) {
                    checkClassName(file, name, reporter);
                    Token first = names.putIfAbsent(name.getText(), name);
                    if (first != null) {
                        reporter.error(pos(file, name), "duplicate model name '" + name.getText() + "'",
                                "each model becomes a class of that name: rename one",
                                Reporter.note(pos(file, first), "first declared here"));
                    }
                }
                int before = reporter.errorCount();
                Optional<Model> model = builder.build(packageName, m);
                if (reporter.errorCount() == before) {
                    model.ifPresent(models::add);
                }
            }
        }
        if (!sawModel && reporter.errorCount() == 0) {
            reporter.warning(new SourcePos(file, 1, 1, 1), "no models in this file",
                    "a spec holds 'model Name { ... }' blocks");
        }
        if (reporter.errorCount() > 0) {
            models.clear(); // callers generate nothing from a file with errors
        }
    }

    private static String packageName(String file, Token keyword, RnnParser.QualifiedNameContext q,
                                      Reporter reporter) {
        List<String> parts = new ArrayList<>();
        Token previous = keyword;
        boolean expectName = true;
        List<org.antlr.v4.runtime.tree.ParseTree> children = q.children == null ? List.of() : q.children;
        for (int i = 0; i <= children.size(); i++) {
            var child = i < children.size() ? children.get(i) : null;
            if (child instanceof RnnParser.NameContext n) {
                Token t = n.getStart();
                String s = t.getText();
                if (SourceVersion.isKeyword(s, SourceVersion.RELEASE_17)) {
                    reporter.error(pos(file, t), "'" + s + "' is a Java keyword and cannot be part of a package name",
                            "choose another name, e.g. '" + s + "s'");
                    return "";
                } else if (!SourceVersion.isIdentifier(s)) {
                    reporter.error(pos(file, t), "'" + s + "' is not a valid Java package name",
                            "package names are Java identifiers separated by '.'");
                    return "";
                }
                parts.add(s);
                previous = t;
                expectName = false;
            } else if (expectName) {
                SourcePos at = child == null ? after(file, previous) : pos(file, ((org.antlr.v4.runtime.tree
                        .TerminalNode) child).getSymbol());
                reporter.error(at, previous == keyword ? "expected a package name after 'package'"
                        : "expected a name after '.'", "write a package as 'package a.b.c'");
                return "";
            } else if (child != null) {
                previous = ((org.antlr.v4.runtime.tree.TerminalNode) child).getSymbol();
                expectName = true;
            }
        }
        return String.join(".", parts);
    }

    private static SourcePos after(String file, Token t) {
        SourcePos p = pos(file, t);
        return new SourcePos(file, p.line(), p.column() + p.length(), 1);
    }

    private static void checkClassName(String file, Token t, Reporter reporter) {
        String s = t.getText();
        if (SourceVersion.isKeyword(s, SourceVersion.RELEASE_17) || RESTRICTED_TYPE_NAMES.contains(s)) {
            String cap = Character.toUpperCase(s.charAt(0)) + s.substring(1);
            reporter.error(pos(file, t), "'" + s + "' is reserved in Java and cannot name a class",
                    "choose another name, e.g. '" + cap + "Model'");
        } else if (!SourceVersion.isIdentifier(s)) {
            reporter.error(pos(file, t), "'" + s + "' is not a valid Java class name",
                    "a class name is a letter followed by letters, digits or '_'");
        }
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

    /** A token's place: 1-based column, length in characters (code points), at least 1. */
    static SourcePos pos(String file, Token t) {
        String text = t.getText();
        int length = text == null || t.getType() == Token.EOF ? 1 : Math.max(1, text.codePointCount(0, text.length()));
        return new SourcePos(file, Math.max(1, t.getLine()), t.getCharPositionInLine() + 1, length);
    }

    /** Just after the last token that is not a line break: where "found end of file" errors point. */
    private static SourcePos end(String file, List<Token> tokens) {
        for (int i = tokens.size() - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.getType() != Token.EOF && t.getType() != RnnLexer.NL && t.getChannel() == Token.DEFAULT_CHANNEL) {
                SourcePos p = pos(file, t);
                return new SourcePos(file, p.line(), p.column() + p.length(), 1);
            }
        }
        return new SourcePos(file, 1, 1, 1);
    }
}
