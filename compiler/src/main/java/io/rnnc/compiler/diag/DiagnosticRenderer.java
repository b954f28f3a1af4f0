package io.rnnc.compiler.diag;

import io.rnnc.compiler.model.SourcePos;
import java.util.function.Function;

/**
 * Renders a {@link Diagnostic} like a C compiler does:
 * <pre>
 * spec.rnn:4:5: error: unknown cell 'lstn'
 *     lstn 128
 *     ^~~~
 * hint: did you mean 'lstm'?
 * spec.rnn:2:5: note: first declared here
 *     ...
 * </pre>
 * Positions without a line (an unreadable file) render as {@code file: error: message}. Very long
 * lines are cut to a window around the caret, and control characters are shown as '?', so binary
 * input cannot wreck a terminal.
 */
public final class DiagnosticRenderer {

    /** Longest source line shown in full; longer ones are cut around the caret. */
    static final int MAX_LINE = 120;

    private final Function<String, String> sources;

    /** @param sources the source text of a file name ("" when unknown) */
    public DiagnosticRenderer(Function<String, String> sources) {
        this.sources = sources;
    }

    /** The diagnostic as text, each line ending with '\n'. */
    public String render(Diagnostic d) {
        StringBuilder out = new StringBuilder();
        place(out, d.pos(), d.severity().label(), d.message());
        if (!d.hint().isEmpty()) {
            out.append("hint: ").append(d.hint()).append('\n');
        }
        for (Diagnostic.Related r : d.related()) {
            place(out, r.pos(), "note", r.note());
        }
        return out.toString();
    }

    private void place(StringBuilder out, SourcePos pos, String label, String message) {
        if (pos.line() <= 0) {
            out.append(pos.file()).append(": ").append(label).append(": ").append(message).append('\n');
            return;
        }
        out.append(pos.file()).append(':').append(pos.line()).append(':').append(pos.column()).append(": ")
                .append(label).append(": ").append(message).append('\n');
        String line = line(sources.apply(pos.file()), pos.line());
        if (line == null) {
            return;
        }
        int[] cps = line.codePoints().toArray();
        int col = Math.max(0, pos.column() - 1);
        int from = 0;
        int to = cps.length;
        if (cps.length > MAX_LINE) {
            from = Math.max(0, Math.min(col - MAX_LINE / 3, cps.length - MAX_LINE));
            to = Math.min(cps.length, from + MAX_LINE);
        }
        StringBuilder src = new StringBuilder();
        StringBuilder caret = new StringBuilder();
        if (from > 0) {
            src.append("...");
            caret.append("   ");
        }
        for (int i = from; i < to; i++) {
            int c = cps[i];
            boolean tab = c == '\t';
            src.appendCodePoint(tab ? '\t' : printable(c) ? c : '?');
            if (i < col) {
                caret.append(tab ? '\t' : ' ');
            }
        }
        for (int i = to; i < col; i++) {
            caret.append(' ');
        }
        if (to < cps.length) {
            src.append("...");
        }
        caret.append('^');
        int room = Math.max(0, Math.min(pos.length(), Math.max(1, to - col)) - 1);
        caret.append("~".repeat(Math.min(room, MAX_LINE)));
        out.append(src).append('\n').append(caret).append('\n');
    }

    private static boolean printable(int c) {
        return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && Character.isDefined(c)
                && Character.getType(c) != Character.SURROGATE && Character.getType(c) != Character.FORMAT;
    }

    /** Line {@code n} (1-based) of text whose lines end with '\n', without a trailing '\r', or null. */
    static String line(String text, int n) {
        int start = 0;
        for (int i = 1; i < n; i++) {
            int next = text.indexOf('\n', start);
            if (next < 0) {
                return null;
            }
            start = next + 1;
        }
        int end = text.indexOf('\n', start);
        String line = text.substring(start, end < 0 ? text.length() : end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
