package io.rnnc.compiler.frontend;

import io.rnnc.compiler.frontend.Ast.Arg;
import io.rnnc.compiler.frontend.Ast.KnownStatement;
import io.rnnc.compiler.frontend.Ast.Lexeme;
import io.rnnc.compiler.model.SourcePos;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Walks one statement's arguments, reporting anything unexpected in the statement's own terms
 * ("expected the layer width after 'lstm', found 'x'"). Each read returns null after reporting.
 */
final class ArgCursor {

    private final Reporter reporter;
    private final String source;
    private final KnownStatement stmt;
    private final String usage;
    private int i;

    /**
     * @param source the text the statement's lexemes index into, to quote it as written
     * @param usage  the statement's synopsis for hints, e.g. {@code rnn H [tanh | relu]}
     */
    ArgCursor(Reporter reporter, String source, KnownStatement stmt, String usage) {
        this.reporter = reporter;
        this.source = source;
        this.stmt = stmt;
        this.usage = usage;
    }

    Arg peek() {
        return i < stmt.args().size() ? stmt.args().get(i) : null;
    }

    Ast.WordArg peekWord() {
        return peek() instanceof Ast.WordArg w ? w : null;
    }

    void next() {
        i++;
    }

    /** Reports "expected WHAT after 'keyword ...', found X" at the current argument or the statement's end. */
    void expected(String what, String hint) {
        Arg a = peek();
        String after = "'" + textUpTo(i) + "'";
        if (a == null) {
            reporter.error(endOfStatement(), "expected " + what + " after " + after, hint);
        } else {
            reporter.error(a.lexeme().pos(), "expected " + what + " after " + after + ", found " + describe(a), hint);
        }
    }

    /** A word from {@code choices}; an unknown word gets "did you mean". */
    String word(String what, String hint, List<String> choices) {
        Arg a = peek();
        if (!(a instanceof Ast.WordArg)) {
            if (a instanceof Ast.OptionArg o) {
                optionNotAllowed(o);
            } else {
                expected(what, hint);
            }
            return null;
        }
        String w = a.text();
        if (!choices.contains(w)) {
            String noun = what.startsWith("a ") ? what.substring(2) : what.startsWith("an ") ? what.substring(3) : null;
            String message = noun != null && !noun.startsWith("'") && !noun.contains(" or ")
                    ? "unknown " + noun + " '" + w + "'"
                    : "expected " + what + " after '" + textUpTo(i) + "', found '" + w + "'";
            reporter.error(a.lexeme().pos(), message, Suggest.hint(w, choices, hint));
            return null;
        }
        i++;
        return w;
    }

    /** A whole number in [min, max]. */
    Long integer(String what, long min, long max) {
        Arg a = peek();
        if (!(a instanceof Ast.NumberArg)) {
            if (a instanceof Ast.OptionArg o) {
                optionNotAllowed(o);
            } else {
                expected(what, "write '" + usage + "'");
            }
            return null;
        }
        i++;
        String t = a.text();
        SourcePos at = a.lexeme().pos();
        String range = "between " + min + " and " + max;
        String noun = what.replaceFirst("^the ", "").replaceFirst("^an? ", "");
        String article = "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
        if (!t.matches("-?[0-9]+")) {
            reporter.error(at, noun + " must be a whole number, found " + shortText(t),
                    article + noun + " is a whole number " + range);
            return null;
        }
        String digits = t.replaceFirst("^-?0*", "");
        boolean negative = t.startsWith("-") && !digits.isEmpty();
        BigInteger v = digits.length() > 20 ? null
                : new BigInteger(negative ? "-" + digits : digits.isEmpty() ? "0" : digits);
        if (v == null || v.compareTo(BigInteger.valueOf(max)) > 0) {
            reporter.error(at, noun + " " + shortText(t) + " is too large", article + noun + " is " + range);
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0) {
            reporter.error(at, noun + " " + shortText(t) + " is too small", article + noun + " is " + range);
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
        if (a instanceof Ast.OptionArg o) {
            optionNotAllowed(o);
            return false;
        }
        String hint = "write '" + usage + "'";
        if (a instanceof Ast.WordArg) {
            Optional<String> close = Suggest.closest(a.text(), Vocabulary.STATEMENTS);
            if (close.isPresent()) {
                hint = "did you mean '" + close.get() + "'? Each statement starts with its keyword";
            }
        }
        reporter.error(a.lexeme().pos(), "unexpected " + describe(a) + " after '" + textUpTo(i) + "'", hint);
        return false;
    }

    private void optionNotAllowed(Ast.OptionArg a) {
        reporter.error(a.lexeme().pos(), "'" + stmt.word().text() + "' takes no options such as '" + a.text() + "='",
                "key=value options belong to 'optimizer'; write '" + usage + "'");
    }

    /** The statement's source text from its keyword up to (not including) argument {@code n}. */
    String textUpTo(int n) {
        Lexeme last = n == 0 ? stmt.word() : stmt.args().get(n - 1).last();
        int from = stmt.word().start();
        int to = last.stop() + 1;
        String t = from >= 0 && to <= source.length() && from < to ? source.substring(from, to) : stmt.word().text();
        return t.length() > 40 ? t.substring(0, 37) + "..." : t;
    }

    /** Just after the statement's last lexeme. */
    SourcePos endOfStatement() {
        List<Arg> args = stmt.args();
        return (args.isEmpty() ? stmt.word() : args.get(args.size() - 1).last()).after();
    }

    /** A finite real number, or null after reporting it out of range. */
    static Double real(Reporter reporter, Lexeme t, String what) {
        String s = t.text();
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
            reporter.error(t.pos(), what + " " + shortText(s) + " is out of range",
                    "write an ordinary number such as 0.001 or 1e-3");
            return null;
        }
    }

    static String describe(Arg a) {
        if (a instanceof Ast.OptionArg o) {
            return "'" + o.text() + "=" + (o.value() == null ? "" : o.value().text()) + "'";
        }
        return "'" + shortText(a.text()) + "'";
    }

    static String shortText(String t) {
        return t.length() > 24 ? t.substring(0, 24) + "..." : t;
    }
}
