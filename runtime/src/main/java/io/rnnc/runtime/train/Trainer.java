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

import java.nio.file.Path;
import java.util.ArrayList;
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
     */
    public record Options(int epochs, int batchSize, long seed, Path checkpoint, Map<String, String> checkpointData) {
        public Options {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1: " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
            }
            checkpointData = Map.copyOf(checkpointData);
        }

        public Options(int epochs, int batchSize, long seed, Path checkpoint) {
            this(epochs, batchSize, seed, checkpoint, Map.of());
        }
    }

    /**
     * How a run ended.
     *
     * @param epochs  the epochs this call ran (not those before a resume)
     * @param stopped why the run stopped early, or null if it finished
     */
    public record Result(List<TrainingListener.EpochEnd> epochs, TrainingListener.Stopped stopped) {
        public Result {
            epochs = List.copyOf(epochs);
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
        Batches batches = new Batches(train, batchSize, true, seed);
        Batch batch = Batch.forModel(info, batchSize);
        Batches evalBatches = validation == null ? null : new Batches(validation, info.maxBatch(), false, 0);
        Batch evalBatch = validation == null ? null : Batch.forModel(info);
        double[] logits = validation != null && info.classTargets() ? new double[info.maxBatch() * info.logitsPerSample()] : null;

        int steps = batches.count();
        listener.started(new TrainingListener.Start(from.epoch() + 1, epochs, steps, batchSize, batches.samples(),
                validation == null ? 0 : validation.size(), seed, resumedFrom));
        List<TrainingListener.EpochEnd> done = new ArrayList<>();
        long globalStep = from.step();
        Path lastCheckpoint = resumedFrom;
        int lastGoodEpoch = from.epoch();
        for (int e = from.epoch(); e < epochs; e++) {
            long start = System.nanoTime();
            batches.startEpoch(e);
            double lossSum = 0;
            long samples = 0;
            for (int b = 0; b < steps; b++) {
                int n = batches.fill(b, batch);
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
                    return new Result(done, stop);
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
            Evaluation eval = validation == null ? new Evaluation(Double.NaN, Double.NaN, 0)
                    : Evaluation.of(model, evalBatches, evalBatch, logits);
            Path written = null;
            if (options.checkpoint() != null) {
                Checkpoint.save(options.checkpoint(), model, new Checkpoint.Position(e + 1, globalStep, seed, batchSize,
                        Map.of("train_loss", Double.toString(trainLoss),
                                "validation_loss", Double.toString(eval.loss()),
                                "validation_accuracy", Double.toString(eval.accuracy()))), options.checkpointData());
                written = options.checkpoint();
                lastCheckpoint = written;
                lastGoodEpoch = e + 1;
            }
            TrainingListener.EpochEnd end = new TrainingListener.EpochEnd(e + 1, epochs, globalStep, trainLoss, eval.loss(),
                    eval.accuracy(), (System.nanoTime() - start) * 1e-9, samples / trainSeconds, written);
            done.add(end);
            listener.epochEnded(end);
        }
        return new Result(done, null);
    }
}
