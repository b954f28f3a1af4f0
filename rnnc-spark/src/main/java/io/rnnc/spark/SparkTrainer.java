package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.io.AtomicFile;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.Evaluation;
import io.rnnc.runtime.train.Trainer;
import io.rnnc.runtime.train.TrainingListener;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a generated model on Spark, data-parallel, with the plain {@link Trainer}'s loop: the same epoch
 * orders, steps, guard, evaluation, checkpoints (driver-side, atomic) and resume.
 *
 * <p><b>{@link Strategy#SYNC}</b>: each step, every partition computes the gradients of its shard's chunks (whole
 * chunks of the model, at their global rows) from the step's broadcast parameters; the chunk gradients are
 * added in chunk order ({@link ChunkSum}) and the driver applies the optimizer. This is the plain trainer's
 * arithmetic exactly, so the run is bit-identical to {@code Trainer} with the same batch and seed.
 *
 * <p><b>{@link Strategy#AVERAGE}</b>: parameter averaging (Deeplearning4j's approach): each partition takes
 * {@code localSteps} optimizer steps on its own shard of those steps' batches (a local batch of its shard's
 * rows) from the round's parameters and optimizer state, and the driver averages both. One round trip per
 * {@code localSteps} steps; not the plain trainer's arithmetic, so not bit-identical to it.
 */
public final class SparkTrainer {

    public enum Strategy { SYNC, AVERAGE }

    /** How a synchronous step's chunk gradients reach the driver. */
    public enum Reduce {
        /** {@code treeAggregate} of {@link ChunkSum}s (depth 2). */
        TREE,
        /** Barrier-mode tasks exchange their sums with {@code allGather}; task 0 folds and returns the total. */
        BARRIER
    }

    /**
     * @param shardRows  rows of one partition's shard of a step, a multiple of the model's chunk rows; 0 for
     *                   the default (the step's chunks spread evenly over Spark's default parallelism)
     * @param localSteps AVERAGE: steps each partition takes between two averages
     */
    public record Options(Trainer.Options run, int shardRows, Strategy strategy, int localSteps, Reduce reduce) {
        public Options {
            Objects.requireNonNull(run);
            Objects.requireNonNull(strategy);
            Objects.requireNonNull(reduce);
            if (shardRows < 0 || localSteps < 1) {
                throw new IllegalArgumentException("shard rows must be >= 0 and local steps >= 1: " + shardRows + ", " + localSteps);
            }
        }

        public static Options sync(Trainer.Options run) {
            return new Options(run, 0, Strategy.SYNC, 1, Reduce.TREE);
        }
    }

    private final JavaSparkContext sc;
    private final ModelBlueprint blueprint;
    private final ChunkedModel model;
    private final ModelInfo info;
    private final JavaPairRDD<Long, Sample> train;
    private final int trainSize;
    private final Dataset validation;
    private final Options options;
    private final TrainingListener listener;
    private final int chunkRows;
    /** The slowest task's compute time in the last synchronous step. */
    private long lastSlowestTaskNanos;
    /** Valid (input, output) positions of each training sample, or null when the data give no lengths. */
    private final long[][] sampleValid;

    /**
     * @param model      the driver's instance of {@code blueprint}'s class: initialised (or loaded) by the caller,
     *                   updated by the trainer, saved in the checkpoints
     * @param train      the training samples keyed by their index 0..trainSize-1 (the single-machine order)
     * @param validation held-out data evaluated on the driver after each epoch, or null
     */
    public SparkTrainer(JavaSparkContext sc, ModelBlueprint blueprint, ChunkedModel model, JavaPairRDD<Long, Sample> train,
                        int trainSize, Dataset validation, Options options, TrainingListener listener) {
        this.sc = Objects.requireNonNull(sc);
        this.blueprint = Objects.requireNonNull(blueprint);
        this.model = Objects.requireNonNull(model);
        this.info = model.info();
        this.train = Objects.requireNonNull(train);
        this.trainSize = trainSize;
        this.validation = validation;
        this.options = Objects.requireNonNull(options);
        this.listener = listener == null ? new TrainingListener() { } : listener;
        this.chunkRows = model.settings().chunkRows();
        int batchSize = options.run().batchSize();
        if (trainSize < 1) {
            throw new UserError("the training data hold no samples");
        }
        if (batchSize > info.maxBatch()) {
            throw new UserError("batch size " + batchSize + " is larger than model " + info.name() + " allows (" + info.maxBatch() + ")");
        }
        if (options.shardRows() % chunkRows != 0) {
            throw new UserError("shard rows " + options.shardRows() + " must be a multiple of the model's chunk of "
                    + chunkRows + " rows (a shard is whole chunks, so that the gradient sum is the single machine's)");
        }
        if (validation != null) {
            validation.layout().checkFits(info);
        }
        if (options.run().checkpoint() != null) {
            AtomicFile.checkWritable(options.run().checkpoint());
        }
        this.sampleValid = sampleValidPositions();
    }

    /**
     * Valid (input, output) positions of every training sample by dataset index, or null when no sample has a length
     * of its own: a masked mean divides by the whole step's count, which the driver sums for each step (one pass over
     * the data, once).
     */
    private long[][] sampleValidPositions() {
        int maxLength = Batch.maxLengthOf(info);
        int maxTarget = Batch.maxTargetLengthOf(info);
        List<long[]> own = train.filter(t -> t._2.hasLengths())
                .map(t -> new long[] {t._1, t._2.validPositions(maxLength), t._2.validTargetPositions(maxTarget)}).collect();
        if (own.isEmpty()) {
            return null;
        }
        long[][] v = new long[2][trainSize];
        java.util.Arrays.fill(v[0], maxLength);
        java.util.Arrays.fill(v[1], maxTarget);
        for (long[] e : own) {
            v[0][(int) e[0]] = e[1];
            v[1][(int) e[0]] = e[2];
        }
        return v;
    }

    /** Each step's valid (input, output) positions in epoch {@code epoch}, or null without lengths. */
    private long[][] stepValidPositions(EpochLayout layout, long seed, int epoch) {
        if (sampleValid == null) {
            return null;
        }
        int[] pos = layout.positions(seed, epoch);
        long[][] steps = new long[2][layout.steps()];
        for (int i = 0; i < pos.length; i++) {
            steps[0][pos[i] / layout.batchSize()] += sampleValid[0][i];
            steps[1][pos[i] / layout.batchSize()] += sampleValid[1][i];
        }
        return steps;
    }

    /** The default shard: the step's chunks spread evenly over {@code parallelism} tasks. */
    static int defaultShardRows(int batchSize, int chunkRows, int parallelism) {
        int chunks = (batchSize + chunkRows - 1) / chunkRows;
        int perTask = (chunks + Math.max(1, parallelism) - 1) / Math.max(1, parallelism);
        return perTask * chunkRows;
    }

    private EpochLayout layout(int batchSize) {
        int shard = options.shardRows() > 0 ? options.shardRows() : defaultShardRows(batchSize, chunkRows, sc.defaultParallelism());
        EpochLayout layout = new EpochLayout(trainSize, batchSize, shard);
        if (options.strategy() == Strategy.SYNC && options.reduce() == Reduce.BARRIER && layout.shards() > sc.defaultParallelism()) {
            // Spark would wait for the slots instead of failing at once
            throw new UserError("--reduce barrier runs all " + layout.shards() + " shards of a step at once, but Spark has "
                    + sc.defaultParallelism() + " cores; use larger shards (--shard-rows) or --reduce tree");
        }
        return layout;
    }

    /** Trains from the model's current parameters and optimizer state, epoch 1 to {@code epochs}. */
    public Trainer.Result run() {
        Trainer.Options o = options.run();
        return run(new Checkpoint.Position(0, 0, o.seed(), o.batchSize()), null);
    }

    /** Loads an epoch-end checkpoint (of this model, with this run's batch and seed) and runs the remaining epochs. */
    public Trainer.Result resume(Path checkpoint) {
        SafeTensors.Contents contents = SafeTensors.read(checkpoint);
        String where = checkpoint.toString();
        Checkpoint.Position position = Checkpoint.check(where, contents, model, Checkpoint.Match.MODEL).position()
                .orElseThrow(() -> Trainer.parametersOnly(checkpoint));
        Trainer.Options o = options.run();
        if (position.batchSize() != o.batchSize() || position.seed() != o.seed()) {
            throw new RnncIoException(checkpoint + " was saved by a run with batch " + position.batchSize() + " and seed "
                    + position.seed() + ", but this run is set for batch " + o.batchSize() + " and seed " + o.seed()
                    + "; a resumed run keeps its batch and seed to continue exactly");
        }
        Checkpoint.apply(where, contents, model, Checkpoint.Match.MODEL);
        return run(position, checkpoint);
    }

    private Trainer.Result run(Checkpoint.Position from, Path resumedFrom) {
        int batchSize = from.batchSize();
        long seed = from.seed();
        int epochs = options.run().epochs();
        EpochLayout layout = layout(batchSize);
        int steps = layout.steps();
        listener.started(new TrainingListener.Start(from.epoch() + 1, epochs, steps, batchSize, trainSize,
                validation == null ? 0 : validation.size(), seed, resumedFrom));
        List<TrainingListener.EpochEnd> done = new ArrayList<>();
        long globalStep = from.step();
        Path lastCheckpoint = resumedFrom;
        int lastGoodEpoch = from.epoch();
        // the plain Trainer's keep-best bookkeeping and history, carried across a resume in the checkpoint's extras
        Map<String, String> saved = from.extra();
        double bestLoss = Double.parseDouble(saved.getOrDefault("best_validation_loss", "Infinity"));
        int bestEpoch = Integer.parseInt(saved.getOrDefault("best_epoch", "0"));
        int sinceBest = Integer.parseInt(saved.getOrDefault("epochs_since_best", "0"));
        StringBuilder history = new StringBuilder(saved.getOrDefault("history", ""));
        for (int e = from.epoch(); e < epochs; e++) {
            long start = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            try (EpochShards shards = new EpochShards(sc, train, layout, seed, e)) {
                long[][] valid = stepValidPositions(layout, seed, e);
                int per = options.strategy() == Strategy.SYNC ? 1 : options.localSteps();
                for (int b = 0; b < steps; b += per) {
                    int k = Math.min(per, steps - b);
                    StepResult r = options.strategy() == Strategy.SYNC ? syncStep(shards.rdd(), layout, b, valid) : averagingRound(shards.rdd(), layout, b, k);
                    if (r.bad != null) {
                        TrainingListener.Stopped stop = new TrainingListener.Stopped(e + 1, b + 1, globalStep + 1, r.bad,
                                lastCheckpoint, lastCheckpoint == null ? 0 : lastGoodEpoch);
                        listener.stopped(stop);
                        return new Trainer.Result(done, stop);
                    }
                    globalStep += k;
                    lossSum += r.lossTimesRows;
                    samples += r.rows;
                    double seconds = (System.nanoTime() - start) * 1e-9;
                    double rate = samples / Math.max(seconds, 1e-9);
                    long remaining = (long) (epochs - e - 1) * trainSize + (trainSize - samples);
                    listener.step(new TrainingListener.Step(e + 1, epochs, b + k, steps, globalStep, r.lossTimesRows / r.rows,
                            rate, remaining / rate));
                }
            }
            double trainSeconds = (System.nanoTime() - start) * 1e-9;
            double trainLoss = lossSum / samples;
            Evaluation eval = validation == null ? new Evaluation(Double.NaN, Double.NaN, 0) : Evaluation.of(model, validation);
            if (validation != null && eval.loss() < bestLoss) {
                bestLoss = eval.loss();
                bestEpoch = e + 1;
                sinceBest = 0;
            } else if (validation != null) {
                sinceBest++;
            }
            history.append(history.length() == 0 ? "" : ";").append(e + 1).append(':').append(trainLoss).append(':')
                    .append(eval.loss());
            Path written = null;
            Path ckpt = options.run().checkpoint();
            if (ckpt != null) {
                // What Trainer writes, key for key: a sync run's checkpoint is byte for byte the plain trainer's
                Checkpoint.save(ckpt, model, new Checkpoint.Position(e + 1, globalStep, seed, batchSize,
                        Map.of("train_loss", Double.toString(trainLoss),
                                "validation_loss", Double.toString(eval.loss()),
                                "validation_accuracy", Double.toString(eval.accuracy()),
                                "best_validation_loss", Double.toString(bestLoss),
                                "best_epoch", Integer.toString(bestEpoch),
                                "epochs_since_best", Integer.toString(sinceBest),
                                "history", history.toString())), options.run().checkpointData());
                written = ckpt;
                lastCheckpoint = written;
                lastGoodEpoch = e + 1;
            }
            TrainingListener.EpochEnd end = new TrainingListener.EpochEnd(e + 1, epochs, globalStep, trainLoss, eval.loss(),
                    eval.accuracy(), (System.nanoTime() - start) * 1e-9, samples / trainSeconds, written);
            done.add(end);
            listener.epochEnded(end);
        }
        return new Trainer.Result(done, null);
    }

    /** What a step (or an averaging round) gave: its loss times its rows, its rows, or why it must stop. */
    private record StepResult(double lossTimesRows, long rows, String bad) {
    }

    /**
     * Times {@code measured} steps (averaging: rounds) of epoch 0 after {@code warm} untimed ones, from the
     * model's current state (which they change): per step, the wall time on the driver and the slowest task's
     * compute time (synchronous only; 0 for averaging). For docs/scaling.md.
     */
    double[][] timeSteps(int warm, int measured) {
        Trainer.Options o = options.run();
        EpochLayout layout = layout(o.batchSize());
        int per = options.strategy() == Strategy.SYNC ? 1 : options.localSteps();
        if ((long) (warm + measured) * per > layout.steps()) {
            throw new IllegalArgumentException("an epoch has only " + layout.steps() + " steps");
        }
        double[][] times = new double[2][measured];
        try (EpochShards shards = new EpochShards(sc, train, layout, o.seed(), 0)) {
            long[][] valid = stepValidPositions(layout, o.seed(), 0);
            for (int i = 0; i < warm + measured; i++) {
                long start = System.nanoTime();
                lastSlowestTaskNanos = 0;
                StepResult r = options.strategy() == Strategy.SYNC ? syncStep(shards.rdd(), layout, i * per, valid)
                        : averagingRound(shards.rdd(), layout, i * per, per);
                if (r.bad != null) {
                    throw new IllegalStateException(r.bad);
                }
                if (i >= warm) {
                    times[0][i - warm] = (System.nanoTime() - start) * 1e-9;
                    times[1][i - warm] = lastSlowestTaskNanos * 1e-9;
                }
            }
        }
        return times;
    }

    // ---- synchronous ----

    /**
     * The parameters (and optimizer step count) a step's tasks start from, and the whole step's valid (input, output)
     * positions when its samples have lengths (-1 otherwise).
     */
    private record StepState(FlatValues parameters, long step, long validPositions, long validTargetPositions) implements Serializable {
    }

    private StepResult syncStep(JavaRDD<Sample[]> shards, EpochLayout layout, int b, long[][] valid) {
        Broadcast<StepState> state = sc.broadcast(new StepState(FlatValues.copyOf(model.parameters()), model.optimizerState().step(),
                valid == null ? -1 : valid[0][b], valid == null ? -1 : valid[1][b]));
        try {
            ChunkSum total = reduce(shards, layout, b, state);
            int n = layout.stepRows(b);
            int chunks = (n + chunkRows - 1) / chunkRows;
            if (total.folded() != chunks || total.pending() != 0) {
                throw new IllegalStateException("step " + b + ": " + total.folded() + " chunks summed, " + total.pending()
                        + " pending, expected " + chunks);
            }
            lastSlowestTaskNanos = total.slowestTaskNanos();
            total.gradients().copyTo(model.gradients());
            double loss = total.loss();
            String bad = !Double.isFinite(loss) ? "loss is " + loss : null;
            if (bad == null) {
                double norm = model.applyUpdate();
                bad = !Double.isFinite(norm) ? "gradient norm is " + norm : null;
            }
            return new StepResult(loss * n, n, bad);
        } finally {
            state.destroy();
        }
    }

    private ChunkSum reduce(JavaRDD<Sample[]> shards, EpochLayout layout, int b, Broadcast<StepState> state) {
        ModelBlueprint bp = blueprint;
        int chunk = chunkRows;
        if (options.reduce() == Reduce.BARRIER) {
            // All tasks of a barrier stage run at once (it needs as many free cores as shards) and meet in allGather
            scala.Function1<scala.collection.Iterator<Sample[]>, scala.collection.Iterator<ChunkSum>> exchange =
                    (scala.Function1<scala.collection.Iterator<Sample[]>, scala.collection.Iterator<ChunkSum>> & Serializable) rows -> {
                        BarrierTaskContext ctx = BarrierTaskContext.get();
                        ChunkSum mine = shardGradients(bp, state.value(), layout, b, ctx.partitionId(), rows.next(), chunk);
                        String[] all = ctx.allGather(encode(mine));
                        List<ChunkSum> out = new ArrayList<>();
                        if (ctx.partitionId() == 0) {
                            ChunkSum sum = new ChunkSum();
                            for (String m : all) {
                                sum.merge(decode(m));
                            }
                            out.add(sum);
                        }
                        return CollectionConverters.asScala(out.iterator());
                    };
            JavaRDD<ChunkSum> totals = shards.rdd().barrier().mapPartitions(exchange, false, ClassTag$.MODULE$.apply(ChunkSum.class))
                    .toJavaRDD();
            return totals.collect().get(0);
        }
        JavaRDD<ChunkSum> sums = shards.mapPartitionsWithIndex((s, rows) ->
                List.of(shardGradients(bp, state.value(), layout, b, s, rows.next(), chunk)).iterator(), true);
        return sums.treeAggregate(new ChunkSum(), ChunkSum::merge, ChunkSum::merge, 2);
    }

    /** The chunk gradients of shard {@code s} of step {@code b}, on an executor. */
    static ChunkSum shardGradients(ModelBlueprint bp, StepState state, EpochLayout layout, int b, int s, Sample[] rows,
                                   int chunkRows) {
        ChunkSum sum = new ChunkSum();
        int n = layout.shardRows(b, s);
        if (n == 0) {
            return sum;
        }
        int off = layout.offset(b, s);
        int row0 = s * layout.shardRows();
        ChunkedModel m = bp.borrow();
        try {
            load(m, state.parameters(), null, state.step());
            long start = System.nanoTime();
            Batch batch = Batch.forModel(m.info(), chunkRows);
            for (int j = 0; j * chunkRows < n; j++) {
                int k = Math.min(chunkRows, n - j * chunkRows);
                batch.clearLengths();
                for (int r = 0; r < k; r++) {
                    rows[off + j * chunkRows + r].writeTo(batch, r);
                }
                batch.setSize(k);
                double loss = state.validPositions() < 0 ? m.computeChunkGradients(batch, row0 + j * chunkRows, layout.stepRows(b))
                        : m.computeChunkGradients(batch, row0 + j * chunkRows, layout.stepRows(b), state.validPositions(),
                        state.validTargetPositions());
                sum.add((row0 + j * chunkRows) / chunkRows, FlatValues.copyOf(m.gradients()), loss);
            }
            sum.recordTask(System.nanoTime() - start);
        } finally {
            bp.release(m);
        }
        return sum;
    }

    private static void load(ChunkedModel m, FlatValues parameters, List<FlatValues> slots, long step) {
        parameters.copyTo(m.parameters());
        if (slots != null) {
            List<TensorStore> stores = m.optimizerState().slots();
            for (int i = 0; i < stores.size(); i++) {
                slots.get(i).copyTo(stores.get(i));
            }
        }
        m.optimizerState().setStep(step);
        m.parametersChanged();
    }

    static String encode(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static ChunkSum decode(String text) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(text)))) {
            return (ChunkSum) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- parameter averaging ----

    /** Parameters, optimizer slots and step count: what a round starts from and a partition ends with. */
    private record ModelState(FlatValues parameters, List<FlatValues> slots, long step, int stepsRun, double lossTimesRows,
                              long rows, String bad) implements Serializable {
    }

    private StepResult averagingRound(JavaRDD<Sample[]> shards, EpochLayout layout, int first, int k) {
        List<FlatValues> slots = new ArrayList<>();
        for (TensorStore t : model.optimizerState().slots()) {
            slots.add(FlatValues.copyOf(t));
        }
        Broadcast<ModelState> state = sc.broadcast(new ModelState(FlatValues.copyOf(model.parameters()), slots,
                model.optimizerState().step(), 0, 0, 0, null));
        ModelBlueprint bp = blueprint;
        try {
            List<ModelState> ends = shards.mapPartitionsWithIndex((s, rows) ->
                    List.of(localSteps(bp, state.value(), layout, first, k, s, rows.next())).iterator(), true).collect();
            List<FlatValues> params = new ArrayList<>();
            List<List<FlatValues>> slotParts = new ArrayList<>();
            double lossTimesRows = 0;
            long rows = 0;
            int maxSteps = 0;
            for (ModelState end : ends) {
                if (end.bad != null) {
                    return new StepResult(0, 0, end.bad);
                }
                if (end.stepsRun == 0) {
                    continue;
                }
                params.add(end.parameters);
                slotParts.add(end.slots);
                lossTimesRows += end.lossTimesRows;
                rows += end.rows;
                maxSteps = Math.max(maxSteps, end.stepsRun);
            }
            // Partition order: the average is the same on every run
            FlatValues.mean(params).copyTo(model.parameters());
            List<TensorStore> stores = model.optimizerState().slots();
            for (int i = 0; i < stores.size(); i++) {
                List<FlatValues> ith = new ArrayList<>();
                for (List<FlatValues> p : slotParts) {
                    ith.add(p.get(i));
                }
                FlatValues.mean(ith).copyTo(stores.get(i));
            }
            model.optimizerState().setStep(model.optimizerState().step() + maxSteps);
            model.parametersChanged();
            return new StepResult(lossTimesRows, rows, null);
        } finally {
            state.destroy();
        }
    }

    /** {@code k} optimizer steps of partition {@code s} on its shards of steps {@code first ..}, on an executor. */
    static ModelState localSteps(ModelBlueprint bp, ModelState start, EpochLayout layout, int first, int k, int s, Sample[] rows) {
        ChunkedModel m = bp.borrow();
        try {
            load(m, start.parameters(), start.slots(), start.step());
            Batch batch = Batch.forModel(m.info(), layout.shardRows());
            int run = 0;
            double lossTimesRows = 0;
            long seen = 0;
            for (int b = first; b < first + k; b++) {
                int n = layout.shardRows(b, s);
                if (n == 0) {
                    continue;
                }
                int off = layout.offset(b, s);
                batch.clearLengths();
                for (int r = 0; r < n; r++) {
                    rows[off + r].writeTo(batch, r);
                }
                batch.setSize(n);
                double loss = m.computeGradients(batch);
                String bad = !Double.isFinite(loss) ? "loss is " + loss : null;
                if (bad == null) {
                    double norm = m.applyUpdate();
                    bad = !Double.isFinite(norm) ? "gradient norm is " + norm : null;
                }
                if (bad != null) {
                    return new ModelState(null, null, 0, run, 0, 0, "partition " + s + ": " + bad);
                }
                run++;
                lossTimesRows += loss * n;
                seen += n;
            }
            List<FlatValues> slots = new ArrayList<>();
            for (TensorStore t : m.optimizerState().slots()) {
                slots.add(FlatValues.copyOf(t));
            }
            return new ModelState(FlatValues.copyOf(m.parameters()), slots, m.optimizerState().step(), run, lossTimesRows, seen, null);
        } finally {
            bp.release(m);
        }
    }

}
