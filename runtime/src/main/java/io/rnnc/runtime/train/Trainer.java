package io.rnnc.runtime.train;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.io.AtomicFile;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.state.StatefulModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains an {@link RnnModel} for a number of epochs: the training data shuffled anew each epoch (the
 * order a pure function of seed and epoch), evaluation on held-out data after each epoch, a checkpoint
 * after each epoch (atomic), a guard that stops at the first non-finite loss or gradient norm, and
 * {@link #resume} from an epoch-end checkpoint that continues exactly as the uninterrupted run would
 * have, bit for bit, given a deterministic model.
 *
 * <p>The trainer does not initialise the model: call {@link RnnModel#initialize} (or load weights) first.
 *
 * <pre>{@code
 * model.initialize(seed);
 * Trainer.Result r = new Trainer(model, train, test, new Trainer.Options(2, 64, seed, Path.of("mnist.safetensors")), listener).run();
 * }</pre>
 */
public final class Trainer {

    /**
     * @param epochs     epochs of the whole run (a resumed run counts the ones already done)
     * @param batchSize  samples per step, at most the model's {@code maxBatch}
     * @param seed       the shuffling seed
     * @param checkpoint file rewritten after each epoch, or null for none
     * @param checkpointData the data pipeline's metadata saved in every checkpoint (see
     *                   {@link Checkpoint#DATA_PREFIX}): vocabulary, normalisation statistics, data format
     * @param schedule   the learning rate per step, or null for the model's own (the spec's) all the way
     * @param patience   stop after this many epochs without a better validation loss (0: never stop early)
     * @param best       file that keeps the epoch with the best validation loss so far, or null
     * @param task       which measures to take on the validation data each epoch ({@link Metrics}), or null for
     *                   loss and accuracy only
     * @param forecast   the naive forecast and units of float targets (see {@link Metrics.Forecast}), or null
     * @param stream     the training data is a stream for a stateful model ({@code StreamBatches.asDataset}): batches
     *                   of exactly {@code batchSize} samples in data order, not shuffled, and the model's carried state
     *                   reset at the start of every epoch
     */
    public record Options(int epochs, int batchSize, long seed, Path checkpoint, Map<String, String> checkpointData,
                          LearningRate schedule, int patience, Path best, Metrics.Task task, Metrics.Forecast forecast,
                          boolean stream) {
        public Options {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1: " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
            }
            if (patience < 0) {
                throw new IllegalArgumentException("patience must be 0 or more: " + patience);
            }
            checkpointData = Map.copyOf(checkpointData);
        }

        public Options(int epochs, int batchSize, long seed, Path checkpoint, Map<String, String> checkpointData) {
            this(epochs, batchSize, seed, checkpoint, checkpointData, null, 0, null, null, null, false);
        }

        public Options(int epochs, int batchSize, long seed, Path checkpoint) {
            this(epochs, batchSize, seed, checkpoint, Map.of());
        }

        /** The same with a learning-rate schedule. */
        public Options withSchedule(LearningRate s) {
            return new Options(epochs, batchSize, seed, checkpoint, checkpointData, s, patience, best, task, forecast, stream);
        }

        /** The same with early stopping after {@code epochs} epochs without a better validation loss, and a keep-best file. */
        public Options withEarlyStopping(int patienceEpochs, Path bestFile) {
            return new Options(epochs, batchSize, seed, checkpoint, checkpointData, schedule, patienceEpochs, bestFile, task, forecast,
                    stream);
        }

        /** The same with the measures of {@code t} taken on the validation data each epoch. */
        public Options withMetrics(Metrics.Task t, Metrics.Forecast f) {
            return new Options(epochs, batchSize, seed, checkpoint, checkpointData, schedule, patience, best, t, f, stream);
        }

        /** The same training on a stream for a stateful model (see {@link #stream}). */
        public Options withStream() {
            return new Options(epochs, batchSize, seed, checkpoint, checkpointData, schedule, patience, best, task, forecast, true);
        }
    }

    /**
     * How a run ended.
     *
     * @param epochs  the epochs this call ran (not those before a resume)
     * @param stopped why the run stopped early, or null if it finished
     * @param bestEpoch    the epoch with the best validation loss (0 without validation data)
     * @param stoppedEarly the run stopped before its last epoch because the validation loss stopped improving
     *                     ({@link Options#patience}); it still counts as completed
     */
    public record Result(List<TrainingListener.EpochEnd> epochs, TrainingListener.Stopped stopped, int bestEpoch,
                         boolean stoppedEarly) {
        public Result {
            epochs = List.copyOf(epochs);
        }

        public Result(List<TrainingListener.EpochEnd> epochs, TrainingListener.Stopped stopped) {
            this(epochs, stopped, 0, false);
        }

        public boolean completed() {
            return stopped == null;
        }

        /** The last epoch's summary, or null if no epoch finished. */
        public TrainingListener.EpochEnd last() {
            return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
        }
    }

    private final RnnModel model;
    private final ModelInfo info;
    private final Dataset train;
    private final Dataset validation;
    private final Options options;
    private final TrainingListener listener;

    /**
     * @param validation held-out data evaluated after each epoch, or null
     * @param listener   receives progress events; null for none
     * @throws RnncIoException if the data do not fit the model, or the checkpoint path cannot be written
     *                         (checked now, before any training, without leaving a file)
     */
    public Trainer(RnnModel model, Dataset train, Dataset validation, Options options, TrainingListener listener) {
        this.model = Objects.requireNonNull(model);
        this.info = model.info();
        this.train = Objects.requireNonNull(train);
        this.validation = validation;
        this.options = Objects.requireNonNull(options);
        this.listener = listener == null ? new TrainingListener() { } : listener;
        if (options.batchSize() > info.maxBatch()) {
            throw new IllegalArgumentException("batch size " + options.batchSize() + " is larger than model " + info.name()
                    + " allows (" + info.maxBatch() + ")");
        }
        train.layout().checkFits(info);
        if (validation != null) {
            validation.layout().checkFits(info);
        }
        if (options.stream()) {
            if (!(model instanceof StatefulModel)) {
                throw new IllegalArgumentException("model " + info.name() + " cannot carry its state across batches: "
                        + "training on a stream needs a stateful model ('sequence T MODE stateful')");
            }
            if (train.size() % options.batchSize() != 0) {
                throw new IllegalArgumentException("a stream of " + train.size() + " samples is not a whole number of batches of "
                        + options.batchSize() + " rows");
            }
        }
        if (options.checkpoint() != null) {
            AtomicFile.checkWritable(options.checkpoint());
        }
    }

    /** Trains from the model's current parameters and optimizer state, epoch 1 to {@code epochs}. */
    public Result run() {
        return run(new Checkpoint.Position(0, 0, options.seed(), options.batchSize()), null);
    }

    /**
     * Loads an epoch-end checkpoint into the model, checking that it belongs to the model
     * ({@link Checkpoint.Match#MODEL}), and runs the remaining epochs.
     *
     * @throws RnncIoException if the file is unreadable, does not fit the model, holds no training position,
     *                         or was saved by a run with another batch size or seed than the options give
     *                         (nothing is loaded then)
     */
    public Result resume(Path checkpoint) {
        return resume(checkpoint, Checkpoint.Match.MODEL);
    }

    /**
     * Like {@link #resume(Path)}, checking the file's model as {@code match} says. A resumed run continues
     * the saved one exactly, so the options' batch size and seed must be the saved run's (read them with
     * {@link Checkpoint#position(Path)}); a difference is refused before anything is loaded rather than
     * silently replaced.
     */
    public Result resume(Path checkpoint, Checkpoint.Match match) {
        SafeTensors.Contents contents = SafeTensors.read(checkpoint);
        String where = checkpoint.toString();
        Checkpoint.Position position = Checkpoint.check(where, contents, model, match).position()
                .orElseThrow(() -> parametersOnly(checkpoint));
        checkResumable(position, checkpoint);
        Checkpoint.apply(where, contents, model, match);
        return run(position, checkpoint);
    }

    /**
     * Continues from {@code position}, whose checkpoint {@code from} the caller has already loaded into the
     * model (e.g. with {@link Checkpoint#load(Path, RnnModel, Checkpoint.Match)}, to show its note first).
     */
    public Result resume(Checkpoint.Position position, Path from) {
        checkResumable(position, from);
        return run(position, from);
    }

    /** The refusal of a parameters-only file as a run to resume. */
    public static RnncIoException parametersOnly(Path checkpoint) {
        return new RnncIoException(checkpoint + " holds parameters only, no training position to resume from; use it as initial weights");
    }

    private void checkResumable(Checkpoint.Position position, Path checkpoint) {
        if (position.batchSize() < 1 || position.batchSize() > info.maxBatch()) {
            throw new RnncIoException(checkpoint + ": batch size " + position.batchSize() + " does not fit model "
                    + info.name() + " (1.." + info.maxBatch() + ")");
        }
        if (position.batchSize() != options.batchSize() || position.seed() != options.seed()) {
            throw new RnncIoException(checkpoint + " was saved by a run with batch " + position.batchSize() + " and seed "
                    + position.seed() + ", but this trainer is set for batch " + options.batchSize() + " and seed "
                    + options.seed() + "; a resumed run keeps its batch and seed to continue exactly");
        }
    }

    private Result run(Checkpoint.Position from, Path resumedFrom) {
        int batchSize = from.batchSize();
        long seed = from.seed();
        int epochs = options.epochs();
        Batches batches = new Batches(train, batchSize, !options.stream(), seed);
        Batch batch = Batch.forModel(info, batchSize);
        Batches evalBatches = validation == null ? null : new Batches(validation, info.maxBatch(), false, 0);
        Batch evalBatch = validation == null ? null : Batch.forModel(info);
        double[] logits = validation != null && info.classTargets() ? new double[info.maxBatch() * info.logitsPerSample()] : null;
        LearningRate schedule = options.schedule();
        ChunkedModel rated = null;
        if (schedule != null) {
            if (!(model instanceof ChunkedModel c)) {
                throw new IllegalArgumentException("model " + info.name() + " cannot change its learning rate at run time");
            }
            rated = c;
        }

        int steps = batches.count();
        listener.started(new TrainingListener.Start(from.epoch() + 1, epochs, steps, batchSize, batches.samples(),
                validation == null ? 0 : validation.size(), seed, resumedFrom));
        List<TrainingListener.EpochEnd> done = new ArrayList<>();
        long globalStep = from.step();
        long totalSteps = (long) epochs * steps;
        Path lastCheckpoint = resumedFrom;
        int lastGoodEpoch = from.epoch();
        // early stopping, keep-best and plateau state, carried across a resume in the checkpoint's extras
        Map<String, String> saved = from.extra();
        double bestLoss = number(saved, "best_validation_loss", Double.POSITIVE_INFINITY);
        int bestEpoch = (int) number(saved, "best_epoch", 0);
        int sinceBest = (int) number(saved, "epochs_since_best", 0);
        double plateauScale = number(saved, "lr_scale", 1);
        int plateauBad = (int) number(saved, "plateau_bad_epochs", 0);
        double plateauBest = number(saved, "plateau_best_loss", Double.POSITIVE_INFINITY);
        StringBuilder history = new StringBuilder(saved.getOrDefault("history", ""));
        for (int e = from.epoch(); e < epochs; e++) {
            long start = System.nanoTime();
            batches.startEpoch(e);
            if (options.stream()) {
                ((StatefulModel) model).resetState(); // every epoch reads the stream from its start
            }
            double lossSum = 0;
            long samples = 0;
            double lr = rated == null ? Double.NaN : rated.learningRate();
            for (int b = 0; b < steps; b++) {
                int n = batches.fill(b, batch);
                if (rated != null) {
                    lr = schedule.at(globalStep, e, totalSteps, plateauScale);
                    rated.setLearningRate(lr);
                }
                double loss = model.computeGradients(batch);
                String bad = !Double.isFinite(loss) ? "loss is " + loss : null;
                if (bad == null) {
                    double norm = model.applyUpdate();
                    bad = !Double.isFinite(norm) ? "gradient norm is " + norm : null;
                }
                if (bad != null) {
                    TrainingListener.Stopped stop = new TrainingListener.Stopped(e + 1, b + 1, globalStep + 1, bad,
                            lastCheckpoint, lastCheckpoint == null ? 0 : lastGoodEpoch);
                    listener.stopped(stop);
                    return new Result(done, stop, bestEpoch, false);
                }
                globalStep++;
                lossSum += loss * n;
                samples += n;
                double seconds = (System.nanoTime() - start) * 1e-9;
                double rate = samples / Math.max(seconds, 1e-9);
                long remaining = (long) (epochs - e - 1) * batches.samples() + (batches.samples() - samples);
                listener.step(new TrainingListener.Step(e + 1, epochs, b + 1, steps, globalStep, loss, rate, remaining / rate));
            }
            double trainSeconds = (System.nanoTime() - start) * 1e-9;
            double trainLoss = lossSum / samples;
            Map<String, Double> measures = Map.of();
            Evaluation eval;
            if (validation == null) {
                eval = new Evaluation(Double.NaN, Double.NaN, 0);
            } else if (options.task() != null) {
                Metrics.Result m = Metrics.of(model, evalBatches, evalBatch, options.task(), options.forecast());
                measures = m.values();
                eval = new Evaluation(m.loss(), m.get("accuracy"), m.samples());
            } else {
                eval = Evaluation.of(model, evalBatches, evalBatch, logits);
            }
            boolean improved = validation != null && eval.loss() < bestLoss;
            if (improved) {
                bestLoss = eval.loss();
                bestEpoch = e + 1;
                sinceBest = 0;
            } else if (validation != null) {
                sinceBest++;
            }
            if (schedule != null && schedule.kind() == LearningRate.Kind.PLATEAU && validation != null) {
                // ReduceLROnPlateau(mode='min', threshold=0): decay once more than `patience` epochs passed without a new best
                if (eval.loss() < plateauBest) {
                    plateauBest = eval.loss();
                    plateauBad = 0;
                } else if (++plateauBad > schedule.patience()) {
                    plateauScale *= schedule.gamma();
                    plateauBad = 0;
                }
            }
            history.append(history.length() == 0 ? "" : ";").append(e + 1).append(':').append(trainLoss).append(':')
                    .append(eval.loss());
            measures.forEach((k, v) -> history.append(':').append(k).append('=').append(v));
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("train_loss", Double.toString(trainLoss));
            extra.put("validation_loss", Double.toString(eval.loss()));
            extra.put("validation_accuracy", Double.toString(eval.accuracy()));
            extra.put("best_validation_loss", Double.toString(bestLoss));
            extra.put("best_epoch", Integer.toString(bestEpoch));
            extra.put("epochs_since_best", Integer.toString(sinceBest));
            if (schedule != null) {
                extra.put("lr_schedule", schedule.toSpec());
                extra.put("lr_scale", Double.toString(plateauScale));
                extra.put("plateau_bad_epochs", Integer.toString(plateauBad));
                extra.put("plateau_best_loss", Double.toString(plateauBest));
            }
            extra.put("history", history.toString());
            Checkpoint.Position position = new Checkpoint.Position(e + 1, globalStep, seed, batchSize, extra);
            Path written = null;
            if (options.checkpoint() != null) {
                Checkpoint.save(options.checkpoint(), model, position, options.checkpointData());
                written = options.checkpoint();
                lastCheckpoint = written;
                lastGoodEpoch = e + 1;
            }
            if (improved && options.best() != null) {
                Checkpoint.save(options.best(), model, position, options.checkpointData());
            }
            boolean stopEarly = options.patience() > 0 && sinceBest >= options.patience() && e + 1 < epochs;
            TrainingListener.EpochEnd end = new TrainingListener.EpochEnd(e + 1, epochs, globalStep, trainLoss, eval.loss(),
                    eval.accuracy(), (System.nanoTime() - start) * 1e-9, samples / trainSeconds, written, measures, lr,
                    improved);
            done.add(end);
            listener.epochEnded(end);
            if (stopEarly) {
                return new Result(done, null, bestEpoch, true);
            }
        }
        return new Result(done, null, bestEpoch, false);
    }

    private static double number(Map<String, String> extra, String key, double absent) {
        String v = extra.get(key);
        if (v == null) {
            return absent;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new RnncIoException("checkpoint: damaged training state 'rnnc.extra." + key + "': '" + v + "'");
        }
    }

    /**
     * The per-epoch history a checkpoint of this trainer holds (so a resumed run's chart keeps the earlier epochs):
     * one map per epoch with {@code epoch}, {@code train_loss}, {@code validation_loss} and the measures taken.
     */
    public static List<Map<String, Double>> history(Checkpoint.Position position) {
        String h = position.extra().getOrDefault("history", "");
        List<Map<String, Double>> out = new ArrayList<>();
        if (h.isEmpty()) {
            return out;
        }
        for (String epoch : h.split(";")) {
            String[] f = epoch.split(":");
            Map<String, Double> m = new LinkedHashMap<>();
            try {
                m.put("epoch", Double.parseDouble(f[0]));
                m.put("train_loss", Double.parseDouble(f[1]));
                m.put("validation_loss", Double.parseDouble(f[2]));
                for (int k = 3; k < f.length; k++) {
                    int eq = f[k].indexOf('=');
                    m.put(f[k].substring(0, eq), Double.parseDouble(f[k].substring(eq + 1)));
                }
            } catch (RuntimeException e) {
                throw new RnncIoException("checkpoint: damaged training history 'rnnc.extra.history' at '" + epoch + "'");
            }
            out.add(m);
        }
        return out;
    }
}
