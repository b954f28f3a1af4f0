package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

import java.util.Arrays;
import java.util.List;

/**
 * One sample per CSV/TSV row, for a one_to_one model (XOR, a table of measurements): the input columns as the
 * features {@code [I]}, the target columns as floats {@code [O]} (mse, bce) or, for cross-entropy, one column of whole
 * numbers as the class id. Values are used as they are (no normalisation). Read with {@link CsvSeries} (header,
 * columns by name or 1-based number, quoted fields, errors naming file and line).
 */
public final class TableRows implements Dataset {

    /** The parts of a split; validation and test may be null. */
    public record Split(TableRows train, TableRows validation, TableRows test) {
    }

    private final double[][] inputs;
    private final double[][] targets;
    private final int[] classes;
    private final int[] lines;
    private final SampleLayout layout;

    private TableRows(CsvSeries table, int[] in, int[] out, boolean classTargets, int[] rows, String part) {
        int n = rows.length;
        this.inputs = new double[n][in.length];
        this.targets = classTargets ? null : new double[n][out.length];
        this.classes = classTargets ? new int[n] : null;
        this.lines = new int[n];
        int maxClass = 0;
        for (int k = 0; k < n; k++) {
            int r = rows[k];
            lines[k] = table.lines()[r];
            for (int c = 0; c < in.length; c++) {
                inputs[k][c] = table.columns()[in[c]][r];
            }
            if (classTargets) {
                double v = table.columns()[out[0]][r];
                if (v != Math.rint(v) || v < 0 || v > 1e6) {
                    throw new RnncIoException(table.source() + ":" + lines[k] + ": class " + v + " in column \""
                            + table.names().get(out[0]) + "\" is not a whole number 0..1000000");
                }
                classes[k] = (int) v;
                maxClass = Math.max(maxClass, classes[k]);
            } else {
                for (int c = 0; c < out.length; c++) {
                    targets[k][c] = table.columns()[out[c]][r];
                }
            }
        }
        this.layout = new SampleLayout(false, new int[] {in.length}, 0, classTargets, new int[] {classTargets ? 1 : out.length},
                classTargets ? maxClass + 1 : 0, part + " rows of " + table.source());
    }

    /**
     * Every row of a table.
     *
     * @param inputColumns  the features, in order (names or 1-based numbers)
     * @param targetColumns the targets (exactly one for class targets)
     * @param classTargets  the target column holds class ids (cross-entropy)
     */
    public static TableRows of(CsvSeries table, List<String> inputColumns, List<String> targetColumns, boolean classTargets,
                               String part) {
        int[] all = new int[table.length()];
        Arrays.setAll(all, i -> i);
        return of(table, inputColumns, targetColumns, classTargets, all, part);
    }

    static TableRows of(CsvSeries table, List<String> inputColumns, List<String> targetColumns, boolean classTargets, int[] rows,
                        String part) {
        if (inputColumns.isEmpty() || targetColumns.isEmpty() || (classTargets && targetColumns.size() != 1)) {
            throw new IllegalArgumentException("choose input columns and " + (classTargets ? "exactly one class column" : "target columns"));
        }
        return new TableRows(table, columns(table, inputColumns), columns(table, targetColumns), classTargets, rows, part);
    }

    /** A seeded shuffled split by row ({@link Splits#shuffled}). */
    public static Split split(CsvSeries table, List<String> inputColumns, List<String> targetColumns, boolean classTargets,
                              Splits.Fractions fractions, long seed) {
        Splits.Parts p = Splits.shuffled(table.length(), fractions, seed, table.source() + ": " + table.length() + " rows");
        return new Split(of(table, inputColumns, targetColumns, classTargets, p.train(), "training"),
                p.validation().length == 0 ? null : of(table, inputColumns, targetColumns, classTargets, p.validation(), "validation"),
                p.test().length == 0 ? null : of(table, inputColumns, targetColumns, classTargets, p.test(), "test"));
    }

    private static int[] columns(CsvSeries table, List<String> names) {
        int[] idx = new int[names.size()];
        for (int k = 0; k < idx.length; k++) {
            String w = names.get(k);
            idx[k] = table.names().indexOf(w);
            if (idx[k] < 0 && w.matches("[1-9]\\d{0,5}") && Integer.parseInt(w) <= table.names().size()) {
                idx[k] = Integer.parseInt(w) - 1;
            }
            if (idx[k] < 0) {
                throw new RnncIoException(table.source() + ": no column \"" + w + "\"; the columns are " + table.names());
            }
        }
        return idx;
    }

    /** The file line of sample {@code i}. */
    public int line(int i) {
        return lines[i];
    }

    @Override
    public int size() {
        return lines.length;
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        double[] x = inputs[index];
        System.arraycopy(x, 0, batch.features, slot * x.length, x.length);
        if (classes != null) {
            batch.classes[slot] = classes[index];
        } else {
            double[] y = targets[index];
            System.arraycopy(y, 0, batch.targets, slot * y.length, y.length);
        }
    }
}
