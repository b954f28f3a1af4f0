package io.rnnc.serve;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 8 threads x 10,000 mixed requests (classification of sequences of every length, stream forecasts on window and stateful streams each
 * thread opened, sampled and greedy generation, beam translation, and bad requests) against shared predictors give
 * the same answers as the same requests on one thread, request by request: no state is lost or crossed.
 */
class LoadTest {

    static final int THREADS = 8;
    static final int REQUESTS = 10_000;
    static final int STREAMS_PER_THREAD = 3;

    /** The predictors every thread shares: fewer workers than threads, so that callers wait for instances. */
    record Service(Predictor classifier, Predictor language, Predictor translator) {
        static Service start(int workers) {
            return new Service(TestModels.predictor("classifier.rnn", 21, workers),
                    TestModels.predictor("language.rnn", 22, workers),
                    TestModels.predictor("translator.rnn", 23, workers));
        }
    }

    /** Runs thread {@code t}'s requests and returns one fingerprint per request (the answer's bits, hashed). */
    static long[] run(Service s, int t) {
        SplittableRandom r = new SplittableRandom(1000 + t);
        long[] streams = new long[STREAMS_PER_THREAD];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = i % 2 == 0 ? s.classifier().openStream() : s.classifier().openStatefulStream();
        }
        long[] answers = new long[REQUESTS];
        double[] out = new double[4];
        for (int q = 0; q < REQUESTS; q++) {
            int kind = r.nextInt(100);
            long a;
            if (kind < 45) {
                a = hash(s.classifier().predict(TestModels.features(r, 3 * (1 + r.nextInt(8)))));
            } else if (kind < 80) {
                int k = r.nextInt(STREAMS_PER_THREAD);
                int n = s.classifier().forecastInto(streams[k], TestModels.features(r, 3), out);
                a = hash(out) * 31 + n;
                if (r.nextInt(200) == 0) {
                    // a stream ends and another starts in its place
                    s.classifier().closeStream(streams[k]);
                    streams[k] = k % 2 == 0 ? s.classifier().openStream() : s.classifier().openStatefulStream();
                }
            } else if (kind < 90) {
                int[] prompt = TestModels.ids(r, 1 + r.nextInt(4), 12);
                double temperature = r.nextBoolean() ? 0 : 0.9;
                a = Arrays.hashCode(s.language().generate(prompt, 1 + r.nextInt(12), temperature, r.nextLong(), -1));
            } else if (kind < 96) {
                a = Arrays.hashCode(s.translator().translate(TestModels.ids(r, 1 + r.nextInt(6), 12), 1 + r.nextInt(3), 2));
            } else {
                // bad requests: refused, and nothing else changes
                try {
                    switch (r.nextInt(4)) {
                        case 0 -> s.classifier().predict(new double[] {1, Double.NaN, 3});
                        case 1 -> s.classifier().forecast(streams[0] ^ (1L << 40), new double[3]);
                        case 2 -> s.language().predict(new int[] {1, 99});
                        default -> s.classifier().predict(new double[3 * 9]);
                    }
                    a = 1;
                } catch (BadRequest e) {
                    // stream ids differ from run to run (one counter for all threads)
                    a = e.getMessage().replaceAll("id -?[0-9]+", "id N").hashCode();
                }
            }
            answers[q] = a;
        }
        for (long id : streams) {
            s.classifier().closeStream(id);
        }
        return answers;
    }

    static long hash(double[] v) {
        long h = 1;
        for (double x : v) {
            h = 31 * h + Double.doubleToLongBits(x);
        }
        return h;
    }

    @Test
    void eightThreadsGiveTheAnswersOfOne() throws Exception {
        Service alone = Service.start(1);
        long[][] expected = new long[THREADS][];
        for (int t = 0; t < THREADS; t++) {
            expected[t] = run(alone, t);
        }
        assertEquals(0, alone.classifier().openStreams());

        Service shared = Service.start(3);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    return run(shared, thread);
                }));
            }
            for (int t = 0; t < THREADS; t++) {
                assertArrayEquals(expected[t], futures.get(t).get(), "thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, shared.classifier().openStreams(), "every stream closed");
    }
}
