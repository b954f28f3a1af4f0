package io.rnnc.serve;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.state.RnnState;
import io.rnnc.runtime.state.StatefulModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A predictor's workers read one copy of the weights (worker 0's, the loaded model's), and concurrent callers on
 * them get, bit for bit, the answers of a lone instance of the generated class holding its own copy.
 */
class SharedWeightsTest {

    @TempDir
    Path dir;

    @Test
    void everyWorkerReadsOneParameterArray() {
        for (String spec : List.of("classifier.rnn", "language.rnn", "translator.rnn", "drawer.rnn")) {
            Predictor p = TestModels.predictor(spec, 3, 4);
            assertTrue(p.sharesWeights(), spec);
            float[] weights = ((FloatTensorStore) p.workerModel(0).parameters()).data;
            for (int i = 0; i < 4; i++) {
                RnnModel w = p.workerModel(i);
                assertSame(weights, ((FloatTensorStore) w.parameters()).data, spec + ": worker " + i + "'s parameters");
                assertTrue(((ChunkedModel) w).sharesWeights(), spec);
                // a worker has no training state and cannot change the weights
                assertThrows(IllegalStateException.class, w::gradients);
                assertThrows(IllegalStateException.class, () -> w.parameters().copyFrom(p.workerModel(0).parameters()));
            }
        }
    }

    /** A lone instance with its own copy of the predictor's weights. */
    private static RnnModel lone(String spec, long seed) {
        RnnModel m = TestModels.compiled(spec).factory().get();
        m.initialize(seed);
        m.setThreads(1);
        return m;
    }

    private static double[] forward(RnnModel m, double[] features, int width) {
        Batch b = Batch.forModel(m.info(), 1);
        b.setSize(1);
        System.arraycopy(features, 0, b.features, 0, features.length);
        b.setLength(0, features.length / width);
        m.forward(b);
        double[] out = new double[m.info().maxBatch() * m.info().logitsPerSample()];
        m.copyOutputs(out);
        return Arrays.copyOf(out, m.info().outputs());
    }

    /**
     * 8 threads call predictors of 3 workers sharing one copy of the weights: sequences of every length, sampled
     * generation, beam translation and stateful streams, interleaved; every answer equals the lone class's.
     */
    @Test
    void concurrentCallersOnSharedWeightsGetTheLoneModelsBits() throws Exception {
        Predictor classifier = TestModels.predictor("classifier.rnn", 11, 3);
        Predictor language = TestModels.predictor("language.rnn", 12, 3);
        Predictor translator = TestModels.predictor("translator.rnn", 13, 3);
        RnnModel loneClassifier = lone("classifier.rnn", 11);
        SequenceGenerator loneLanguage = (SequenceGenerator) lone("language.rnn", 12);
        SequenceGenerator loneTranslator = (SequenceGenerator) lone("translator.rnn", 13);
        int threads = 8;
        int requests = 150;
        // Every request and its lone answer, computed first on this thread
        List<List<Runnable>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom r = new SplittableRandom(100 + t);
            List<Runnable> mine = new ArrayList<>();
            StatefulModel stepper = (StatefulModel) loneClassifier;
            RnnState state = stepper.newState(1);
            double[][] observations = new double[requests][];
            double[][] stepAnswers = new double[requests][];
            for (int i = 0; i < requests; i++) {
                int kind = r.nextInt(4);
                if (kind == 0) {
                    double[] x = TestModels.features(r, 3 * (1 + r.nextInt(8)));
                    double[] expected = forward(loneClassifier, x, 3);
                    mine.add(() -> assertArrayEquals(expected, classifier.predict(x)));
                } else if (kind == 1) {
                    int[] prompt = TestModels.ids(r, 1 + r.nextInt(5), 12);
                    long seed = r.nextLong();
                    int[] out = new int[20];
                    int n = loneLanguage.generate(prompt, null, 0.9, new Rng(seed), -1, out);
                    int[] expected = Arrays.copyOf(out, n);
                    mine.add(() -> assertArrayEquals(expected, language.generate(prompt, 20, 0.9, seed, -1)));
                } else if (kind == 2) {
                    int[] source = TestModels.ids(r, 1 + r.nextInt(6), 12);
                    int[] out = new int[7];
                    int n = loneTranslator.beamSearch(source, null, 3, -1, out);
                    int[] expected = Arrays.copyOf(out, n);
                    mine.add(() -> assertArrayEquals(expected, translator.translate(source, 3, -1)));
                } else {
                    double[] obs = TestModels.features(r, 3);
                    double[] step = new double[16 * 4];
                    stepper.step(null, obs, 1, state, step);
                    observations[i] = obs;
                    stepAnswers[i] = Arrays.copyOf(step, 4);
                }
            }
            // this thread's stateful stream: its observations in order, between the other requests
            List<Runnable> withStream = new ArrayList<>();
            long[] stream = new long[1];
            withStream.add(() -> stream[0] = classifier.openStatefulStream());
            for (int i = 0, k = 0; i < requests; i++) {
                if (observations[i] != null) {
                    double[] obs = observations[i];
                    double[] expected = stepAnswers[i];
                    withStream.add(() -> assertArrayEquals(expected, classifier.forecast(stream[0], obs)));
                } else {
                    withStream.add(mine.get(k++));
                }
            }
            withStream.add(() -> classifier.closeStream(stream[0]));
            work.add(withStream);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<Runnable> w : work) {
                done.add(pool.submit(() -> w.forEach(Runnable::run)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(classifier.sharesWeights() && language.sharesWeights() && translator.sharesWeights());
        assertEquals(0, classifier.openStreams());
    }

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated(Runnable r) {
        long id = Thread.currentThread().getId();
        long before = MX.getThreadAllocatedBytes(id);
        r.run();
        return MX.getThreadAllocatedBytes(id) - before;
    }

    /**
     * What one more worker costs, before (a new instance with a copy of the weights, as the predictor made them) and
     * after (a model sharing the loaded one's weights for one row): bytes allocated making it, printed for the docs.
     * The assertion is structural: the new worker reads the loaded model's array.
     */
    @Test
    void memoryPerWorkerBeforeAndAfterSharing() throws Exception {
        Path lstm512 = dir.resolve("lstm512.rnn");
        Files.writeString(lstm512, """
                model MnistLstm512 {
                    input 28
                    sequence 28 many_to_one
                    lstm 512
                    dense 10 softmax
                    loss cross_entropy
                    optimizer adam lr=0.001
                    batch 64
                }
                """);
        for (Path spec : List.of(Path.of("../samples/mnist/mnist_rnn.rnn"), lstm512)) {
            CompiledModel c = CompiledModel.compile(spec, null);
            RnnModel loaded = c.factory().get();
            loaded.initialize(5);
            RnnModel[] made = new RnnModel[2];
            long copy = allocated(() -> {
                RnnModel m = c.factory().get();
                m.parameters().copyFrom(loaded.parameters());
                m.parametersChanged();
                made[0] = m;
            });
            long shared = allocated(() -> made[1] = ((ChunkedModel) loaded).sharingWeights(1));
            long parameterBytes = 4L * loaded.parameters().size();
            System.out.printf("MEMORY %s (%,d parameters, %,d bytes): one more worker allocates %,d bytes as a copy, "
                            + "%,d bytes sharing the weights (%.1fx less)%n", loaded.info().name(), loaded.parameters().size(),
                    parameterBytes, copy, shared, (double) copy / shared);
            assertFalse(made[0].parameters().sharesDataWith(loaded.parameters()));
            assertTrue(made[1].parameters().sharesDataWith(loaded.parameters()));
            double[] x = new double[28 * 28];
            Arrays.fill(x, 0.25);
            assertArrayEquals(forward(made[0], x, 28), forward(made[1], x, 28));
        }
    }
}
