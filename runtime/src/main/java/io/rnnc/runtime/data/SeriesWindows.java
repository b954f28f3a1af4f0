package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

import java.util.List;

/**
 * Sliding windows over a {@link CsvSeries} for forecasting: sample {@code i} has as input the rows
 * {@code i .. i+steps-1} of the input columns (features {@code [steps, inputs]}) and as target the next
 * {@code horizon} rows of the target columns (floats {@code [horizon, targets]}).
 *
 * <p>{@link #split} splits in time: the first rows train, the last {@code validationFraction} validate.
 * Each column is standardised with the mean and standard deviation of the <em>training rows only</em>, so
 * nothing about the held-out future leaks into training. A validation window's targets lie entirely in
 * the held-out rows; its inputs may reach back into the training rows, as a forecaster's would.
 */
public final class SeriesWindows implements Dataset {

    /** Per-column standardisation {@code (x - mean) / std}, fitted on training rows. */
    public record Normalization(List<String> names, double[] mean, double[] std) {
        public Normalization {
            names = List.copyOf(names);
            mean = mean.clone();
            std = std.clone();
        }

        public double normalize(int column, double v) {
            return (v - mean[column]) / std[column];
        }

        public double denormalize(int column, double v) {
            return v * std[column] + mean[column];
        }
    }

    /** Training and validation windows and the normalisation both use. */
    public record Split(SeriesWindows train, SeriesWindows validation, Normalization normalization) {
    }

    private final double[][] columns; // normalised, [column][row]
    private final int[] inputs;
    private final int[] targets;
    private final int steps;
    private final int horizon;
    private final int first;
    private final int count;
    private final SampleLayout layout;

    private SeriesWindows(double[][] columns, int[] inputs, int[] targets, int steps, int horizon, int first, int count,
                          String description) {
        this.columns = columns;
        this.inputs = inputs;
        this.targets = targets;
        this.steps = steps;
        this.horizon = horizon;
        this.first = first;
        this.count = count;
        this.layout = new SampleLayout(false, new int[] {steps, inputs.length}, 0, false,
                new int[] {horizon, targets.length}, 0, description);
    }

    /**
     * Windows of {@code steps} rows predicting the next {@code horizon} rows.
     *
     * @param inputColumns  columns fed to the model at each step
     * @param targetColumns columns to predict
     * @param validationFraction share of the rows (the last ones) held out, in [0, 1)
     */
    public static Split split(CsvSeries series, List<String> inputColumns, List<String> targetColumns, int steps,
                              int horizon, double validationFraction) {
        if (steps < 1 || horizon < 1) {
            throw new IllegalArgumentException("steps and horizon must be positive: " + steps + ", " + horizon);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1): " + validationFraction);
        }
        int n = series.length();
        int trainRows = n - (int) Math.round(n * validationFraction);
        int trainCount = trainRows - steps - horizon + 1;
        if (trainCount < 1) {
            throw new RnncIoException(series.source() + ": " + trainRows + " training rows give no window of " + steps
                    + " steps and " + horizon + " to predict");
        }
        int[] in = indices(series, inputColumns);
        int[] out = indices(series, targetColumns);
        int cols = series.names().size();
        double[] mean = new double[cols];
        double[] std = new double[cols];
        double[][] normalised = new double[cols][];
        for (int c = 0; c < cols; c++) {
            double[] v = series.columns()[c];
            double sum = 0;
            for (int r = 0; r < trainRows; r++) {
                sum += v[r];
            }
            mean[c] = sum / trainRows;
            double sq = 0;
            for (int r = 0; r < trainRows; r++) {
                sq += (v[r] - mean[c]) * (v[r] - mean[c]);
            }
            double s = Math.sqrt(sq / trainRows);
            std[c] = s > 0 ? s : 1; // a constant column stays constant (0) instead of dividing by zero
            normalised[c] = new double[n];
            for (int r = 0; r < n; r++) {
                normalised[c][r] = (v[r] - mean[c]) / std[c];
            }
        }
        Normalization norm = new Normalization(series.names(), mean, std);
        SeriesWindows train = new SeriesWindows(normalised, in, out, steps, horizon, 0, trainCount,
                "training windows of " + series.source());
        // Validation windows: first target row at trainRows or later, inputs may start earlier.
        int vFirst = Math.max(0, trainRows - steps);
        int vCount = validationFraction == 0 ? 0 : n - horizon - steps + 1 - vFirst;
        SeriesWindows validation = vCount < 1 ? null
                : new SeriesWindows(normalised, in, out, steps, horizon, vFirst, vCount, "validation windows of " + series.source());
        if (validationFraction > 0 && validation == null) {
            throw new RnncIoException(series.source() + ": the held-out " + (n - trainRows) + " rows are too few for one target of "
                    + horizon);
        }
        return new Split(train, validation, norm);
    }

    private static int[] indices(CsvSeries series, List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no columns chosen");
        }
        int[] idx = new int[names.size()];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = series.names().indexOf(names.get(k));
            if (idx[k] < 0) {
                throw new RnncIoException(series.source() + ": no column \"" + names.get(k) + "\"; the columns are "
                        + series.names());
            }
        }
        return idx;
    }

    /** Row of the series where window {@code index} starts. */
    public int startRow(int index) {
        return first + index;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        int start = first + index;
        double[] f = batch.features;
        int at = slot * steps * inputs.length;
        for (int t = 0; t < steps; t++) {
            for (int c : inputs) {
                f[at++] = columns[c][start + t];
            }
        }
        double[] y = batch.targets;
        int to = slot * horizon * targets.length;
        for (int h = 0; h < horizon; h++) {
            for (int c : targets) {
                y[to++] = columns[c][start + steps + h];
            }
        }
    }
}
