package io.rnnc.spark;

import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.Trainer;
import io.rnnc.runtime.train.TrainingListener;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rnnc-spark train SPEC --data PATH [--spark [MASTER]] ...}: the {@code rnnc train} command on Spark.
 * Without {@code --spark MASTER} it runs on an embedded local Spark ({@code local[*]}) unless
 * {@code spark-submit} set a master. Exit codes as the {@code rnnc} command: 0 success, 1 user error, 2 internal error.
 */
public final class SparkMain {

    static final String USAGE = """
            usage: rnnc-spark train SPEC --data PATH [options]
              --data PATH         MNIST directory (IDX files, read by the driver), or CSV read by Spark
                                  (any path Spark reads: file, directory, glob, hdfs://, s3a://): per line the
                                  target values, then the input values; or Parquet read by Spark SQL (a .parquet
                                  file or glob, or a directory of parts): one sample per row, one value per column
              --format KIND       csv, parquet or text (default: parquet for *.parquet or a directory of
                                  parts, text for *.txt, else csv). text: a language model's UTF-8 corpus
                                  (a file, directory or glob), cut as rnnc train's text format cuts it
              --tokens KIND       text: chars (default) or words
              --target COLS       Parquet: the target columns, comma-separated (default: the first ones)
              --inputs COLS       Parquet: the input columns, comma-separated (default: the columns not targets)
              --test PATH         held-out CSV, Parquet or text evaluated after each epoch (MNIST: the
                                  directory's test images)
              --spark [MASTER]    Spark master: local[N], local[*], spark://..., yarn, k8s://...
                                  (default: spark-submit's, else local[*])
              --model NAME        the model of a spec that holds several
              --epochs N          epochs (default 2)
              --batch B           global batch (default: the spec's)
              --seed S            seed of the initial weights and the shuffling (default: the spec's)
              --train-limit N     train on the first N samples only
              --test-limit N      evaluate on the first N held-out samples only
              --checkpoint FILE   written (atomically, by the driver) after every epoch
                                  (default rnnc-out/<Model>.safetensors)
              --resume FILE       continue the run saved in FILE exactly (its batch and seed)
              --strategy KIND     sync (bit-identical to one machine, default) or average
              --local-steps K     average: optimizer steps per partition between two averages (default 4)
              --shard-rows S      rows of a step per partition, a multiple of the model's chunk
                                  (default: the step's chunks spread over Spark's default parallelism)
              --reduce KIND       sync: tree (treeAggregate, default) or barrier (barrier-mode allGather)
            """;

    private SparkMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Command c = Command.parse(args);
            if (c == null) {
                out.print(USAGE);
                return 0;
            }
            return c.train(out);
        } catch (UserError | RnncIoException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            // Spark's job failures are SparkExceptions (checked, thrown undeclared from Scala), a task's error inside
            Throwable user = userCause(e);
            if (user != null) {
                err.println("error: " + user.getMessage());
                return 1;
            }
            err.println("internal error: " + e);
            e.printStackTrace(err);
            return 2;
        }
    }

    /** A user error raised in a Spark task arrives wrapped (SparkException, and its message repeats the stack). */
    private static Throwable userCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UserError || t instanceof RnncIoException) {
                return t;
            }
        }
        return null;
    }

    /** A Spark context for this JVM: quiet, no web UI, {@code master} unless spark-submit set one (null: local[*]). */
    public static JavaSparkContext sparkContext(String master, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.ui.enabled", "false");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    private record Command(Path spec, String data, String test, String master, String model, int epochs, Integer batch,
                           Long seed, Integer trainLimit, Integer testLimit, Path checkpoint, Path resume,
                           SparkTrainer.Strategy strategy, int localSteps, int shardRows, SparkTrainer.Reduce reduce,
                           List<String> target, List<String> inputs, String format, Vocabulary.Tokens tokens) {

        static Command parse(String[] args) {
            if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
                return null;
            }
            if (!args[0].equals("train")) {
                throw new UserError("unknown command '" + args[0] + "'; rnnc-spark runs 'train' (see rnnc-spark help)");
            }
            Path spec = null;
            String data = null;
            String test = null;
            String master = null;
            String model = null;
            int epochs = 2;
            Integer batch = null;
            Long seed = null;
            Integer trainLimit = null;
            Integer testLimit = null;
            Path checkpoint = null;
            Path resume = null;
            SparkTrainer.Strategy strategy = SparkTrainer.Strategy.SYNC;
            int localSteps = 4;
            int shardRows = 0;
            SparkTrainer.Reduce reduce = SparkTrainer.Reduce.TREE;
            List<String> target = List.of();
            List<String> inputs = List.of();
            String format = null;
            Vocabulary.Tokens tokens = Vocabulary.Tokens.CHARS;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                // --spark takes a value only if the next word is a master URL, so that '--spark SPEC' reads SPEC as the spec
                boolean masterNext = i + 1 < args.length && args[i + 1].matches("local(\\[.*\\])?|yarn|(spark|k8s|mesos)://.*");
                switch (a) {
                    case "--spark" -> master = masterNext ? args[++i] : null;
                    case "--data" -> data = value(args, ++i, a);
                    case "--test" -> test = value(args, ++i, a);
                    case "--model" -> model = value(args, ++i, a);
                    case "--epochs" -> epochs = positive(args, ++i, a);
                    case "--batch" -> batch = positive(args, ++i, a);
                    case "--seed" -> seed = number(args, ++i, a);
                    case "--train-limit" -> trainLimit = positive(args, ++i, a);
                    case "--test-limit" -> testLimit = positive(args, ++i, a);
                    case "--checkpoint" -> checkpoint = Path.of(value(args, ++i, a));
                    case "--resume" -> resume = Path.of(value(args, ++i, a));
                    case "--strategy" -> strategy = choice(SparkTrainer.Strategy.class, value(args, ++i, a), a);
                    case "--local-steps" -> localSteps = positive(args, ++i, a);
                    case "--shard-rows" -> shardRows = positive(args, ++i, a);
                    case "--reduce" -> reduce = choice(SparkTrainer.Reduce.class, value(args, ++i, a), a);
                    case "--target" -> target = columns(value(args, ++i, a), a);
                    case "--inputs" -> inputs = columns(value(args, ++i, a), a);
                    case "--format" -> format = choice(Format.class, value(args, ++i, a), a).name();
                    case "--tokens" -> tokens = choice(Vocabulary.Tokens.class, value(args, ++i, a), a);
                    case "--threads", "--chart", "--progress", "--force", "--train-images", "--train-labels", "--test-images",
                         "--test-labels" -> throw new UserError(a + " is an option of rnnc train that training on Spark does not take"
                            + (a.equals("--threads") ? " (Spark decides the cores: --spark local[N])" : "") + "; see rnnc-spark help");
                    default -> {
                        if (a.startsWith("--") || spec != null) {
                            throw new UserError("unknown option or extra argument '" + a + "' (see rnnc-spark help)");
                        }
                        spec = Path.of(a);
                    }
                }
            }
            if (spec == null) {
                throw new UserError("no spec: rnnc-spark train SPEC --data PATH");
            }
            if (!Files.isRegularFile(spec)) {
                throw new UserError(spec + ": no such file");
            }
            if (data == null) {
                throw new UserError("no training data: give --data PATH (an MNIST directory, CSV, Parquet or text)");
            }
            return new Command(spec, data, test, master, model, epochs, batch, seed, trainLimit, testLimit, checkpoint, resume,
                    strategy, localSteps, shardRows, reduce, target, inputs, format, tokens);
        }

        private static List<String> columns(String v, String option) {
            List<String> names = new ArrayList<>();
            for (String n : v.split(",", -1)) {
                if (n.strip().isEmpty()) {
                    throw new UserError(option + " " + v + ": an empty column name");
                }
                names.add(n.strip());
            }
            return List.copyOf(names);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new UserError(option + " needs a value");
            }
            return args[i];
        }

        private static long number(String[] args, int i, String option) {
            String v = value(args, i, option);
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new UserError(option + " " + v + ": not an integer");
            }
        }

        private static int positive(String[] args, int i, String option) {
            long v = number(args, i, option);
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new UserError(option + " " + v + ": must be a positive integer");
            }
            return (int) v;
        }

        private static <E extends Enum<E>> E choice(Class<E> kind, String v, String option) {
            try {
                return Enum.valueOf(kind, v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                List<String> names = new ArrayList<>();
                for (E c : kind.getEnumConstants()) {
                    names.add(c.name().toLowerCase(Locale.ROOT));
                }
                throw new UserError(option + " " + v + ": one of " + String.join(", ", names));
            }
        }

        int train(PrintStream out) {
            ModelBlueprint blueprint = ModelBlueprint.compile(spec, model);
            ChunkedModel net = blueprint.newModel();
            int batchSize = batch != null ? batch : net.info().maxBatch();
            long runSeed = seed != null ? seed : net.settings().seed();
            Checkpoint.Position from = null;
            if (resume != null) {
                SafeTensors.Contents contents = SafeTensors.read(resume);
                from = Checkpoint.check(resume.toString(), contents, net, Checkpoint.Match.MODEL).position()
                        .orElseThrow(() -> Trainer.parametersOnly(resume));
                if ((batch != null && batch != from.batchSize()) || (seed != null && seed != from.seed())) {
                    throw new UserError("--resume " + resume + ": the run was saved with batch " + from.batchSize() + " and seed "
                            + from.seed() + "; a resumed run keeps them (leave out --batch and --seed)");
                }
                batchSize = from.batchSize();
                runSeed = from.seed();
            }
            if (batchSize > net.info().maxBatch()) {
                throw new UserError("--batch " + batchSize + " is larger than model " + net.info().name() + " is sized for ("
                        + net.info().maxBatch() + ")");
            }
            net.initialize(runSeed);
            Path ckpt = checkpoint != null ? checkpoint : Path.of("rnnc-out", net.info().name() + ".safetensors");
            try {
                if (ckpt.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(ckpt.toAbsolutePath().getParent());
                }
            } catch (java.io.IOException e) {
                throw new UserError("--checkpoint " + ckpt + ": cannot create its directory (" + e.getMessage() + ")");
            }
            JavaSparkContext sc = sparkContext(master, "rnnc " + net.info().name());
            try {
                JavaPairRDD<Long, Sample> train;
                int trainSize;
                Dataset validation;
                Map<String, String> checkpointData = Map.of();
                Path dir = Path.of(data);
                if (!data.contains("://") && Files.isDirectory(dir) && Files.exists(dir.resolve("train-labels-idx1-ubyte.gz"))
                        || !data.contains("://") && Files.isDirectory(dir) && Files.exists(dir.resolve("train-labels-idx1-ubyte"))) {
                    Dataset t = Mnist.loadDirectory(dir, true);
                    if (trainLimit != null) {
                        t = Datasets.head(t, Math.min(trainLimit, t.size()));
                    }
                    trainSize = t.size();
                    // Cached: the driver's copy travels to the executors once, not once per epoch
                    train = SparkData.fromDataset(sc, t, net.info(), sc.defaultParallelism()).cache();
                    validation = test != null ? SparkData.csvOnDriver(sc, test, net.info()) : Mnist.loadDirectory(dir, false);
                } else if (Format.TEXT.name().equals(format) || format == null && data.endsWith(".txt")) {
                    SparkData.Text text = SparkData.text(sc, data, net.info(), tokens, null, net.info().inputSteps());
                    Dataset t = text.windows();
                    if (trainLimit != null) {
                        t = Datasets.head(t, Math.min(trainLimit, t.size()));
                    }
                    trainSize = t.size();
                    train = SparkData.fromDataset(sc, t, net.info(), sc.defaultParallelism()).cache();
                    validation = test == null ? null
                            : SparkData.text(sc, test, net.info(), tokens, text.vocabulary(), net.info().inputSteps()).windows();
                    checkpointData = text.checkpointData();
                } else if (Format.PARQUET.name().equals(format) || format == null && SparkData.isParquet(data)) {
                    train = SparkData.parquet(sc, data, net.info(), target, inputs);
                    if (trainLimit != null) {
                        int limit = trainLimit;
                        train = train.filter(t -> t._1 < limit);
                    }
                    train = train.cache();
                    trainSize = (int) train.count();
                    validation = test == null ? null : SparkData.isParquet(test) ? SparkData.parquetOnDriver(sc, test, net.info(), target, inputs)
                            : SparkData.csvOnDriver(sc, test, net.info());
                } else {
                    if (!target.isEmpty() || !inputs.isEmpty()) {
                        throw new UserError("--target and --inputs choose Parquet columns; " + data + " is read as CSV (targets first)");
                    }
                    train = SparkData.csv(sc, data, net.info());
                    if (trainLimit != null) {
                        int limit = trainLimit;
                        train = train.filter(t -> t._1 < limit);
                    }
                    train = train.cache();
                    trainSize = (int) train.count();
                    validation = test != null ? SparkData.csvOnDriver(sc, test, net.info()) : null;
                }
                if (validation != null && testLimit != null) {
                    validation = Datasets.head(validation, Math.min(testLimit, validation.size()));
                }
                SparkTrainer.Options options = new SparkTrainer.Options(new Trainer.Options(epochs, batchSize, runSeed, ckpt, checkpointData),
                        shardRows, strategy, localSteps, reduce);
                SparkTrainer trainer = new SparkTrainer(sc, blueprint, net, train, trainSize, validation, options, new Lines(out));
                out.printf("training %s on Spark %s (%s, %d partitions' worth of cores): %d samples, batch %d, seed %d, %s%n",
                        net.info().name(), sc.master(), sc.version(), sc.defaultParallelism(), trainSize, batchSize, runSeed,
                        strategy == SparkTrainer.Strategy.SYNC ? "synchronous (bit-identical to one machine)"
                                : "parameter averaging every " + localSteps + " steps");
                Trainer.Result r = resume != null ? trainer.resume(resume) : trainer.run();
                if (!r.completed()) {
                    return 1;
                }
                if (r.last() != null && !Double.isNaN(r.last().validationAccuracy())) {
                    out.printf("test accuracy: %.1f%%%n", 100 * r.last().validationAccuracy());
                }
                return 0;
            } finally {
                sc.stop();
            }
        }
    }

    /** How {@code --data} is read. */
    private enum Format { CSV, PARQUET, TEXT }

    /** Progress as lines: one every tenth of an epoch, and one per epoch. */
    private static final class Lines implements TrainingListener {
        private final PrintStream out;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void step(Step s) {
            int every = Math.max(1, s.stepsPerEpoch() / 10);
            if (s.step() % every == 0 || s.step() == s.stepsPerEpoch()) {
                out.printf("epoch %d/%d step %d/%d loss %.4f %.0f samples/s%n", s.epoch(), s.epochs(), s.step(), s.stepsPerEpoch(),
                        s.loss(), s.samplesPerSecond());
            }
        }

        @Override
        public void epochEnded(EpochEnd e) {
            out.printf("epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %.1f%%, %.1f s, checkpoint %s%n", e.epoch(),
                    e.epochs(), e.trainLoss(), e.validationLoss(), 100 * e.validationAccuracy(), e.seconds(), e.checkpoint());
        }

        @Override
        public void stopped(Stopped s) {
            out.printf("stopped at epoch %d step %d: %s; last good checkpoint %s%n", s.epoch(), s.step(), s.reason(), s.lastCheckpoint());
        }
    }
}
