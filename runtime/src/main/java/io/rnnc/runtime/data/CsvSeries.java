package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A numeric series from a CSV file: one row per time step, the chosen columns as doubles.
 *
 * <p>The delimiter is a comma, or a semicolon or tab when the first line has no comma. The first
 * line is a header when any of its fields is not a number; otherwise columns are named {@code 1},
 * {@code 2}, ... Fields may be double-quoted. Blank lines are skipped; a byte-order mark and CRLF
 * line ends are accepted. Numbers are plain decimals ({@code -1.5}, {@code 3e-2}); anything else, a
 * wrong field count or (unless rows with gaps are skipped) an empty field is an error naming the file,
 * line and column: {@code series.csv:17:6: 'abc' is not a number (column "co2")}.
 *
 * @param source  the file, for messages
 * @param names   the selected columns' names, in selection order
 * @param columns {@code columns[c][row]}
 * @param lines   the file line of each row (1-based), for messages
 */
public record CsvSeries(String source, List<String> names, double[][] columns, int[] lines) {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    public CsvSeries {
        names = List.copyOf(names);
    }

    /** A plain decimal number as this package reads them ({@code -1.5}, {@code 3e-2}; no NaN, no hex). */
    static boolean isNumber(String s) {
        return NUMBER.matcher(s).matches();
    }

    /** How to read a file. */
    public record Options(List<String> columns, boolean skipRowsWithGaps) {
        public Options {
            columns = List.copyOf(columns);
        }

        /** Every column; a gap is an error. */
        public static Options all() {
            return new Options(List.of(), false);
        }

        /** The named columns (header names, or 1-based numbers as text), in this order; a gap is an error. */
        public static Options columns(String... names) {
            return new Options(List.of(names), false);
        }

        /** Rows with an empty field in a selected column are left out instead of failing. */
        public Options skippingRowsWithGaps() {
            return new Options(columns, true);
        }
    }

    /** Rows (time steps). */
    public int length() {
        return lines.length;
    }

    /** One column's values. */
    public double[] column(String name) {
        int c = names.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + source + "; it has " + names);
        }
        return columns[c].clone();
    }

    /** Reads every column. */
    public static CsvSeries read(Path file) {
        return read(file, Options.all());
    }

    public static CsvSeries read(Path file, Options options) {
        return parse(file.toString(), TextFiles.readUtf8(file), options);
    }

    /** Parses CSV text; {@code source} names it in messages. */
    public static CsvSeries parse(String source, String text, Options options) {
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r\n|\n|\r", -1);
        char delimiter = 0;
        List<String> header = null;
        int[] selected = null;
        List<double[]> rows = new ArrayList<>();
        List<Integer> rowLines = new ArrayList<>();
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln];
            if (line.isBlank()) {
                continue;
            }
            int lineNo = ln + 1;
            if (delimiter == 0) {
                delimiter = line.indexOf(',') >= 0 ? ',' : line.indexOf(';') >= 0 ? ';' : line.indexOf('\t') >= 0 ? '\t' : ',';
            }
            List<DelimitedLines.Field> fields = split(line, delimiter, source, lineNo);
            if (header == null) {
                boolean isHeader = fields.stream().anyMatch(f -> !NUMBER.matcher(f.text().strip()).matches());
                header = new ArrayList<>();
                for (int c = 0; c < fields.size(); c++) {
                    header.add(isHeader ? fields.get(c).text().strip() : Integer.toString(c + 1));
                }
                selected = select(source, header, options.columns());
                if (isHeader) {
                    continue;
                }
            }
            if (fields.size() != header.size()) {
                throw new RnncIoException(source + ":" + lineNo + ": " + fields.size() + " fields, expected "
                        + header.size() + " as on the first line");
            }
            double[] row = new double[selected.length];
            boolean gap = false;
            for (int k = 0; k < selected.length; k++) {
                String f = fields.get(selected[k]).text().strip();
                String at = source + ":" + lineNo + ":" + fields.get(selected[k]).column();
                if (f.isEmpty()) {
                    if (!options.skipRowsWithGaps()) {
                        throw new RnncIoException(at + ": empty value in column \""
                                + header.get(selected[k]) + "\" (skip such rows, or fill the gap)");
                    }
                    gap = true;
                    break;
                }
                if (!NUMBER.matcher(f).matches()) {
                    throw new RnncIoException(at + ": '" + f + "' is not a number (column \""
                            + header.get(selected[k]) + "\")");
                }
                row[k] = Double.parseDouble(f);
                if (Double.isInfinite(row[k])) {
                    throw new RnncIoException(at + ": '" + f + "' is too large for a double");
                }
            }
            if (!gap) {
                rows.add(row);
                rowLines.add(lineNo);
            }
        }
        if (header == null) {
            throw new RnncIoException(source + ": no data (the file is empty)");
        }
        if (rows.isEmpty()) {
            throw new RnncIoException(source + ": no data rows after the header");
        }
        double[][] columns = new double[selected.length][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < selected.length; c++) {
                columns[c][r] = rows.get(r)[c];
            }
        }
        List<String> names = new ArrayList<>();
        for (int s : selected) {
            names.add(header.get(s));
        }
        return new CsvSeries(source, names, columns, rowLines.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] select(String source, List<String> header, List<String> wanted) {
        if (wanted.isEmpty()) {
            int[] all = new int[header.size()];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] idx = new int[wanted.size()];
        for (int k = 0; k < idx.length; k++) {
            String w = wanted.get(k);
            int i = header.indexOf(w);
            if (i < 0 && w.matches("\\d+") && w.length() < 10) {
                int n = Integer.parseInt(w);
                i = n >= 1 && n <= header.size() ? n - 1 : -1;
            }
            if (i < 0) {
                throw new RnncIoException(source + ": no column \"" + w + "\"; the columns are " + header);
            }
            idx[k] = i;
        }
        return idx;
    }

    /** Splits one line; a field in double quotes may hold the delimiter and doubled quotes. Columns are 1-based. */
    private static List<DelimitedLines.Field> split(String line, char delimiter, String source, int lineNo) {
        List<DelimitedLines.Field> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int i = 0;
        while (true) {
            f.setLength(0);
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            int column = i + 1;
            if (i < line.length() && line.charAt(i) == '"') {
                int quote = i;
                i++;
                column = i + 1;
                while (true) {
                    if (i >= line.length()) {
                        throw new RnncIoException(source + ":" + lineNo + ":" + (quote + 1) + ": unterminated quoted field");
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
                while (i < line.length() && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new RnncIoException(source + ":" + lineNo + ":" + (i + 1) + ": unexpected text after a quoted field");
                }
            } else {
                while (i < line.length() && line.charAt(i) != delimiter) {
                    f.append(line.charAt(i++));
                }
            }
            out.add(new DelimitedLines.Field(f.toString(), column));
            if (i >= line.length()) {
                return out;
            }
            i++; // the delimiter
        }
    }
}
