package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
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

    @Option(names = "--seed", paramLabel = "S", description = "seed of the initial weights and the shuffling (default: the spec's seed)")
    Long seed;

    @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N training images only")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "evaluate on the first N test images only")
    Integer testLimit;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "checkpoint written after every epoch (default: rnnc-out/<Model>.safetensors)")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE", description = "continue the run saved in this checkpoint")
    Path resume;

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
        long runSeed = seed == null ? model.seed() : seed;
        Path outDir = Path.of("rnnc-out");
        Path ckpt = checkpoint != null ? checkpoint : outDir.resolve(model.name() + ".safetensors");
        Path png = chart != null ? chart : outDir.resolve(model.name() + "-training.png");
        makeParent(ckpt);
        makeParent(png);

        RnnModel net = Specs.instantiate(model);
        // checks the data against the model before any work: a wrong kind of data is a user error
        train.layout().checkFits(net.info());
        net.initialize(runSeed);
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
        Trainer.Result result = resume != null ? trainer.resume(resume) : trainer.run();
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
            throw new UserException("--resume " + resume + ": no such file");
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
