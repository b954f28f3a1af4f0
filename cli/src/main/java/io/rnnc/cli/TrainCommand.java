package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.io.AtomicFile;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code rnnc train SPEC --data DIR}: compile in memory, train, evaluate, checkpoint, chart. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a model on MNIST and reports its test accuracy.", "",
                "Compiles the spec in memory (no build step) and trains it on MNIST: the official IDX files",
                "(raw or .gz) in --data, or given one by one. Shows progress, evaluates on the test images after",
                "every epoch, writes a checkpoint (safetensors, PyTorch names) and a PNG of the training curves,",
                "and ends with 'test accuracy: NN.N%'. --threads defaults to the available processors."},
        footer = {"", "Example: rnnc train samples/mnist/mnist_rnn.rnn --data samples/mnist/data --epochs 2"})
final class TrainCommand extends ModelCommand {

    @Option(names = "--data", paramLabel = "DIR",
            description = "directory with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-... files")
    Path data;

    @Option(names = "--train-images", paramLabel = "FILE", description = "IDX image file for training (instead of --data)")
    Path trainImages;

    @Option(names = "--train-labels", paramLabel = "FILE", description = "IDX label file for training")
    Path trainLabels;

    @Option(names = "--test-images", paramLabel = "FILE", description = "IDX image file for evaluation")
    Path testImages;

    @Option(names = "--test-labels", paramLabel = "FILE", description = "IDX label file for evaluation")
    Path testLabels;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "2", description = "epochs to train (default: ${DEFAULT-VALUE})")
    int epochs;

    @Mixin
    BatchOption batch;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the initial weights and the shuffling (default: the spec's seed; with --resume, the saved run's)")
    Long seed;

    @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N training images only")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "evaluate on the first N test images only")
    Integer testLimit;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "checkpoint written after every epoch (default: rnnc-out/<Model>.safetensors)")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE", description = {"continue the run saved in this checkpoint, exactly:",
            "its batch and seed are kept (--batch or --seed with other values are refused); --epochs is the",
            "run's new total, --threads and --checkpoint apply"})
    Path resume;

    @Option(names = "--force", description = {"with --resume: load a checkpoint written for another model or another",
            "spec of this one by tensor names and shapes only"})
    boolean force;

    @Option(names = "--chart", paramLabel = "FILE", description = "PNG of the training curves (default: rnnc-out/<Model>-training.png)")
    Path chart;

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
        if (resume != null) {
            // The saved run's batch and seed are the run's: read them first, refuse flags that contradict
            // them, and only then print the banner, so that it shows what the run really uses.
            SafeTensors.Contents contents = SafeTensors.read(resume);
            Checkpoint.Match match = force ? Checkpoint.Match.SHAPES : Checkpoint.Match.MODEL;
            Checkpoint.Loaded loaded = Checkpoint.check(resume.toString(), contents, net, match);
            from = loaded.position().orElseThrow(() -> Trainer.parametersOnly(resume));
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
        makeParent(ckpt);
        makeParent(png);
        // before any data is read or any step taken: a run must not end in an unwritable checkpoint or chart
        checkWritable("--checkpoint", ckpt);
        checkWritable("--chart", png);

        Dataset train;
        Dataset test;
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
        if (trainLimit != null) {
            train = Datasets.head(train, Math.min(trainLimit, train.size()));
        }
        if (testLimit != null && test != null) {
            test = Datasets.head(test, Math.min(testLimit, test.size()));
        }

        // checks the data against the model before any work: a wrong kind of data is a user error
        train.layout().checkFits(net.info());
        if (from == null) {
            net.initialize(runSeed);
        }
        ThreadsOption.apply(net, asked, out);
        Progress.Kind kind = progress != null ? progress : System.console() != null ? Progress.Kind.BAR : Progress.Kind.LINES;
        RecordingDataset recorded = new RecordingDataset(train);
        Progress listener = new Progress(out, kind, net, recorded);
        Trainer trainer = new Trainer(net, recorded, test, new Trainer.Options(epochs, batchSize, runSeed, ckpt), listener);
        out.printf(Locale.ROOT, "training %s: %,d parameters, %,d training images, %s, batch %d, %d epoch%s, seed %d, %d thread%s%n",
                model.name(), model.parameterCount(), train.size(),
                test == null ? "no test images" : String.format(Locale.ROOT, "%,d test images", test.size()), batchSize,
                epochs, epochs == 1 ? "" : "s", runSeed, net.threads(), net.threads() == 1 ? "" : "s");
        out.flush();
        Trainer.Result result = from != null ? trainer.resume(from, resume) : trainer.run();
        if (!listener.history().isEmpty()) {
            Chart.write(png, model.name(), listener.history());
            out.println("chart: " + png);
        }
        if (!result.completed()) {
            throw new UserException("training stopped: " + result.stopped().message());
        }
        var last = result.last();
        if (last != null) {
            out.println("checkpoint: " + ckpt);
            if (!Double.isNaN(last.validationAccuracy())) {
                out.printf(Locale.ROOT, "test accuracy: %.1f%%%n", 100 * last.validationAccuracy());
            }
        } else {
            out.println("nothing to do: the checkpoint already holds " + epochs + " epochs (raise --epochs)");
        }
        out.flush();
        return Main.OK;
    }

    private void checkFlags() {
        if (data == null && trainImages == null) {
            throw new UserException("no training data: give --data DIR (e.g. samples/mnist/data) or --train-images and --train-labels");
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
        if (resume != null && !Files.isRegularFile(resume)) {
            throw new UserException("--resume " + resume + ": " + (Files.isDirectory(resume) ? "a directory, not a checkpoint file"
                    : "no such file"));
        }
        if (force && resume == null) {
            throw new UserException("--force goes with --resume (it loads the checkpoint by tensor names and shapes only)");
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
