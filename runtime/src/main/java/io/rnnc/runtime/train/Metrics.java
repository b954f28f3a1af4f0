package io.rnnc.runtime.train;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.Dataset;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The measures that fit a task, over a whole dataset, without updating the model: accuracy, macro F1, per-class F1
 * and a confusion matrix for classification and tagging; perplexity and bits per token for a language model; token
 * and exact-sequence accuracy for an encoder-decoder; MAE and RMSE (and the naive forecast's, which repeats the last
 * observed value) for float targets. Padding never counts: a position at or after a row's length
 * ({@link Batch#length}, or {@link Batch#targetLength} for outputs of their own) is left out of every measure.
 */
public final class Metrics {

    /** What a model is trained to do, which picks its measures. */
    public enum Task {
        /** One class per sample (many_to_one, one_to_one with cross-entropy). */
        CLASSIFICATION,
        /** A class per step of a labelled sequence (many_to_many with cross-entropy). */
        TAGGING,
        /** The next token of a text at every step (or after a window). */
        LANGUAGE_MODEL,
        /** An output sequence of tokens from a source sequence (seq2seq), or a one_to_many token output. */
        SEQUENCE,
        /** Float targets: forecasts, regression, bce outputs. */
        VALUES;

        /** The task of a model fed data of {@code format}. */
        public static Task of(ModelInfo info, DataFormat format) {
            if (!info.classTargets()) {
                return VALUES;
            }
            if (format == DataFormat.TEXT) {
                return LANGUAGE_MODEL;
            }
            return switch (info.mode()) {
                case "seq2seq", "one_to_many" -> SEQUENCE;
                case "many_to_many" -> TAGGING;
                default -> CLASSIFICATION;
            };
        }
    }

    /**
     * How to score float targets of a forecast against the naive forecast, and in which units.
     *
     * @param naiveInput for each target value within a step (k of O per step), the input feature that holds the same
     *                   column at the last observed step, or -1 if the column is not an input (no naive forecast)
     * @param scale      for each target value within a step, the factor back to data units (the column's standard
     *                   deviation), or null for the model's units
     */
    public record Forecast(int[] naiveInput, double[] scale) {
        public Forecast {
            naiveInput = naiveInput.clone();
            scale = scale == null ? null : scale.clone();
        }
    }

    /**
     * A dataset's measures.
     *
     * @param loss      mean loss per sample (each batch's mean weighted by its size)
     * @param samples   samples measured
     * @param values    the measures, named in snake case, in a fixed order (e.g. {@code accuracy}, {@code macro_f1})
     * @param confusion for classification and tagging, {@code [true class][predicted class]} counts over valid
     *                  positions, else null
     * @param f1        per-class F1 (NaN for a class that neither occurs nor is predicted), or null
     */
    public record Result(double loss, int samples, Map<String, Double> values, long[][] confusion, double[] f1) {
        public Result {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** A measure, or NaN if this task has none of that name. */
        public double get(String name) {
            Double v = values.get(name);
            return v == null ? Double.NaN : v;
        }
    }

    private Metrics() {
    }

    /** Measures {@code model} on {@code data} in dataset order, in batches of the model's largest size. */
    public static Result of(RnnModel model, Dataset data, Task task, Forecast forecast) {
        return of(model, data, task, forecast, null);
    }

    /**
     * As {@link #of(RnnModel, Dataset, Task, Forecast)}, telling {@code progress} the samples measured so far after
     * every batch (null for no progress).
     */
    public static Result of(RnnModel model, Dataset data, Task task, Forecast forecast, IntConsumer progress) {
        ModelInfo info = model.info();
        data.layout().checkFits(info);
        return of(model, new Batches(data, info.maxBatch(), false, 0), Batch.forModel(info), task, forecast, progress);
    }

    /** As {@link #of(RnnModel, Dataset, Task, Forecast)} with a batch the caller keeps. */
    static Result of(RnnModel model, Batches batches, Batch batch, Task task, Forecast forecast) {
        return of(model, batches, batch, task, forecast, null);
    }

    private static Result of(RnnModel model, Batches batches, Batch batch, Task task, Forecast forecast, IntConsumer progress) {
        ModelInfo info = model.info();
        int o = info.outputs();
        int steps = info.outputSteps();
        double[] out = new double[info.maxBatch() * info.logitsPerSample()];
        boolean classes = info.classTargets();
        long[][] confusion = classes ? new long[o][o] : null;
        double lossSum = 0;
        int samples = 0;
        long positions = 0;
        long correct = 0;
        long sequences = 0;
        long sequencesRight = 0;
        double absSum = 0;
        double sqSum = 0;
        double naiveAbs = 0;
        double naiveSq = 0;
        long values = 0;
        long naiveValues = 0;
        long bceRight = 0;
        boolean bce = info.loss().equals("bce");
        boolean naive = forecast != null && anyNaive(forecast);
        int inWidth = info.tokenInputs() ? 1 : info.inputSize();
        int inSteps = info.inputSteps();
        for (int b = 0; b < batches.count(); b++) {
            int n = batches.fill(b, batch);
            lossSum += model.evaluate(batch) * n;
            samples += n;
            if (classes) {
                model.copyLogits(out);
            } else {
                model.copyOutputs(out);
            }
            for (int r = 0; r < n; r++) {
                int valid = validSteps(info, batch, r);
                boolean allRight = true;
                for (int t = 0; t < valid; t++) {
                    int p = r * steps + t;
                    if (classes) {
                        int best = argMax(out, p * o, o);
                        int truth = batch.classes[p];
                        positions++;
                        if (best == truth) {
                            correct++;
                        } else {
                            allRight = false;
                        }
                        if (truth >= 0 && truth < o) {
                            confusion[truth][best]++;
                        }
                    } else {
                        for (int k = 0; k < o; k++) {
                            double y = batch.targets[p * o + k];
                            double yhat = out[p * o + k];
                            double s = forecast == null || forecast.scale() == null ? 1 : forecast.scale()[k % forecast.scale().length];
                            double err = (yhat - y) * s;
                            absSum += Math.abs(err);
                            sqSum += err * err;
                            values++;
                            if (bce) {
                                bceRight += (yhat >= 0.5) == (y >= 0.5) ? 1 : 0;
                            }
                            if (naive) {
                                int in = forecast.naiveInput()[k % forecast.naiveInput().length];
                                if (in >= 0) {
                                    // the last step the forecast has seen: the window's last for many_to_one, this step for many_to_many
                                    int seen = steps == inSteps && info.mode().equals("many_to_many") ? t
                                            : Math.min(batch.length(r), inSteps) - 1;
                                    double last = batch.features[(r * inSteps + seen) * inWidth + in];
                                    double e2 = (last - y) * s;
                                    naiveAbs += Math.abs(e2);
                                    naiveSq += e2 * e2;
                                    naiveValues++;
                                }
                            }
                        }
                    }
                }
                sequences++;
                sequencesRight += allRight ? 1 : 0;
            }
            if (progress != null) {
                progress.accept(samples);
            }
        }
        double loss = lossSum / samples;
        Map<String, Double> m = new LinkedHashMap<>();
        double[] f1 = null;
        switch (task) {
            case CLASSIFICATION, TAGGING -> {
                m.put("accuracy", (double) correct / positions);
                f1 = f1(confusion);
                m.put("macro_f1", macro(f1));
            }
            case LANGUAGE_MODEL -> {
                m.put("accuracy", (double) correct / positions);
                m.put("perplexity", Math.exp(loss));
                m.put("bits_per_token", loss / Math.log(2));
            }
            case SEQUENCE -> {
                m.put("token_accuracy", (double) correct / positions);
                m.put("sequence_accuracy", (double) sequencesRight / sequences);
            }
            case VALUES -> {
                if (bce) {
                    m.put("accuracy", (double) bceRight / values);
                }
                m.put("mae", absSum / values);
                m.put("rmse", Math.sqrt(sqSum / values));
                if (naiveValues > 0) {
                    m.put("naive_mae", naiveAbs / naiveValues);
                    m.put("naive_rmse", Math.sqrt(naiveSq / naiveValues));
                }
            }
        }
        return new Result(loss, samples, m, task == Task.CLASSIFICATION || task == Task.TAGGING ? confusion : null, f1);
    }

    /** Output steps of row {@code r} that are not padding. */
    public static int validSteps(ModelInfo info, Batch batch, int r) {
        return switch (info.mode()) {
            case "many_to_many" -> batch.length(r);
            case "seq2seq", "one_to_many" -> batch.targetLength(r);
            default -> info.outputSteps();
        };
    }

    public static int argMax(double[] a, int off, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (a[off + k] > a[off + best]) {
                best = k;
            }
        }
        return best;
    }

    /** Per-class F1 from a confusion matrix; NaN for a class that neither occurs nor is predicted. */
    public static double[] f1(long[][] confusion) {
        int c = confusion.length;
        double[] f1 = new double[c];
        for (int k = 0; k < c; k++) {
            long tp = confusion[k][k];
            long actual = 0;
            long predicted = 0;
            for (int j = 0; j < c; j++) {
                actual += confusion[k][j];
                predicted += confusion[j][k];
            }
            f1[k] = actual + predicted == 0 ? Double.NaN : 2.0 * tp / (actual + predicted);
        }
        return f1;
    }

    /** The mean of the defined entries (scikit-learn's macro average over the classes present). */
    static double macro(double[] f1) {
        double sum = 0;
        int n = 0;
        for (double v : f1) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static boolean anyNaive(Forecast f) {
        for (int i : f.naiveInput()) {
            if (i >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Names of the measures a task reports, in order (without those that depend on the data, like naive_*). */
    public static List<String> names(Task task, boolean bce) {
        return switch (task) {
            case CLASSIFICATION, TAGGING -> List.of("accuracy", "macro_f1");
            case LANGUAGE_MODEL -> List.of("accuracy", "perplexity", "bits_per_token");
            case SEQUENCE -> List.of("token_accuracy", "sequence_accuracy");
            case VALUES -> bce ? List.of("accuracy", "mae", "rmse") : List.of("mae", "rmse");
        };
    }
}
