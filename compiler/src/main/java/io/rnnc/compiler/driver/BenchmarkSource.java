package io.rnnc.compiler.driver;

import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.model.Model;

/**
 * A JMH benchmark for one model, as tfcompile emits a {@code _benchmark} target: a training step and
 * inference at the spec's batch, on random data of the right shape.
 */
public final class BenchmarkSource {

    private BenchmarkSource() {
    }

    /** The benchmark class {@code <Name>Benchmark}, in the model's package. */
    public static GeneratedSource of(Model model) {
        String pkg = model.packageName();
        String name = model.name() + "Benchmark";
        Flops flops = Flops.of(model);
        String text = (pkg.isEmpty() ? "" : "package " + pkg + ";\n\n")
                + """
                import io.rnnc.runtime.Batch;
                import io.rnnc.runtime.ModelInfo;
                import java.util.SplittableRandom;
                import java.util.concurrent.TimeUnit;
                import org.openjdk.jmh.annotations.Benchmark;
                import org.openjdk.jmh.annotations.BenchmarkMode;
                import org.openjdk.jmh.annotations.Fork;
                import org.openjdk.jmh.annotations.Level;
                import org.openjdk.jmh.annotations.Measurement;
                import org.openjdk.jmh.annotations.Mode;
                import org.openjdk.jmh.annotations.OutputTimeUnit;
                import org.openjdk.jmh.annotations.Param;
                import org.openjdk.jmh.annotations.Scope;
                import org.openjdk.jmh.annotations.Setup;
                import org.openjdk.jmh.annotations.State;
                import org.openjdk.jmh.annotations.Warmup;

                /**
                 * JMH benchmark of {@link %1$s}, written by {@code rnnc compile --benchmark} (or the Maven
                 * plugin's {@code benchmark} parameter). Scores are operations (batches) per second;
                 * samples/s = score × %2$d; matmul FLOPs per sample: %3$d forward, %4$d per training step
                 * (GFLOP/s = samples/s × FLOPs / 1e9). Compare thread counts with {@code -p threads=1,2}.
                 */
                @State(Scope.Thread)
                @BenchmarkMode(Mode.Throughput)
                @OutputTimeUnit(TimeUnit.SECONDS)
                @Warmup(iterations = 3, time = 2)
                @Measurement(iterations = 5, time = 2)
                @Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
                public class %5$s {

                    /** Samples per batch. */
                    public static final int BATCH = %2$d;

                    /** Passed to {@code setThreads}: the threads the model may use. */
                    @Param({"1"})
                    public int threads;

                    private %1$s model;
                    private Batch batch;

                    @Setup(Level.Trial)
                    public void setUp() {
                        model = new %1$s();
                        model.initialize(0);
                        model.setThreads(threads);
                        ModelInfo info = model.info();
                        batch = Batch.forModel(info, BATCH);
                        SplittableRandom random = new SplittableRandom(1);
                        if (batch.features != null) {
                            for (int i = 0; i < batch.features.length; i++) {
                                batch.features[i] = random.nextDouble();
                            }
                        }
                        if (batch.tokens != null) {
                            for (int i = 0; i < batch.tokens.length; i++) {
                                batch.tokens[i] = random.nextInt(info.vocab());
                            }
                        }
                        if (batch.classes != null) {
                            for (int i = 0; i < batch.classes.length; i++) {
                                batch.classes[i] = random.nextInt(info.outputs());
                            }
                        }
                        if (batch.targets != null) {
                            for (int i = 0; i < batch.targets.length; i++) {
                                batch.targets[i] = random.nextDouble();
                            }
                        }
                    }

                    @Benchmark
                    public double train() {
                        return model.trainStep(batch);
                    }

                    @Benchmark
                    public void infer() {
                        model.forward(batch);
                    }
                }
                """.formatted(model.name(), model.batch(), flops.forward(), flops.train(), name);
        return new GeneratedSource(pkg.isEmpty() ? name : pkg + "." + name, text);
    }
}
