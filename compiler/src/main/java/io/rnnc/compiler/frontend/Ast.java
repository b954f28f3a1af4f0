package io.rnnc.compiler.frontend;

import io.rnnc.compiler.model.SourcePos;
import java.util.List;

/**
 * The abstract syntax of one spec: what was written, in order, each piece with its place, before any
 * word is checked. {@link AstBuilder} makes it from ANTLR's parse tree; the checks read only this.
 * The language is deliberately loose (see Rnn.g4), so a statement is its keyword and a list of
 * arguments; {@link StatementChecks} gives each one its typed meaning.
 *
 * <p>{@code damaged} marks a node a syntax error touched: its error is reported already, and checks that
 * would only echo it skip the node.
 */
final class Ast {

    private Ast() {
    }

    /**
     * One token as the checks need it: its text, its place, and its first and last character index in
     * the (line-end normalised) source, so a message can quote the statement as written.
     */
    record Lexeme(String text, SourcePos pos, int start, int stop) {
        /** Just after this lexeme, where "expected X after ..." points. */
        SourcePos after() {
            return new SourcePos(pos.file(), pos.line(), pos.column() + pos.length(), 1);
        }
    }

    /** A whole file: its package lines and models in the order written. */
    record SpecFile(List<TopLevel> items) {
        SpecFile {
            items = List.copyOf(items);
        }
    }

    sealed interface TopLevel permits PackageDecl, ModelDecl {
    }

    /** {@code package a.b.c}: the parts as written, names and dots (a missing part shows as two dots in a row). */
    record PackageDecl(Lexeme keyword, List<NamePart> parts, boolean damaged) implements TopLevel {
        PackageDecl {
            parts = List.copyOf(parts);
        }
    }

    /** A name or a '.' of a qualified name. */
    record NamePart(Lexeme lexeme, boolean isDot) {
    }

    /**
     * {@code model Name { ... }}.
     *
     * @param name        null when the name is missing
     * @param nameDamaged a syntax error touched the name
     * @param source      the model's text from 'model' to its closing '}', quoted in generated Javadoc
     */
    record ModelDecl(Lexeme keyword, Lexeme name, boolean nameDamaged, List<Statement> body, boolean damaged,
                     String source) implements TopLevel {
        ModelDecl {
            body = List.copyOf(body);
        }

        /** Where messages about the whole model point: its name, or 'model' when it has none. */
        SourcePos pos() {
            return name == null ? keyword.pos() : name.pos();
        }
    }

    /** A statement of a model body: an encoder/decoder block or a simple statement. */
    sealed interface Statement permits Block, SimpleStatement {
    }

    /** {@code encoder { ... }} or {@code decoder { ... }}; {@code keyword} is ENCODER or DECODER. */
    record Block(StatementKeyword keyword, Lexeme word, List<SimpleStatement> statements) implements Statement {
        Block {
            statements = List.copyOf(statements);
        }
    }

    /** A keyword and its arguments. */
    sealed interface SimpleStatement extends Statement permits KnownStatement, UnknownStatement {
        Lexeme word();

        List<Arg> args();

        boolean damaged();
    }

    /** A statement that starts with one of the language's keywords. */
    record KnownStatement(StatementKeyword keyword, Lexeme word, List<Arg> args, boolean damaged)
            implements SimpleStatement {
        KnownStatement {
            args = List.copyOf(args);
        }
    }

    /** A statement that starts with a word the language does not know, kept so it can be named. */
    record UnknownStatement(Lexeme word, List<Arg> args, boolean damaged) implements SimpleStatement {
        UnknownStatement {
            args = List.copyOf(args);
        }
    }

    /** One argument after a statement keyword. */
    sealed interface Arg permits WordArg, NumberArg, OptionArg {
        /** The argument's first lexeme (an option's key). */
        Lexeme lexeme();

        /** The argument's last lexeme (an option's value, or its '=' when the value is missing). */
        default Lexeme last() {
            return lexeme();
        }

        default String text() {
            return lexeme().text();
        }
    }

    record WordArg(Lexeme lexeme) implements Arg {
    }

    record NumberArg(Lexeme lexeme) implements Arg {
    }

    /**
     * {@code key=value}.
     *
     * @param value   null when nothing follows the '='
     * @param numeric the value is a number (not a word)
     */
    record OptionArg(Lexeme lexeme, Lexeme equals, Lexeme value, boolean numeric) implements Arg {
        @Override
        public Lexeme last() {
            return value == null ? equals : value;
        }
    }
}
