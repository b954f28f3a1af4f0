package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.io.AtomicFile;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.LearningRate;
import io.rnnc.runtime.train.Metrics;
import io.rnnc.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code rnnc train SPEC --data DIR}: compile in memory, train, evaluate, checkpoint, chart. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a model on your data and reports the measures that fit its task.", "",
                "Compiles the spec in memory (no build step) and trains it on --data, read in the format the spec's",
                "mode and input imply (--format to choose): text for a token language model, a CSV/TSV series",
                "for forecasting, a table for one_to_one, labelled sequences, TSV pairs for an encoder-decoder,",
                "or MNIST IDX files (a directory with the official files, raw or .gz). Shows progress, measures the",
                "validation data after every epoch, writes a checkpoint (safetensors, PyTorch names, with the",
                "vocabulary, labels or normalisation), keeps the best epoch, and draws the training curves.",
                "On MNIST it ends with 'test accuracy: NN.N%%'. --threads defaults to the available processors."},
        footer = {"", "Examples:",
                "  rnnc train samples/mnist/mnist_rnn.rnn --data samples/mnist/data --epochs 2",
                "  rnnc train samples/specs/char_lstm.rnn --data book.txt --epochs 5 --lr-schedule cosine --warmup 100",
                "  rnnc train model.rnn --data prices.csv --target close --horizon 1 --split 0.8,0.1,0.1"})
final class TrainCommand extends ModelCommand {

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--train-images", paramLabel = "FILE",
            description = "IDX image file for training (instead of --data)")
    Path trainImages;

    @Option(names = "--train-labels", paramLabel = "FILE", description = "IDX label file for training")
    Path trainLabels;

    @Option(names = "--test-images", paramLabel = "FILE", description = "IDX image file for evaluation")
    Path testImages;

    @Option(names = "--test-labels", paramLabel = "FILE", description = "IDX label file for evaluation")
    Path testLabels;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "2",
            description = "epochs to train (default: ${DEFAULT-VALUE})")
    int epochs;

    @Mixin
    BatchOption batch;

    @Option(names = "--seed", paramLabel = "S",
            description = "seed of the initial weights and the shuffling (default: the spec's seed; with --resume, " +
                    "the saved run's)")
    Long seed;

    @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N training samples (images) only")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "measure the first N held-out samples (validation, or MNIST test images) only")
    Integer testLimit;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "checkpoint written after every epoch (default: rnnc-out/<Model>.safetensors)")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "continue the run saved in this checkpoint, exactly: its batch and seed are kept (--batch " +
                    "or --seed with other values are refused); --epochs is the run's new total, --threads and " +
                    "--checkpoint apply")
    Path resume;

    @Option(names = "--force",
            description = "with --resume or --init: load a checkpoint written for another model or another spec of " +
                    "this one by tensor names and shapes only")
    boolean force;

    @Option(names = "--chart", paramLabel = "FILE",
            description = "PNG of the training curves (default: rnnc-out/<Model>-training.png)")
    Path chart;

    @Option(names = "--best", paramLabel = "FILE",
            description = "checkpoint of the epoch with the best validation loss (default: the checkpoint's name with" +
                    " -best, when there is validation data)")
    Path best;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "stop after N epochs without a better validation loss (default: 0, never)")
    int patience;

    @Option(names = "--lr", paramLabel = "RATE", description = "learning rate (default: the spec's)")
    Double lr;

    @Option(names = "--lr-schedule", paramLabel = "KIND",
            description = "constant, step (x gamma every --lr-step epochs), cosine (to 0 over the run, per step) or " +
                    "plateau (x gamma after --lr-patience epochs without a better validation loss); PyTorch's " +
                    "StepLR, CosineAnnealingLR, ReduceLROnPlateau (default: constant)")
    String lrSchedule;

    @Option(names = "--lr-step", paramLabel = "N", defaultValue = "1",
            description = "step schedule: epochs between decays (default: ${DEFAULT-VALUE})")
    int lrStep;

    @Option(names = "--lr-gamma", paramLabel = "G", defaultValue = "0.5",
            description = "step and plateau: the decay factor (default: ${DEFAULT-VALUE})")
    double lrGamma;

    @Option(names = "--lr-patience", paramLabel = "N", defaultValue = "1",
            description = "plateau: epochs to wait (default: ${DEFAULT-VALUE})")
    int lrPatience;

    @Option(names = "--warmup", paramLabel = "STEPS", defaultValue = "0",
            description = "linear warm-up over the first STEPS steps (default: 0)")
    int warmup;

    @Option(names = "--init", paramLabel = "FILE",
            description = "initial weights from a safetensors file (an rnnc checkpoint, or a PyTorch state_dict saved" +
                    " with safetensors' save_file), checked by names and shapes")
    Path init;

    @Option(names = "--json", description = "print one JSON object per epoch and one at the end, instead of text")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--progress", paramLabel = "KIND",
            description = "bar (redrawn in place), lines (periodic lines) or none; default: bar on a terminal, else lines")
    Progress.Kind progress;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        checkFlags();
        int asked = threads.asked(Runtime.getRuntime().availableProcessors());
        Model model = model();
        int batchSize = batch.resolve(model);
        long runSeed = seed == null ? model.seed() : seed;
        Path outDir = Path.of("rnnc-out");
        Path ckpt = checkpoint != null ? checkpoint : outDir.resolve(model.name() + ".safetensors");
        Path png = chart != null ? chart : outDir.resolve(model.name() + "-training.png");

        RnnModel net = Specs.instantiate(model);
        Checkpoint.Position from = null;
        Map<String, String> resumedData = Map.of();
        if (resume != null) {
            // The saved run's batch and seed are the run's: read them first, refuse flags that contradict
            // them, and only then print the banner, so that it shows what the run really uses.
            SafeTensors.Contents contents = SafeTensors.read(resume);
            Checkpoint.Match match = force ? Checkpoint.Match.SHAPES : Checkpoint.Match.MODEL;
            Checkpoint.Loaded loaded = Checkpoint.check(resume.toString(), contents, net, match);
            from = loaded.position().orElseThrow(() -> Trainer.parametersOnly(resume));
            resumedData = loaded.data();
            batchSize = resumed("--batch", batch.batch == null ? null : (long) batch.batch, from.batchSize(), "batch");
            runSeed = resumed("--seed", seed, from.seed(), "seed");
            if (batchSize > model.batch()) {
                throw new UserException("--resume " + resume + ": the run was saved with batch " + batchSize
                        + ", larger than model " + model.name() + " is sized for (" + model.batch() + ")");
            }
            net.initialize(runSeed); // the saved run's seed: whatever initialize() seeds besides the weights stays the same
            Checkpoint.apply(resume.toString(), contents, net, match);
            if (loaded.note() != null) {
                err.println("note: " + loaded.note());
                err.flush();
            }
        }
        LearningRate schedule = schedule(net, from);
        makeParent(ckpt);
        makeParent(png);
        // before any data is read or any step taken: a run must not end in an unwritable checkpoint or chart
        checkWritable("--checkpoint", ckpt);
        checkWritable("--chart", png);

        ModelInfo info = net.info();
        DataFormat format = dataOptions.data == null ? DataFormat.IDX : TrainingData.format(info, dataOptions);
        boolean stream = model.stack().stateful();
        if (stream && format == DataFormat.IDX) {
            throw new UserException("model " + model.name() + " is stateful: it trains on one long text, not on images");
        }
        TrainingData data = format == DataFormat.IDX ? mnist(info) : TrainingData.load(net, dataOptions, runSeed,
                stream ? batchSize : 0);
        Dataset train = data.train();
        Dataset validation = data.validation();
        if (trainLimit != null) {
            // a stream keeps whole batches: every row continues itself from one batch to the next
            int keep = stream ? Math.max(batchSize, trainLimit / batchSize * batchSize) : trainLimit;
            train = Datasets.head(train, Math.min(keep, train.size()));
        }
        if (testLimit != null && validation != null) {
            validation = Datasets.head(validation, Math.min(testLimit, validation.size()));
        }
        // checks the data against the model before any work: a wrong kind of data is a user error
        train.layout().checkFits(info);
        Path keep = best != null ? best : validation == null ? null : besideCheckpoint(ckpt);
        if (keep != null) {
            makeParent(keep);
            checkWritable("--best", keep);
        }
        if (patience > 0 && validation == null) {
            throw new UserException("--patience needs validation data: give --split with a validation share, or --validation FILE");
        }
        if (from == null) {
            net.initialize(runSeed);
            if (init != null) {
                Checkpoint.Loaded loaded = Checkpoint.load(init, net, force ? Checkpoint.Match.SHAPES : Checkpoint.Match.MODEL);
                if (loaded.note() != null) {
                    err.println("note: " + loaded.note());
                    err.flush();
                }
            }
        }
        ThreadsOption.apply(net, asked, json ? new PrintWriter(java.io.Writer.nullWriter()) : out);
        Progress.Kind kind = json ? Progress.Kind.NONE
                : progress != null ? progress : System.console() != null ? Progress.Kind.BAR : Progress.Kind.LINES;
        RecordingDataset recorded = new RecordingDataset(train);
        boolean mnistRun = format == DataFormat.IDX; // the held-out images are the official test set
        Progress listener = new Progress(out, kind, net, recorded, mnistRun ? "test" : "validation", json);
        if (from != null) {
            listener.resumedHistory(Trainer.history(from));
        }
        Map<String, String> kept = new LinkedHashMap<>(data.metadata().toMetadata());
        kept.putAll(data.extraMetadata());
        if (from != null && !resumedData.isEmpty() && !new java.util.TreeMap<>(kept).equals(new java.util.TreeMap<>(resumedData))) {
            // the same ids must mean the same tokens, classes and scales as in the saved run
            throw new UserException("--resume " + resume + ": the data's settings differ from the saved run's ("
                    + differences(resumedData, kept) + "); resume with the same data and flags (--data, --split, --tokens, "
                    + "--target, --inputs, --horizon), or start a new run without --resume");
        }
        Trainer.Options options = new Trainer.Options(epochs, batchSize, runSeed, ckpt, kept)
                .withSchedule(schedule).withEarlyStopping(patience, keep).withMetrics(data.task(), data.forecast());
        if (stream) {
            options = options.withStream();
        }
        Trainer trainer = new Trainer(net, recorded, validation, options, listener);
        if (!json) {
            String samples = format == DataFormat.IDX ? "images" : "samples";
            out.printf(Locale.ROOT, "training %s: %,d parameters, %,d training %s, %s, batch %d, %d epoch%s, seed %d, %d thread%s%n",
                    model.name(), model.parameterCount(), train.size(), samples,
                    validation == null ? "no " + (mnistRun ? "test images" : "validation data")
                            : String.format(Locale.ROOT, "%,d %s %s", validation.size(), mnistRun ? "test" : "validation", samples),
                    batchSize, epochs, epochs == 1 ? "" : "s", runSeed, net.threads(), net.threads() == 1 ? "" : "s");
            if (format != DataFormat.IDX) {
                out.println("data: " + format.word() + " (" + train.layout().description() + ")" + vocabularyNote(data.metadata())
                        + (schedule != null ? "; " + schedule : ""));
            }
            out.flush();
        }
        Trainer.Result result = from != null ? trainer.resume(from, resume) : trainer.run();
        if (!listener.history().isEmpty()) {
            Chart.write(png, model.name(), listener.history());
            if (!json) {
                out.println("chart: " + png);
            }
        }
        if (!result.completed()) {
            throw new UserException("training stopped: " + result.stopped().message());
        }
        var last = result.last();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model.name());
        summary.put("format", format.word());
        if (last != null) {
            if (result.stoppedEarly() && !json) {
                out.printf(Locale.ROOT, "stopped early: no better validation loss for %d epoch%s (best: epoch %d)%n", patience,
                        patience == 1 ? "" : "s", result.bestEpoch());
            }
            summary.put("epochs", last.epoch());
            summary.put("train_loss", last.trainLoss());
            summary.put("checkpoint", ckpt.toString());
            if (!json) {
                out.println("checkpoint: " + ckpt);
            }
            if (keep != null && result.bestEpoch() > 0) {
                summary.put("best", keep.toString());
                summary.put("best_epoch", result.bestEpoch());
                if (!json) {
                    out.println("best: " + keep + " (epoch " + result.bestEpoch() + ")");
                }
            }
            if (!Double.isNaN(last.validationLoss())) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("loss", last.validationLoss());
                v.putAll(last.metrics());
                summary.put(mnistRun ? "test" : "validation", v);
            }
            if (mnistRun && info.classTargets() && !Double.isNaN(last.validationAccuracy()) && !json) {
                out.printf(Locale.ROOT, "test accuracy: %.1f%%%n", 100 * last.validationAccuracy());
            }
            if (data.test() != null) {
                // the test set judges the weights a user would keep: the best epoch's when there is one (its file was
                // written by the trainer), else the last epoch's; the checkpoint above keeps the last epoch's either way
                boolean fromBest = keep != null && result.bestEpoch() > 0 && result.bestEpoch() != last.epoch();
                if (fromBest) {
                    Checkpoint.load(keep, net, Checkpoint.Match.MODEL);
                }
                Metrics.Result t = Metrics.of(net, data.test(), data.task(), data.forecast());
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("loss", t.loss());
                v.putAll(t.values());
                v.put("weights", fromBest ? keep.toString() : ckpt.toString());
                v.put("epoch", fromBest ? result.bestEpoch() : last.epoch());
                summary.put("test", v);
                if (!json) {
                    String weights = fromBest ? "weights of epoch " + result.bestEpoch() + ", the best: " + keep
                            : "weights of epoch " + last.epoch() + (keep != null && result.bestEpoch() > 0 ? ", the last and best"
                            : ", the last");
                    out.println("test: " + Measures.line(t.loss(), t.values()) + " (" + t.samples() + " samples, " + weights + ")");
                }
            }
        } else if (!json) {
            out.println("nothing to do: the checkpoint already holds " + epochs + " epochs (raise --epochs)");
        }
        if (json) {
            out.println(JsonOut.write(summary));
        }
        out.flush();
        return Main.OK;
    }

    /** The keys whose values differ, e.g. {@code input.tokens, norm.mean}. */
    private static String differences(Map<String, String> saved, Map<String, String> now) {
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(saved.keySet());
        keys.addAll(now.keySet());
        keys.removeIf(k -> java.util.Objects.equals(saved.get(k), now.get(k)));
        return "rnnc.data." + String.join(", rnnc.data.", keys);
    }

    /** {@code run.safetensors} -> {@code run-best.safetensors}, in the same directory. */
    static Path besideCheckpoint(Path ckpt) {
        String name = ckpt.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String best = (dot > 0 ? name.substring(0, dot) : name) + "-best" + (dot > 0 ? name.substring(dot) : ".safetensors");
        return ckpt.resolveSibling(best);
    }

    /** MNIST (or any IDX image set) as today: the official files in a directory, or given one by one. */
    private TrainingData mnist(ModelInfo info) {
        Path data = dataOptions.data;
        Mnist.MnistDataset train;
        Mnist.MnistDataset test;
        if (data != null) {
            if (!Files.isDirectory(data)) {
                throw new UserException("--data " + data + ": " + (Files.exists(data) ? "not a directory" : "no such directory")
                        + " (it should hold the MNIST IDX files; samples/mnist/data has them)");
            }
            train = trainImages != null ? Mnist.load(trainImages, trainLabels) : Mnist.loadDirectory(data, true);
            test = testImages != null ? Mnist.load(testImages, testLabels) : Mnist.loadDirectory(data, false);
        } else {
            train = Mnist.load(trainImages, trainLabels);
            test = testImages == null ? null : Mnist.load(testImages, testLabels);
        }
        boolean drawing = info.mode().equals("one_to_many");
        Dataset tr = drawing ? train.drawing() : train;
        Dataset te = test == null ? null : drawing ? test.drawing() : test;
        return new TrainingData(tr, te, null, new DataMetadata(DataFormat.IDX, null, null, null, null, null),
                Metrics.Task.of(info, DataFormat.IDX), null, Map.of());
    }

    /** The learning-rate schedule the flags ask for (null: the spec's rate all the way); a resumed run keeps its own. */
    private LearningRate schedule(RnnModel net, Checkpoint.Position from) {
        boolean asked = lr != null || lrSchedule != null || warmup != 0;
        String saved = from == null ? null : from.extra().get("lr_schedule");
        if (!asked) {
            return saved == null ? null : LearningRate.parseSpec(saved);
        }
        if (!(net instanceof ChunkedModel cm)) {
            throw new UserException("model " + net.info().name() + " cannot change its learning rate at run time");
        }
        if (lr != null && (!(lr >= 0) || lr.isInfinite())) {
            throw new UserException("--lr must be a finite number >= 0, got " + lr);
        }
        if (warmup < 0) {
            throw new UserException("--warmup must be 0 or more, got " + warmup);
        }
        Flags.positive("--lr-step", lrStep);
        if (!(lrGamma > 0 && lrGamma <= 1)) {
            throw new UserException("--lr-gamma must be in (0, 1], got " + lrGamma);
        }
        if (lrPatience < 0) {
            throw new UserException("--lr-patience must be 0 or more, got " + lrPatience);
        }
        LearningRate.Kind k;
        try {
            k = lrSchedule == null ? LearningRate.Kind.CONSTANT : LearningRate.Kind.parse(lrSchedule);
        } catch (IllegalArgumentException e) {
            throw new UserException("--lr-schedule " + lrSchedule + ": " + e.getMessage(), e);
        }
        LearningRate s = new LearningRate(k, lr != null ? lr : cm.learningRate(), warmup, lrStep, lrGamma, lrPatience);
        if (from != null) {
            LearningRate before = saved == null ? LearningRate.constant(cm.learningRate()) : LearningRate.parseSpec(saved);
            if (!before.equals(s)) {
                throw new UserException("the learning-rate flags (" + s + ") contradict --resume " + resume + ": that run was "
                        + "saved with " + before + ", and a resumed run keeps its schedule to continue exactly; drop the "
                        + "--lr* and --warmup flags, or start a new run without --resume");
            }
        }
        return s;
    }

    private static String vocabularyNote(DataMetadata m) {
        StringBuilder s = new StringBuilder();
        if (m.input() != null) {
            s.append(", vocabulary ").append(m.input().size()).append(" ").append(m.input().tokens().word())
                    .append(" (").append(m.input().reserved()).append(" reserved ids included)");
        }
        if (m.target() != null) {
            s.append(", target vocabulary ").append(m.target().size());
        }
        if (m.labels() != null) {
            s.append(", ").append(m.labels().size()).append(" classes");
        }
        return s.toString();
    }

    private void checkFlags() {
        if (dataOptions.data == null && trainImages == null) {
            throw new UserException("no training data: give --data PATH (a text, CSV/TSV or JSON Lines file, or a directory of "
                    + "MNIST IDX files such as samples/mnist/data) or --train-images and --train-labels");
        }
        if ((trainImages == null) != (trainLabels == null)) {
            throw new UserException("--train-images and --train-labels go together");
        }
        if ((testImages == null) != (testLabels == null)) {
            throw new UserException("--test-images and --test-labels go together");
        }
        Flags.positive("--epochs", epochs);
        if (trainLimit != null) {
            Flags.positive("--train-limit", trainLimit);
        }
        if (testLimit != null) {
            Flags.positive("--test-limit", testLimit);
        }
        if (patience < 0) {
            throw new UserException("--patience must be 0 or more, got " + patience);
        }
        if (resume != null && !Files.isRegularFile(resume)) {
            throw new UserException("--resume " + resume + ": " + (Files.isDirectory(resume) ? "a directory, not a checkpoint file"
                    : "no such file"));
        }
        if (init != null && !Files.isRegularFile(init)) {
            throw new UserException("--init " + init + ": " + (Files.isDirectory(init) ? "a directory, not a weights file"
                    : "no such file"));
        }
        if (init != null && resume != null) {
            throw new UserException("--init and --resume contradict each other: --resume continues a run with its own weights; "
                    + "give one of them");
        }
        if (force && resume == null && init == null) {
            throw new UserException("--force goes with --resume or --init (it loads the checkpoint by tensor names and shapes only)");
        }
    }

    /**
     * The value a resumed run uses for {@code flag}: the saved run's. A flag that asks for another value is
     * refused rather than ignored (the run would no longer continue the saved one exactly).
     */
    private long resumed(String flag, Long given, long saved, String what) {
        if (given != null && given != saved) {
            throw new UserException(flag + " " + given + " contradicts --resume " + resume + ": that run was saved with "
                    + what + " " + saved + ", and a resumed run keeps its " + what + " to continue exactly; drop " + flag
                    + " (or give " + flag + " " + saved + "), or start a new run without --resume");
        }
        return saved;
    }

    private int resumed(String flag, Long given, int saved, String what) {
        return (int) resumed(flag, given, (long) saved, what);
    }

    private static void checkWritable(String flag, Path file) {
        try {
            AtomicFile.checkWritable(file);
        } catch (RnncIoException e) {
            throw new UserException(flag + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static void makeParent(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UserException("cannot create directory " + parent + ": " + e.getMessage(), e);
        }
    }
}
