package io.rnnc.serve;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.Checkpoint;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rnnc package} on every spec shipped under {@code samples/}: the jar loads with one call from a class loader
 * that sees only it (plus the test's), and answers the mode's request exactly as a predictor over the same class and
 * checkpoint does. Issue 16 asks that packaging work on every sample spec.
 */
class EverySamplePackagesTest {

    @TempDir
    Path dir;

    static List<Path> sampleSpecs() throws Exception {
        try (var files = Files.walk(Path.of("../samples"))) {
            List<Path> specs = files.filter(f -> f.toString().endsWith(".rnn")).sorted().toList();
            assertTrue(specs.size() >= 10, "sample specs under ../samples: " + specs);
            return specs;
        }
    }

    @ParameterizedTest
    @MethodSource("sampleSpecs")
    void packagesAndAnswersAsThePredictor(Path spec) throws Exception {
        CompiledModel compiled = CompiledModel.compile(spec, null);
        RnnModel model = compiled.factory().get();
        model.initialize(7);
        Path checkpoint = dir.resolve("model.safetensors");
        Checkpoint.saveParameters(checkpoint, model, Map.of());

        ModelPackager.Packaged packaged = ModelPackager.write(spec, null, checkpoint, dir.resolve("model.jar"));
        assertEquals(model.info().name(), packaged.model());
        Predictor reference = Predictor.load(compiled.factory(), checkpoint, 1);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {packaged.jar().toUri().toURL()}, getClass().getClassLoader())) {
            Predictor fromJar = ModelJar.load(loader, 1);
            assertEquals(reference.info(), fromJar.info());
            assertEquals(answer(reference), answer(fromJar), spec.toString());
        }
    }

    /** The mode's request on a fixed input, as text (arrays of ids or values compare by their digits). */
    private static String answer(Predictor p) {
        ModelInfo info = p.info();
        int t = Math.min(info.inputSteps(), 5);
        switch (info.mode()) {
            case "seq2seq" -> {
                return Arrays.toString(p.translate(tokens(t, info.vocab()), Math.min(4, info.maxBatch()), -1));
            }
            case "one_to_many" -> {
                double[] x = values(info.inputSize());
                return info.head().equals("softmax")
                        ? Arrays.toString(p.generateFrom(x, 0, 0, 1, -1))
                        : Arrays.toString(p.generateValues(x));
            }
            default -> {
                if (info.tokenInputs()) {
                    return Arrays.toString(p.predict(tokens(t, info.vocab())));
                }
                int steps = info.mode().equals("one_to_one") ? 1 : t;
                return Arrays.toString(p.predict(values(steps * info.inputSize())));
            }
        }
    }

    private static int[] tokens(int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (3 * i + 1) % vocab;
        }
        return ids;
    }

    private static double[] values(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(0.37 * i);
        }
        return x;
    }
}
