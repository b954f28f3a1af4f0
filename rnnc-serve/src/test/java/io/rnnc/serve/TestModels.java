package io.rnnc.serve;

import io.rnnc.runtime.RnnModel;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/** The test specs, each compiled once per JVM. */
final class TestModels {

    private static final Map<String, CompiledModel> COMPILED = new ConcurrentHashMap<>();

    private TestModels() {
    }

    static CompiledModel compiled(String spec) {
        return COMPILED.computeIfAbsent(spec, s -> CompiledModel.compile(Path.of("src/test/resources", s), null));
    }

    /** A predictor of {@code spec}'s model initialised from {@code seed}. */
    static Predictor predictor(String spec, long seed, int workers) {
        CompiledModel c = compiled(spec);
        RnnModel m = c.factory().get();
        m.initialize(seed);
        return Predictor.of(m, c.factory(), null, workers);
    }

    static double[] features(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-2, 2);
        }
        return v;
    }

    static int[] ids(SplittableRandom r, int n, int vocab) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(vocab);
        }
        return v;
    }
}
