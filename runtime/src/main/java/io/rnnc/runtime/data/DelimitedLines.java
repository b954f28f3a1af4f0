package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines of a CSV or TSV file of samples, cut into fields that remember their 1-based column (for messages). A field
 * may be double-quoted to hold the delimiter ({@code ""} is a quote inside). Blank lines are skipped.
 */
final class DelimitedLines {

    /** One field and the column of its first character. */
    record Field(String text, int column) {
    }

    /** One non-blank line: its 1-based number and fields. */
    record Line(int number, List<Field> fields) {
    }

    private DelimitedLines() {
    }

    /** Tab when the first non-blank line holds one, else comma. */
    static char delimiter(String text) {
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end;
            String line = text.substring(start, end);
            if (!line.isBlank()) {
                return line.indexOf('\t') >= 0 ? '\t' : ',';
            }
            start = end + 1;
        }
        return ',';
    }

    static String name(char delimiter) {
        return delimiter == '\t' ? "tab" : "comma";
    }

    /** Every non-blank line of {@code text} (already {@code \n}-normalised), split. */
    static List<Line> read(String source, String text, char delimiter) {
        List<Line> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int k = 0; k < lines.length; k++) {
            if (!lines[k].isBlank()) {
                out.add(new Line(k + 1, split(lines[k], delimiter, source, k + 1)));
            }
        }
        return out;
    }

    static List<Field> split(String line, char delimiter, String source, int lineNo) {
        List<Field> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int i = 0;
        while (true) {
            f.setLength(0);
            int start = i;
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new RnncIoException(source + ":" + lineNo + ":" + (start + 1)
                                + ": unterminated quoted field (expected a closing '\"')");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        f.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new RnncIoException(source + ":" + lineNo + ":" + (i + 1) + ": expected the " + name(delimiter)
                            + " or the end of the line after a quoted field");
                }
                out.add(new Field(f.toString(), start + 2));
            } else {
                while (i < line.length() && line.charAt(i) != delimiter) {
                    f.append(line.charAt(i++));
                }
                out.add(new Field(f.toString(), start + 1));
            }
            if (i >= line.length()) {
                return out;
            }
            i++; // the delimiter
        }
    }
}
