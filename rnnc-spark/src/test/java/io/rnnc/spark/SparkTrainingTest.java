package io.rnnc.spark;

import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.rnnc.runtime.io.SafeTensors;

import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on Spark (local[2]) against the plain {@link Trainer} on one machine: synchronous runs must write the
 * same checkpoint, byte for byte.
 */
class SparkTrainingTest {

    static final Path MNIST_SPEC = Path.of("../samples/mnist/mnist_rnn.rnn");
    static final Path LSTM96_SPEC = Path.of("src/test/resources/mnist_lstm96.rnn");

    static JavaSparkContext sc;
    static Dataset mnistTrain;
    static Dataset mnistTest;
    static ModelBlueprint mnistRnn;
    static ModelBlueprint lstm96;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sc = SparkMain.sparkContext("local[2]", "rnnc-spark-test");
        Dataset train = Mnist.loadDirectory(Path.of("../samples/mnist/data"), true);
        mnistTrain = Datasets.head(train, 256);
        mnistTest = Datasets.head(Mnist.loadDirectory(Path.of("../samples/mnist/data"), false), 100);
        mnistRnn = ModelBlueprint.compile(MNIST_SPEC, null);
        lstm96 = ModelBlueprint.compile(LSTM96_SPEC, null);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** The plain trainer's checkpoint (2 threads, as the machine's cores). */
    private byte[] plain(ModelBlueprint bp, Dataset train, Trainer.Options o) throws Exception {
        ChunkedModel m = bp.newModel();
        m.initialize(o.seed());
        m.setThreads(2);
        assertTrue(new Trainer(m, train, mnistTest, o, null).run().completed());
        return Files.readAllBytes(o.checkpoint());
    }

    private byte[] spark(ModelBlueprint bp, JavaPairRDD<Long, Sample> rdd, int size, SparkTrainer.Options o) throws Exception {
        ChunkedModel m = bp.newModel();
        m.initialize(o.run().seed());
        assertTrue(new SparkTrainer(sc, bp, m, rdd, size, mnistTest, o, null).run().completed());
        return Files.readAllBytes(o.run().checkpoint());
    }

    /**
     * The same training: every tensor (parameters and optimizer state) the same bits, the same position (epoch, step,
     * seed, batch) and model identity, and the same value for every training-loop extra both trainers record (the
     * plain trainer also keeps bookkeeping of its own, such as the loss history and plateau state, which the Spark
     * trainer does not write).
     */
    static void assertSameTraining(byte[] expected, byte[] actual, String what) {
        SafeTensors.Contents e = SafeTensors.parse("expected", expected);
        SafeTensors.Contents a = SafeTensors.parse("actual", actual);
        assertEquals(e.tensors().keySet(), a.tensors().keySet(), what);
        for (String name : e.tensors().keySet()) {
            assertArrayEquals(e.get(name).shape(), a.get(name).shape(), what + " " + name);
            assertArrayEquals(e.get(name).values(), a.get(name).values(), what + " " + name);
        }
        Map<String, String> em = new TreeMap<>(e.metadata());
        Map<String, String> am = new TreeMap<>(a.metadata());
        em.keySet().removeIf(k -> k.startsWith("rnnc.extra.") && !am.containsKey(k));
        am.keySet().removeIf(k -> k.startsWith("rnnc.extra.") && !em.containsKey(k));
        assertEquals(em, am, what + " metadata");
        assertTrue(em.containsKey("rnnc.step"), "the position is compared");
        assertArrayEquals(expected, actual, what + " checkpoint bytes");
    }

    private JavaPairRDD<Long, Sample> rdd(ModelBlueprint bp, Dataset data) {
        return SparkData.fromDataset(sc, data, bp.newModel().info(), 3);
    }

    @Test
    void synchronousTrainingWritesThePlainTrainersCheckpoint() throws Exception {
        byte[] expected = plain(mnistRnn, mnistTrain, new Trainer.Options(2, 64, 7, dir.resolve("plain.safetensors")));
        byte[] actual = spark(mnistRnn, rdd(mnistRnn, mnistTrain), 256,
                SparkTrainer.Options.sync(new Trainer.Options(2, 64, 7, dir.resolve("spark.safetensors"))));
        assertSameTraining(expected, actual, "");
    }

    @Test
    void unevenShardsAndAShortLastStepAreStillBitIdenticalWithEitherReduction() throws Exception {
        Dataset train = Datasets.head(mnistTrain, 200);
        byte[] expected = plain(lstm96, train, new Trainer.Options(2, 96, 3, dir.resolve("plain.safetensors")));
        int chunk = lstm96.newModel().settings().chunkRows();
        assertEquals(3, (96 + chunk - 1) / chunk, "the test spec should make three chunks of a full batch");
        for (SparkTrainer.Reduce reduce : SparkTrainer.Reduce.values()) {
            Path out = dir.resolve(reduce + ".safetensors");
            byte[] actual = spark(lstm96, rdd(lstm96, train), 200, new SparkTrainer.Options(
                    new Trainer.Options(2, 96, 3, out), 2 * chunk, SparkTrainer.Strategy.SYNC, 1, reduce));
            assertSameTraining(expected, actual, reduce.toString());
        }
    }

    @Test
    void aResumedRunEndsWhereTheUninterruptedOneDoes() throws Exception {
        Path whole = dir.resolve("whole.safetensors");
        Path split = dir.resolve("split.safetensors");
        JavaPairRDD<Long, Sample> data = rdd(mnistRnn, mnistTrain);
        byte[] expected = spark(mnistRnn, data, 256, SparkTrainer.Options.sync(new Trainer.Options(2, 64, 11, whole)));
        spark(mnistRnn, data, 256, SparkTrainer.Options.sync(new Trainer.Options(1, 64, 11, split)));
        ChunkedModel m = mnistRnn.newModel();
        SparkTrainer resumed = new SparkTrainer(sc, mnistRnn, m, data, 256, mnistTest,
                SparkTrainer.Options.sync(new Trainer.Options(2, 64, 11, split)), null);
        assertEquals(1, resumed.resume(split).epochs().size());
        assertSameTraining(expected, Files.readAllBytes(split), "resumed");
    }

    @Test
    void csvReadThroughSparkTrainsAsTheSameDataOnOneMachine() throws Exception {
        ChunkedModel probe = mnistRnn.newModel();
        Path csv = dir.resolve("mnist.csv");
        SparkData.writeCsv(mnistTrain, probe.info(), csv);
        byte[] expected = plain(mnistRnn, mnistTrain, new Trainer.Options(1, 64, 5, dir.resolve("plain.safetensors")));
        byte[] actual = spark(mnistRnn, SparkData.csv(sc, csv.toString(), probe.info()), 256,
                SparkTrainer.Options.sync(new Trainer.Options(1, 64, 5, dir.resolve("csv.safetensors"))));
        assertSameTraining(expected, actual, "");
    }

    @Test
    void averagingOverOneShardIsPlainTrainingAndOverTwoShardsLearns() throws Exception {
        byte[] expected = plain(mnistRnn, mnistTrain, new Trainer.Options(1, 64, 9, dir.resolve("plain.safetensors")));
        byte[] oneShard = spark(mnistRnn, rdd(mnistRnn, mnistTrain), 256, new SparkTrainer.Options(
                new Trainer.Options(1, 64, 9, dir.resolve("one.safetensors")), 64, SparkTrainer.Strategy.AVERAGE, 2,
                SparkTrainer.Reduce.TREE));
        assertSameTraining(expected, oneShard, "the average of one partition is its own training");

        ChunkedModel m = mnistRnn.newModel();
        m.initialize(9);
        double before = io.rnnc.runtime.train.Evaluation.of(m, mnistTest).loss();
        Trainer.Result r = new SparkTrainer(sc, mnistRnn, m, rdd(mnistRnn, mnistTrain), 256, mnistTest, new SparkTrainer.Options(
                new Trainer.Options(3, 64, 9, null), 32, SparkTrainer.Strategy.AVERAGE, 2, SparkTrainer.Reduce.TREE), null).run();
        assertTrue(r.completed());
        assertTrue(r.last().validationLoss() < before, r.last().validationLoss() + " after, " + before + " before");
    }

    /**
     * tiny_dropout.rnn draws its masks from the optimizer step and the global row: an executor's instance is given the
     * driver's step count and its chunks' global rows, so dropout trains bit-identically too (a task that kept step 0,
     * or numbered rows from its shard, would draw other masks after the first step and fail here).
     */
    @Test
    void encoderDecoderFloat64RegressionAndDropoutAreBitIdenticalToo() throws Exception {
        for (String spec : new String[] {"tiny_seq2seq.rnn", "tiny_series.rnn", "tiny_dropout.rnn"}) {
            ModelBlueprint bp = ModelBlueprint.compile(Path.of("src/test/resources", spec), null);
            ChunkedModel probe = bp.newModel();
            Dataset train = new RandomSamples(probe.info(), 150, 17);
            Dataset test = new RandomSamples(probe.info(), 40, 18);
            Trainer.Options plain = new Trainer.Options(2, 64, 4, dir.resolve(spec + ".plain.safetensors"));
            ChunkedModel a = bp.newModel();
            a.initialize(4);
            a.setThreads(2);
            assertTrue(new Trainer(a, train, test, plain, null).run().completed());
            Trainer.Options spark = new Trainer.Options(2, 64, 4, dir.resolve(spec + ".spark.safetensors"));
            ChunkedModel b = bp.newModel();
            b.initialize(4);
            assertTrue(new SparkTrainer(sc, bp, b, SparkData.fromDataset(sc, train, probe.info(), 2), 150, test,
                    SparkTrainer.Options.sync(spark), null).run().completed());
            assertSameTraining(Files.readAllBytes(plain.checkpoint()), Files.readAllBytes(spark.checkpoint()), spec);
        }
    }

    /**
     * Per-sample lengths: a chunk's masked mean divides by the whole step's valid positions, which the driver sums
     * for each step and sends with the step; a many_to_one model (input lengths, with dropout) and an
     * encoder-decoder (source and target lengths) train bit-identically on local[2].
     */
    @Test
    void samplesWithTheirOwnLengthsAreBitIdenticalToo() throws Exception {
        for (String spec : new String[] {"tiny_dropout.rnn", "tiny_seq2seq.rnn"}) {
            ModelBlueprint bp = ModelBlueprint.compile(Path.of("src/test/resources", spec), null);
            ChunkedModel probe = bp.newModel();
            int maxTarget = probe.info().mode().equals("seq2seq") ? io.rnnc.runtime.Batch.maxTargetLengthOf(probe.info()) : 0;
            Dataset train = new WithLengths(new RandomSamples(probe.info(), 150, 27), io.rnnc.runtime.Batch.maxLengthOf(probe.info()), maxTarget);
            Dataset test = new WithLengths(new RandomSamples(probe.info(), 40, 28), io.rnnc.runtime.Batch.maxLengthOf(probe.info()), maxTarget);
            Trainer.Options plain = new Trainer.Options(2, 64, 4, dir.resolve(spec + ".plain.safetensors"));
            ChunkedModel a = bp.newModel();
            a.initialize(4);
            a.setThreads(2);
            assertTrue(new Trainer(a, train, test, plain, null).run().completed());
            Trainer.Options spark = new Trainer.Options(2, 64, 4, dir.resolve(spec + ".spark.safetensors"));
            ChunkedModel b = bp.newModel();
            b.initialize(4);
            assertTrue(new SparkTrainer(sc, bp, b, SparkData.fromDataset(sc, train, probe.info(), 2), 150, test,
                    SparkTrainer.Options.sync(spark), null).run().completed());
            assertSameTraining(Files.readAllBytes(plain.checkpoint()), Files.readAllBytes(spark.checkpoint()), spec);
        }
    }

    @Test
    void aStatefulModelIsRefusedClearly() {
        UserError e = assertThrows(UserError.class, () -> ModelBlueprint.compile(Path.of("src/test/resources/tiny_stateful.rnn"), null));
        assertTrue(e.getMessage().contains("model TinyStateful is stateful (sequence 8 many_to_many stateful)"), e.getMessage());
        assertTrue(e.getMessage().contains("train it with 'rnnc train'"), e.getMessage());
    }

    @Test
    void shardsThatSplitAChunkAreRefused() {
        ChunkedModel m = mnistRnn.newModel();
        UserError e = assertThrows(UserError.class, () -> new SparkTrainer(sc, mnistRnn, m, rdd(mnistRnn, mnistTrain), 256, null,
                new SparkTrainer.Options(new Trainer.Options(1, 64, 1, null), 48, SparkTrainer.Strategy.SYNC, 1,
                        SparkTrainer.Reduce.TREE), null));
        assertTrue(e.getMessage().contains("multiple of the model's chunk of 32 rows"), e.getMessage());
    }
}
