package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-column standardisation {@code z = (x - mean) / std} (z-score, population standard deviation as scikit-learn's
 * {@code StandardScaler}), fitted on the training rows only so nothing of the held-out data leaks into training. A
 * constant column gets {@code std = 1} (it becomes 0 rather than a division by zero). Saved with the model
 * ({@link #toMetadata}) so that predictions can be mapped back to the data's units ({@link #denormalize}).
 *
 * @param names the columns, in the series' order
 * @param mean  per column
 * @param std   per column, above 0
 */
public record Normalization(List<String> names, double[] mean, double[] std) {

    public Normalization {
        names = List.copyOf(names);
        mean = mean.clone();
        std = std.clone();
        if (mean.length != names.size() || std.length != names.size()) {
            throw new IllegalArgumentException(names.size() + " columns but " + mean.length + " means and " + std.length + " deviations");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("column \"" + names.get(c) + "\": mean " + mean[c] + ", std " + std[c]
                        + " (the deviation must be finite and above 0)");
            }
        }
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && n.names.equals(names) && java.util.Arrays.equals(n.mean, mean)
                && java.util.Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 * 31 + java.util.Arrays.hashCode(mean) * 31 + java.util.Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization" + names + " mean " + java.util.Arrays.toString(mean) + " std " + java.util.Arrays.toString(std);
    }

    /** Fits every column of {@code series} on its rows {@code from .. to-1}. */
    public static Normalization fit(CsvSeries series, int from, int to) {
        if (from < 0 || to > series.length() || to - from < 1) {
            throw new IllegalArgumentException("rows " + from + ".." + (to - 1) + " outside the series' " + series.length());
        }
        int cols = series.names().size();
        double[] mean = new double[cols];
        double[] std = new double[cols];
        for (int c = 0; c < cols; c++) {
            double[] v = series.columns()[c];
            double sum = 0;
            for (int r = from; r < to; r++) {
                sum += v[r];
            }
            mean[c] = sum / (to - from);
            double sq = 0;
            for (int r = from; r < to; r++) {
                sq += (v[r] - mean[c]) * (v[r] - mean[c]);
            }
            double s = Math.sqrt(sq / (to - from));
            std[c] = s > 0 ? s : 1;
        }
        return new Normalization(series.names(), mean, std);
    }

    /** Index of a column, or an error listing the columns. */
    public int column(String name) {
        int c = names.indexOf(name);
        if (c < 0) {
            throw new RnncIoException("no column \"" + name + "\" in the normalisation; it has " + names);
        }
        return c;
    }

    public double normalize(int column, double v) {
        return (v - mean[column]) / std[column];
    }

    /** A normalised value (a prediction) back in the column's units. */
    public double denormalize(int column, double v) {
        return v * std[column] + mean[column];
    }

    /**
     * Keys {@code <prefix>columns} (JSON array), {@code <prefix>mean}, {@code <prefix>std} (comma-separated, each
     * printed by {@link Double#toString}, which reads back to the same double), in this order.
     */
    public Map<String, String> toMetadata(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "columns", JsonValues.stringArray(names));
        m.put(prefix + "mean", join(mean));
        m.put(prefix + "std", join(std));
        return Collections.unmodifiableMap(m);
    }

    public static Normalization fromMetadata(Map<String, String> metadata, String prefix) {
        String columns = Vocabulary.required(metadata, prefix + "columns");
        String mean = Vocabulary.required(metadata, prefix + "mean");
        String std = Vocabulary.required(metadata, prefix + "std");
        try {
            return new Normalization(JsonValues.parseStringArray(columns), split(mean), split(std));
        } catch (IllegalArgumentException e) {
            throw new RnncIoException("metadata: damaged normalisation '" + prefix + "': " + e.getMessage(), e);
        }
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < v.length; k++) {
            b.append(k == 0 ? "" : ",").append(v[k]);
        }
        return b.toString();
    }

    private static double[] split(String s) {
        if (s.isEmpty()) {
            return new double[0];
        }
        String[] p = s.split(",", -1);
        double[] v = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            v[k] = Double.parseDouble(p[k]); // NumberFormatException is an IllegalArgumentException
        }
        return v;
    }
}
