package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

import java.util.List;

/**
 * Forecasting windows over a {@link CsvSeries}, standardised by a {@link Normalization}. Window {@code s} reads the
 * input columns of rows {@code s .. s+T-1} (features {@code [T, inputs]}) and predicts the target columns:
 * <ul>
 *   <li>many_to_one ({@code everyStep} false): rows {@code s+T .. s+T+H-1}, the next H rows after the window
 *       (floats {@code [H, targets]}; the head's width is H·targets);</li>
 *   <li>many_to_many ({@code everyStep} true): at step t, row {@code s+t+H}, H rows ahead of the step (floats
 *       {@code [T, targets]}; H may be 0 to map input columns to target columns step by step).</li>
 * </ul>
 * A window belongs to a part of the rows {@code [from, to)} when every one of its <em>target</em> rows does; its
 * inputs may reach back before {@code from}, as a forecaster's would (for the training part, from is 0).
 *
 * <p>{@link #split} cuts one series in time (the first rows train, then validation, then test; never shuffled, so
 * nothing about the future leaks into training) and fits the normalisation on the training rows only.
 */
public final class SeriesWindows implements Dataset {

    /**
     * What to cut.
     *
     * @param inputs    columns fed to the model at each step (names, or 1-based numbers as text)
     * @param targets   columns to predict
     * @param steps     T, the spec's sequence
     * @param horizon   H (see the class comment)
     * @param everyStep targets at every step (many_to_many) rather than after the window (many_to_one)
     */
    public record Spec(List<String> inputs, List<String> targets, int steps, int horizon, boolean everyStep) {
        public Spec {
            inputs = List.copyOf(inputs);
            targets = List.copyOf(targets);
            if (inputs.isEmpty() || targets.isEmpty()) {
                throw new IllegalArgumentException("choose at least one input and one target column");
            }
            if (steps < 1 || horizon < (everyStep ? 0 : 1)) {
                throw new IllegalArgumentException("steps must be positive and the horizon at least " + (everyStep ? 0 : 1)
                        + ": " + steps + ", " + horizon);
            }
        }

        /**
         * The spec a forecasting model implies: T from its {@code sequence}, every step for many_to_many. The columns
         * must match its shapes: as many inputs as its {@code input I}, and targets times the horizon (many_to_one) or
         * the targets (many_to_many) as many as its head's outputs.
         *
         * @throws RnncIoException saying which count does not match and what to write
         */
        public static Spec forModel(io.rnnc.runtime.ModelInfo model, List<String> inputs, List<String> targets, int horizon) {
            boolean every = model.mode().equals("many_to_many");
            if (!every && !model.mode().equals("many_to_one") || model.tokenInputs()) {
                throw new RnncIoException("a series feeds a many_to_one or many_to_many model of float features; " + model.name()
                        + " is " + model.mode() + " with " + model.inputKind());
            }
            if (inputs.size() != model.inputSize()) {
                throw new RnncIoException(inputs.size() + " input column" + (inputs.size() == 1 ? "" : "s") + " " + inputs
                        + " for model " + model.name() + ", which takes `input " + model.inputSize() + "`: choose "
                        + model.inputSize() + " columns, or write `input " + inputs.size() + "`");
            }
            int values = (every ? 1 : horizon) * targets.size();
            if (values != model.outputs()) {
                throw new RnncIoException(targets.size() + " target column" + (targets.size() == 1 ? "" : "s") + " " + targets
                        + (every ? "" : " over a horizon of " + horizon) + " give " + values + " value" + (values == 1 ? "" : "s")
                        + " per " + (every ? "step" : "sample") + ", but model " + model.name() + "'s head outputs "
                        + model.outputs() + ": write `dense " + values + "` or change the targets" + (every ? "" : " or the horizon"));
            }
            return new Spec(inputs, targets, model.inputSteps(), horizon, every);
        }

        /** Target values per sample: H·targets (many_to_one) or T·targets (many_to_many). */
        public int targetValues() {
            return (everyStep ? steps : horizon) * targets.size();
        }

        int firstTarget(int s) {
            return everyStep ? s + horizon : s + steps;
        }

        int lastTarget(int s) {
            return everyStep ? s + horizon + steps - 1 : s + steps + horizon - 1;
        }
    }

    /** The parts of a split; validation and test are null when not asked for. */
    public record Split(SeriesWindows train, SeriesWindows validation, SeriesWindows test, Normalization normalization) {
    }

    private final double[][] columns; // normalised, [column][row]
    private final int[] inputs;
    private final int[] targets;
    private final Spec spec;
    private final Normalization normalization;
    private final int first;
    private final int count;
    private final SampleLayout layout;

    private SeriesWindows(double[][] columns, int[] inputs, int[] targets, Spec spec, Normalization norm,
                          int first, int count, String description) {
        this.columns = columns;
        this.inputs = inputs;
        this.targets = targets;
        this.spec = spec;
        this.normalization = norm;
        this.first = first;
        this.count = count;
        this.layout = new SampleLayout(false, new int[] {spec.steps(), inputs.length}, 0, false,
                new int[] {spec.everyStep() ? spec.steps() : spec.horizon(), targets.length}, 0, description);
    }

    /**
     * The windows whose target rows lie in {@code [from, to)}, standardised by {@code norm} (fitted elsewhere: on
     * the training part, or read back from a checkpoint).
     *
     * @throws RnncIoException if the rows hold no window, or a column is missing
     */
    public static SeriesWindows of(CsvSeries series, Spec spec, Normalization norm, int from, int to, String part) {
        if (!norm.names().equals(series.names())) {
            throw new RnncIoException(series.source() + ": the columns " + series.names() + " differ from the training data's "
                    + norm.names());
        }
        int s0 = Math.max(0, from - (spec.firstTarget(0)));
        int s1 = to - (spec.lastTarget(0)); // exclusive: lastTarget(s) < to
        int count = s1 - s0;
        if (count < 1) {
            throw new RnncIoException(series.source() + ": the " + part + " rows " + (from + 1) + ".." + to + " hold no window of "
                    + spec.steps() + " steps and its targets (" + (spec.everyStep() ? "every step, " + spec.horizon() + " ahead"
                    : "the next " + spec.horizon()) + ")");
        }
        int cols = series.names().size();
        double[][] normalised = new double[cols][];
        for (int c = 0; c < cols; c++) {
            double[] v = series.columns()[c];
            normalised[c] = new double[v.length];
            for (int r = 0; r < v.length; r++) {
                normalised[c][r] = norm.normalize(c, v[r]);
            }
        }
        return new SeriesWindows(normalised, indices(series, spec.inputs()), indices(series, spec.targets()),
                spec, norm, s0, count, part + " windows of " + series.source());
    }

    /** Cuts one series in time into training, validation and test windows; the normalisation fits the training rows. */
    public static Split split(CsvSeries series, Spec spec, Splits.Fractions fractions) {
        indices(series, spec.inputs());
        indices(series, spec.targets());
        int[] c = Splits.counts(series.length(), fractions, series.source() + ": " + series.length() + " rows");
        Normalization norm = Normalization.fit(series, 0, c[0]);
        SeriesWindows train = of(series, spec, norm, 0, c[0], "training");
        SeriesWindows validation = c[1] == 0 ? null : of(series, spec, norm, c[0], c[0] + c[1], "validation");
        SeriesWindows test = c[2] == 0 ? null : of(series, spec, norm, c[0] + c[1], series.length(), "test");
        return new Split(train, validation, test, norm);
    }

    /** The earlier two-part split: many_to_one windows, the last {@code validationFraction} of the rows held out. */
    public static Split split(CsvSeries series, List<String> inputColumns, List<String> targetColumns, int steps,
                              int horizon, double validationFraction) {
        return split(series, new Spec(inputColumns, targetColumns, steps, horizon, false),
                new Splits.Fractions(1 - validationFraction, validationFraction, 0));
    }

    private static int[] indices(CsvSeries series, List<String> names) {
        int[] idx = new int[names.size()];
        for (int k = 0; k < idx.length; k++) {
            String w = names.get(k);
            idx[k] = series.names().indexOf(w);
            if (idx[k] < 0 && w.matches("[1-9]\\d{0,5}") && Integer.parseInt(w) <= series.names().size()) {
                idx[k] = Integer.parseInt(w) - 1;
            }
            if (idx[k] < 0) {
                throw new RnncIoException(series.source() + ": no column \"" + w + "\"; the columns are " + series.names());
            }
        }
        return idx;
    }

    public Spec spec() {
        return spec;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** Row of the series where window {@code index} starts (0-based). */
    public int startRow(int index) {
        return first + index;
    }

    /**
     * Model outputs (or targets) of this layout, normalised, back in the target columns' units: value k of every
     * group of {@code targets} consecutive values belongs to target column k. Returns a new array.
     */
    public double[] toDataUnits(double[] outputs, int from, int to) {
        if ((to - from) % targets.length != 0) {
            throw new IllegalArgumentException((to - from) + " values are not whole groups of " + targets.length + " targets");
        }
        double[] out = new double[to - from];
        for (int k = 0; k < out.length; k++) {
            out[k] = normalization.denormalize(targets[k % targets.length], outputs[from + k]);
        }
        return out;
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
        int steps = spec.steps();
        double[] f = batch.features;
        int at = slot * steps * inputs.length;
        for (int t = 0; t < steps; t++) {
            for (int c : inputs) {
                f[at++] = columns[c][start + t];
            }
        }
        double[] y = batch.targets;
        int rows = spec.everyStep() ? steps : spec.horizon();
        int to = slot * rows * targets.length;
        int firstTarget = spec.firstTarget(start);
        for (int h = 0; h < rows; h++) {
            for (int c : targets) {
                y[to++] = columns[c][firstTarget + h];
            }
        }
    }

    @Override
    public String toString() {
        return layout.description() + " (" + count + ")";
    }
}
