package io.rnnc.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the JMH harness from rotting without measuring anything: every {@code @Benchmark} method of
 * {@link ModelBenchmark} runs a few times on every model, with its {@code @Setup} done by hand, and
 * the batch-256 specs must stay the samples' specs but for name and batch; and JMH itself runs one
 * short iteration of each method in this JVM (its generated harness and the parameters are wired).
 */
class ModelBenchmarkTest {

    private final ModelBenchmark bench = new ModelBenchmark();

    @ParameterizedTest
    @ValueSource(strings = {"rnn", "lstm", "gru"})
    void trainingStepsTakeFreshBatchesInTurn(String model) {
        for (int batch : new int[] {64, 256}) {
            var s = new ModelBenchmark.TrainState();
            s.model = model;
            s.threads = 1;
            s.batch = batch;
            s.setUp();
            assertEquals(ModelBenchmark.FRESH_BATCHES, s.batches.length);
            assertSame(s.batches[0], s.data);
            for (int i = 0; i < s.batches.length; i++) {
                assertEquals(batch, s.batches[i].size());
                for (int j = 0; j < i; j++) {
                    assertFalse(Arrays.equals(s.batches[i].features, s.batches[j].features), i + " equals " + j);
                }
            }
            assertEquals(batch > 64 ? 256 : 64, s.net.info().maxBatch(), "the class sized for the row");
            // a few steps only: the test runs the code cold, and batch 256 is 4x the work
            int steps = batch > 64 ? 3 : 5;
            for (int i = 0; i < steps; i++) {
                double loss = bench.train(s);
                // random labels on a batch not seen before: the loss stays near ln(10) = 2.30 (no memorising)
                assertTrue(Math.abs(loss - Math.log(10)) < 0.3, model + " batch " + batch + " step " + i + ": " + loss);
            }
            assertSame(s.batches[steps], s.nextBatch(), "train takes the batches in turn");
            for (int i = steps + 1; i < s.batches.length; i++) {
                s.nextBatch();
            }
            assertSame(s.batches[0], s.nextBatch(), "after the last batch, the first again");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn", "lstm", "gru"})
    void inferenceReturnsProbabilities(String model) {
        var latency = new ModelBenchmark.LatencyState();
        latency.model = model;
        latency.threads = 1;
        latency.setUp();
        var throughput = new ModelBenchmark.ThroughputState();
        throughput.model = model;
        throughput.threads = 2;
        throughput.setUp();
        for (int i = 0; i < 3; i++) {
            assertProbabilities(bench.inferLatency(latency), 1);
            assertProbabilities(bench.inferThroughput(throughput), 256);
        }
    }

    private static void assertProbabilities(double[] out, int samples) {
        assertEquals(samples * 10, out.length);
        for (int s = 0; s < samples; s++) {
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                double p = out[s * 10 + k];
                assertTrue(p > 0 && p < 1, "probability " + p);
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5, "sample " + s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn", "lstm", "gru"})
    void batch256SpecsDifferFromTheSamplesOnlyInNameAndBatch(String model) throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> sample = Files.readAllLines(root.resolve("samples/mnist/mnist_" + model + ".rnn"));
        List<String> copy = Files.readAllLines(root.resolve("benchmarks/src/main/rnn/mnist_" + model + "_b256.rnn"));
        String name = sample.stream().filter(l -> l.startsWith("model ")).findFirst().orElseThrow().split(" ")[1];
        List<String> expected = sample.stream()
                .map(l -> l.equals("model " + name + " {") ? "model " + name + "B256 {" : l)
                .map(l -> l.equals("    batch 64") ? "    batch 256" : l)
                .collect(Collectors.toList());
        // the copy's own header comment (lines starting with '#' before the sample's text) may differ
        List<String> body = copy.subList(copy.size() - expected.size(), copy.size());
        assertEquals(expected, body, "benchmarks/src/main/rnn/mnist_" + model + "_b256.rnn drifted from the sample");
        assertTrue(copy.subList(0, copy.size() - expected.size()).stream().allMatch(l -> l.startsWith("#")));
        assertTrue(body.contains("    batch 256") && body.contains("model " + name + "B256 {"));
    }

    @Test
    void jmhRunsOneShortIterationOfEachMethod() throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(ModelBenchmark.class.getName() + "\\.(train|inferLatency|inferThroughput)$")
                .param("model", "rnn").param("threads", "1").param("batch", "64")
                .forks(0).threads(1)
                .warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true).build()).run();
        assertEquals(List.of("inferLatency", "inferThroughput", "train"), results.stream()
                .map(r -> r.getParams().getBenchmark().replaceAll(".*\\.", "")).sorted().toList());
        for (RunResult r : results) {
            assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
        }
    }
}
