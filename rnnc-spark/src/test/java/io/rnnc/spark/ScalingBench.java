package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.Trainer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of docs/scaling.md (not a test): per-step wall time of a synchronous Spark step against the
 * slowest task's compute and against the plain model on 1 and 2 threads, for the seed model and a 512-unit
 * LSTM at batch 64, 256 and 1024. Run by hand: {@code java <flags> -cp <test class path> io.rnnc.spark.ScalingBench}.
 */
public final class ScalingBench {

    private static final String SEED = """
            package io.rnnc.bench
            model SeedB%d {
                input 28
                sequence 28 many_to_one
                rnn 100 tanh
                rnn 100
                dense 10 softmax
                loss cross_entropy
                optimizer adam lr=0.001
                batch %d
            }
            """;
    private static final String LSTM = """
            package io.rnnc.bench
            model Lstm512B%d {
                input 28
                sequence 28 many_to_one
                lstm 512
                dense 10 softmax
                loss cross_entropy
                optimizer adam lr=0.001
                batch %d
            }
            """;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("rnnc-scaling");
        Dataset mnist = Datasets.head(Mnist.loadDirectory(Path.of(args.length > 0 ? args[0] : "samples/mnist/data"), true), 4096);
        int[] batches = {64, 256, 1024};
        Map<String, ModelBlueprint> blueprints = new LinkedHashMap<>();
        for (int b : batches) {
            blueprints.put("seed/" + b, compile(dir, "seed" + b, SEED.formatted(b, b)));
            blueprints.put("lstm512/" + b, compile(dir, "lstm" + b, LSTM.formatted(b, b)));
        }
        System.out.println("| model | batch | plain 1 thread | plain 2 threads | local[1] step | its task | local[2] tree step | its slowest task | local[2] barrier step | local[2] average k=4, per step |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        Map<String, double[]> local1 = new LinkedHashMap<>();
        JavaSparkContext sc = SparkMain.sparkContext("local[1]", "scaling-1");
        try {
            for (var e : blueprints.entrySet()) {
                int b = Integer.parseInt(e.getKey().split("/")[1]);
                local1.put(e.getKey(), spark(sc, e.getValue(), mnist, b, SparkTrainer.Strategy.SYNC, SparkTrainer.Reduce.TREE, warm(e.getKey(), b), measured(e.getKey(), b)));
            }
        } finally {
            sc.stop();
        }
        sc = SparkMain.sparkContext("local[2]", "scaling-2");
        try {
            for (var e : blueprints.entrySet()) {
                String key = e.getKey();
                int b = Integer.parseInt(key.split("/")[1]);
                int w = warm(key, b);
                int m = measured(key, b);
                double p1 = plain(e.getValue(), mnist, b, 1, w, m);
                double p2 = plain(e.getValue(), mnist, b, 2, w, m);
                double[] tree = spark(sc, e.getValue(), mnist, b, SparkTrainer.Strategy.SYNC, SparkTrainer.Reduce.TREE, w, m);
                double[] barrier = spark(sc, e.getValue(), mnist, b, SparkTrainer.Strategy.SYNC, SparkTrainer.Reduce.BARRIER, w, m);
                double[] average = 4L * (1 + Math.max(1, m / 4)) * b <= mnist.size()
                        ? spark(sc, e.getValue(), mnist, b, SparkTrainer.Strategy.AVERAGE, SparkTrainer.Reduce.TREE, 1, Math.max(1, m / 4))
                        : new double[] {Double.NaN, Double.NaN};
                double[] l1 = local1.get(key);
                System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", key.split("/")[0], b, ms(p1), ms(p2),
                        ms(l1[0]), ms(l1[1]), ms(tree[0]), ms(tree[1]), ms(barrier[0]), ms(average[0] / 4));
            }
        } finally {
            sc.stop();
        }
    }

    private static int warm(String key, int b) {
        return key.startsWith("seed") ? (b == 1024 ? 2 : 4) : 1;
    }

    private static int measured(String key, int b) {
        return key.startsWith("seed") ? (b == 64 ? 16 : b == 256 ? 8 : 2) : (b == 1024 ? 2 : 3);
    }

    private static String ms(double seconds) {
        return Double.isNaN(seconds) ? "—" : String.format(Locale.ROOT, "%.1f ms", seconds * 1e3);
    }

    private static ModelBlueprint compile(Path dir, String name, String text) throws Exception {
        Path spec = dir.resolve(name + ".rnn");
        Files.writeString(spec, text);
        return ModelBlueprint.compile(spec, null);
    }

    /** Median wall time of a plain step (computeGradients + applyUpdate) on {@code threads} threads. */
    private static double plain(ModelBlueprint bp, Dataset data, int b, int threads, int warm, int measured) {
        ChunkedModel m = bp.newModel();
        m.setThreads(threads);
        Batches batches = new Batches(data, b, true, 1);
        Batch batch = Batch.forModel(m.info(), b);
        double[] t = new double[measured];
        for (int i = 0; i < warm + measured; i++) {
            batches.fill(i % batches.count(), batch);
            long start = System.nanoTime();
            m.computeGradients(batch);
            m.applyUpdate();
            if (i >= warm) {
                t[i - warm] = (System.nanoTime() - start) * 1e-9;
            }
        }
        return median(t);
    }

    /** Median step wall time and median slowest-task compute time on Spark. */
    private static double[] spark(JavaSparkContext sc, ModelBlueprint bp, Dataset data, int b, SparkTrainer.Strategy strategy,
                                  SparkTrainer.Reduce reduce, int warm, int measured) {
        ChunkedModel m = bp.newModel();
        JavaPairRDD<Long, Sample> rdd = SparkData.fromDataset(sc, data, m.info(), sc.defaultParallelism()).cache();
        rdd.count();
        SparkTrainer t = new SparkTrainer(sc, bp, m, rdd, data.size(), null,
                new SparkTrainer.Options(new Trainer.Options(1, b, 1, null), 0, strategy, 4, reduce), null);
        double[][] times = t.timeSteps(warm, measured);
        rdd.unpersist(false);
        return new double[] {median(times[0]), median(times[1])};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
