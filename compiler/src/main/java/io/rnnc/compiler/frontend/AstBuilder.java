package io.rnnc.compiler.frontend;

import io.rnnc.compiler.frontend.Ast.Arg;
import io.rnnc.compiler.frontend.Ast.Lexeme;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.grammar.RnnBaseVisitor;
import io.rnnc.grammar.RnnParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * ANTLR's parse tree to the {@link Ast}: one visit per grammar rule, each node with its place. Knows the
 * grammar's shape and nothing of the language's rules; a statement keyword token becomes its
 * {@link StatementKeyword} by its text.
 */
final class AstBuilder extends RnnBaseVisitor<Object> {

    private final String file;
    private final String text;

    /** @param text the source the tokens index into, for a model's quoted text */
    AstBuilder(String file, String text) {
        this.file = file;
        this.text = text;
    }

    Ast.SpecFile build(RnnParser.FileContext tree) {
        return visitFile(tree);
    }

    @Override
    public Ast.SpecFile visitFile(RnnParser.FileContext ctx) {
        List<Ast.TopLevel> items = new ArrayList<>();
        for (ParseTree child : children(ctx)) {
            if (child instanceof RnnParser.PackageDeclContext || child instanceof RnnParser.ModelDeclContext) {
                items.add((Ast.TopLevel) visit(child));
            }
        }
        return new Ast.SpecFile(items);
    }

    @Override
    public Ast.PackageDecl visitPackageDecl(RnnParser.PackageDeclContext ctx) {
        List<Ast.NamePart> parts = new ArrayList<>();
        RnnParser.QualifiedNameContext q = ctx.qualifiedName();
        for (ParseTree child : q == null ? List.<ParseTree>of() : children(q)) {
            if (child instanceof RnnParser.NameContext n) {
                parts.add(new Ast.NamePart(lexeme(n.getStart()), false));
            } else if (child instanceof TerminalNode t) {
                parts.add(new Ast.NamePart(lexeme(t.getSymbol()), true));
            }
        }
        Token keyword = ctx.PACKAGE() != null ? ctx.PACKAGE().getSymbol() : ctx.getStart();
        return new Ast.PackageDecl(lexeme(keyword), parts, isDamaged(ctx));
    }

    @Override
    public Ast.ModelDecl visitModelDecl(RnnParser.ModelDeclContext ctx) {
        List<Ast.Statement> body = new ArrayList<>();
        for (RnnParser.StatementContext st : ctx.statement()) {
            if (st.blockStatement() != null) {
                body.add(visitBlockStatement(st.blockStatement()));
            } else if (st.simpleStatement() != null) {
                body.add((Ast.SimpleStatement) visit(st.simpleStatement()));
            }
        }
        Token name = ctx.name() == null ? null : ctx.name().getStart();
        return new Ast.ModelDecl(lexeme(ctx.MODEL().getSymbol()), name == null ? null : lexeme(name),
                ctx.name() != null && isDamaged(ctx.name()), body, isDamaged(ctx), source(ctx));
    }

    @Override
    public Ast.Block visitBlockStatement(RnnParser.BlockStatementContext ctx) {
        List<Ast.SimpleStatement> statements = new ArrayList<>();
        for (RnnParser.SimpleStatementContext s : ctx.simpleStatement()) {
            statements.add((Ast.SimpleStatement) visit(s));
        }
        return new Ast.Block(keyword(ctx.kind), lexeme(ctx.kind), statements);
    }

    @Override
    public Ast.KnownStatement visitKnownStatement(RnnParser.KnownStatementContext ctx) {
        Token word = ctx.keyword.getStart();
        return new Ast.KnownStatement(keyword(word), lexeme(word), args(ctx.arg()), isDamaged(ctx));
    }

    @Override
    public Ast.UnknownStatement visitUnknownStatement(RnnParser.UnknownStatementContext ctx) {
        return new Ast.UnknownStatement(lexeme(ctx.word), args(ctx.arg()), isDamaged(ctx));
    }

    @Override
    public Ast.OptionArg visitOptionArg(RnnParser.OptionArgContext ctx) {
        Token value = ctx.value != null ? ctx.value : ctx.word;
        return new Ast.OptionArg(lexeme(ctx.key), lexeme(ctx.EQ().getSymbol()), value == null ? null : lexeme(value),
                ctx.value != null);
    }

    @Override
    public Ast.WordArg visitWordArg(RnnParser.WordArgContext ctx) {
        return new Ast.WordArg(lexeme(ctx.IDENT().getSymbol()));
    }

    @Override
    public Ast.NumberArg visitNumberArg(RnnParser.NumberArgContext ctx) {
        return new Ast.NumberArg(lexeme(ctx.NUMBER().getSymbol()));
    }

    private List<Arg> args(List<RnnParser.ArgContext> ctxs) {
        List<Arg> args = new ArrayList<>();
        for (RnnParser.ArgContext a : ctxs) {
            Object node = visit(a);
            if (node instanceof Arg arg) { // null for an alternative ANTLR's recovery left empty
                args.add(arg);
            }
        }
        return args;
    }

    /** The grammar's statement tokens and {@link StatementKeyword} agree (VocabularyTest), so this finds one. */
    private static StatementKeyword keyword(Token t) {
        return StatementKeyword.of(t.getText()).orElseThrow(() -> new IllegalStateException(
                "grammar token '" + t.getText() + "' has no StatementKeyword"));
    }

    Lexeme lexeme(Token t) {
        return new Lexeme(t.getText(), pos(file, t), t.getStartIndex(), t.getStopIndex());
    }

    private static List<ParseTree> children(ParserRuleContext ctx) {
        return ctx.children == null ? List.of() : ctx.children;
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

    /** A token's place: 1-based column, length in characters (code points), at least 1. */
    static SourcePos pos(String file, Token t) {
        String s = t.getText();
        int length = s == null || t.getType() == Token.EOF ? 1 : Math.max(1, s.codePointCount(0, s.length()));
        return new SourcePos(file, Math.max(1, t.getLine()), t.getCharPositionInLine() + 1, length);
    }
}
