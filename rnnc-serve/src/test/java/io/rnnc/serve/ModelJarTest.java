package io.rnnc.serve;

import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Normalization;
import io.rnnc.runtime.data.SeriesWindows;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelJarTest {

    @TempDir
    Path dir;

    private Path checkpoint(String spec, long seed, DataMetadata data) {
        RnnModel m = TestModels.compiled(spec).factory().get();
        m.initialize(seed);
        Path file = dir.resolve(spec + ".safetensors");
        Checkpoint.saveParameters(file, m, data == null ? java.util.Map.of() : data.toMetadata());
        return file;
    }

    @Test
    void theJarHoldsTheModelRuntimeAndWeightsAndIsTheSameBytesTwice() throws Exception {
        Path ckpt = checkpoint("classifier.rnn", 3, null);
        Path spec = Path.of("src/test/resources/classifier.rnn");
        ModelPackager.Packaged a = ModelPackager.write(spec, null, ckpt, dir.resolve("a.jar"));
        ModelPackager.Packaged b = ModelPackager.write(spec, null, ckpt, dir.resolve("b.jar"));
        assertArrayEquals(Files.readAllBytes(a.jar()), Files.readAllBytes(b.jar()));
        assertEquals("io.rnnc.serve.test.TinyClassifier", a.className());
        try (JarFile jar = new JarFile(a.jar().toFile())) {
            assertEquals(ModelJar.class.getName(), jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(jar.getEntry("io/rnnc/serve/test/TinyClassifier.class"));
            assertNotNull(jar.getEntry("io/rnnc/runtime/model/ChunkedModel.class"));
            assertNotNull(jar.getEntry("io/rnnc/serve/Predictor.class"));
            assertNotNull(jar.getEntry(ModelJar.WEIGHTS));
            assertNull(jar.getEntry("io/rnnc/serve/CompiledModel.class"), "the compiler side stays out");
            assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("io/rnnc/compiler/")));
        }

        // One call loads it from a class loader that sees the jar
        try (URLClassLoader loader = new URLClassLoader(new URL[] {a.jar().toUri().toURL()}, getClass().getClassLoader())) {
            Predictor p = ModelJar.load(loader, 1);
            Predictor reference = Predictor.load(TestModels.compiled("classifier.rnn").factory(), ckpt, 1);
            double[] x = {1, 2, 3, 0.5, 0.5, 0.5};
            assertArrayEquals(reference.predict(x), p.predict(x));
        }
    }

    @Test
    void aCheckpointOfAnotherModelOrABadSpecWritesNothing() {
        Path ckpt = checkpoint("language.rnn", 3, null);
        Path out = dir.resolve("x.jar");
        assertThrows(RnncIoException.class, () -> ModelPackager.write(Path.of("src/test/resources/classifier.rnn"), null, ckpt, out));
        assertFalse(Files.exists(out));
        BadRequest e = assertThrows(BadRequest.class, () -> ModelPackager.write(Path.of("src/test/resources/classifier.rnn"), "Nope", ckpt, out));
        assertTrue(e.getMessage().contains("no model named 'Nope'"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void javaDashJarPredictsOneLinePerRequestInEveryFormat() throws Exception {
        Path ckpt = checkpoint("classifier.rnn", 5, null);
        Path jar = ModelPackager.write(Path.of("src/test/resources/classifier.rnn"), null, ckpt, dir.resolve("m.jar")).jar();
        Predictor reference = Predictor.load(TestModels.compiled("classifier.rnn").factory(), ckpt, 1);
        double[] x = {1, 2, 3, 0.5, 0.5, 0.5};
        double[] p = reference.predict(x);
        String input = "1,2,3,0.5,0.5,0.5\n1 2\n[1, 2, 3, 0.5, 0.5, 0.5]\n";

        Result csv = javaJar(jar, input, "predict", "--format", "csv");
        assertEquals(1, csv.exit, csv.err);
        assertEquals(HttpEndpoint.json(p).replace("[", "").replace("]", "") + "\n"
                + HttpEndpoint.json(p).replace("[", "").replace("]", "") + "\n", csv.out);
        assertTrue(csv.err.contains("stdin:2: 2 values are not whole steps of I = 3 features"), csv.err);

        Result json = javaJar(jar, "1,2,3,0.5,0.5,0.5\n", "predict", "--format", "json");
        assertEquals(0, json.exit, json.err);
        assertTrue(json.out.startsWith("{\"outputs\":" + HttpEndpoint.json(p) + ",\"class\":"), json.out);

        Result info = javaJar(jar, "", "info");
        assertEquals(0, info.exit, info.err);
        assertTrue(info.out.startsWith("TinyClassifier: many_to_one, 3 features x 8 steps -> 4 outputs (softmax)"), info.out);
    }

    /**
     * A forecaster over a normalised series (many_to_one, horizon 2, targets in another order than the inputs):
     * {@code java -jar model.jar predict} normalises each input value by its column's statistics, runs the model as the
     * Predictor does, and puts each output back in its target column's units.
     */
    @Test
    void javaDashJarPredictOfASeriesModelNormalisesAndDenormalisesByColumn() throws Exception {
        Normalization norm = new Normalization(List.of("a", "b", "c"), new double[] {10, -3, 250}, new double[] {2, 0.5, 40});
        DataMetadata series = new DataMetadata(DataFormat.SERIES, null, null, null, norm,
                new SeriesWindows.Spec(List.of("a", "b"), List.of("c", "a"), 6, 2, false));
        Path ckpt = checkpoint("forecaster.rnn", 4, series);
        Path jar = ModelPackager.write(Path.of("src/test/resources/forecaster.rnn"), null, ckpt, dir.resolve("f.jar")).jar();
        Predictor p = Predictor.load(TestModels.compiled("forecaster.rnn").factory(), ckpt, 1);
        double[] raw = {11, -3.2, 9, -2.9, 10.5, -3.1};
        double[] x = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int column = i % 2 == 0 ? 0 : 1;                       // a, b
            x[i] = (raw[i] - norm.mean()[column]) / norm.std()[column];
        }
        double[] y = p.predict(x);
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            int column = i % 2 == 0 ? 2 : 0;                       // c, a; the next two rows
            expected[i] = y[i] * norm.std()[column] + norm.mean()[column];
            assertEquals(norm.denormalize(column, y[i]), expected[i]);
        }
        Result csv = javaJar(jar, "11,-3.2,9,-2.9,10.5,-3.1\n", "predict", "--format", "csv");
        assertEquals(0, csv.exit, csv.err);
        assertEquals(HttpEndpoint.json(expected).replaceAll("[\\[\\]]", "") + "\n", csv.out);
        // the same in process (many lines, any format), and the values are not the model's raw outputs
        assertEquals(csv.out + csv.out, run(p, "11,-3.2,9,-2.9,10.5,-3.1\n11 -3.2 9 -2.9 10.5 -3.1\n", "predict", "--format", "csv"));
        assertTrue(Math.abs(expected[0] - y[0]) > 1, "c's units are not the normalised ones");
    }

    record Result(int exit, String out, String err) {
    }

    private Result javaJar(Path jar, String stdin, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process proc = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        proc.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        proc.getOutputStream().close();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "java -jar did not finish");
        return new Result(proc.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void everyModeAnswersALine() {
        Vocabulary chars = Vocabulary.of(Vocabulary.Tokens.CHARS, true, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i"));
        DataMetadata text = new DataMetadata(DataFormat.TEXT, chars, null, null, null, null);
        Predictor lm = Predictor.load(TestModels.compiled("language.rnn").factory(), checkpoint("language.rnn", 2, text), 1);
        String generated = run(lm, "abc\n", "predict", "--max", "8", "--temperature", "0.7", "--seed", "3");
        int[] ids = lm.generate(chars.encode("abc"), 8, 0.7, 3, Vocabulary.END);
        assertEquals(chars.decode(ids, 0, ids.length) + "\n", generated);
        String filtered = run(lm, "abc\n", "predict", "--max", "8", "--temperature", "0.7", "--top-k", "2", "--top-p", "0.95",
                "--seed", "3");
        int[] f = lm.generate(chars.encode("abc"), 8, 0.7, 2, 0.95, 3, Vocabulary.END);
        assertEquals(chars.decode(f, 0, f.length) + "\n", filtered);
        assertTrue(run(lm, "abz\n", "predict").startsWith("stdin:1:3: character 'z' is not in the vocabulary"),
                "an unknown character");

        Predictor tr = TestModels.predictor("translator.rnn", 2, 1);
        assertEquals(HttpEndpoint.json(tr.translate(new int[] {4, 5, 6}, 2, -1)).replaceAll("[\\[\\]]", "").replace(',', ' ') + "\n",
                run(tr, "4 5 6\n", "predict", "--beam", "2"));
        Predictor drawer = TestModels.predictor("drawer.rnn", 2, 1);
        assertEquals(HttpEndpoint.json(drawer.generateFrom(new double[] {1, 2, 3, 4, 5}, 0, 0, 1, -1)).replaceAll("[\\[\\] ]", "") + "\n",
                run(drawer, "1 2 3 4 5\n", "predict", "--format", "csv"));
    }

    /** ModelJar's predict loop over a predictor built here (the jar's own load is tested above). */
    private static String run(Predictor p, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            Method m = ModelJar.class.getDeclaredMethod("predictWith", Predictor.class, String[].class, java.io.InputStream.class,
                    PrintStream.class, PrintStream.class);
            m.setAccessible(true);
            m.invoke(null, p, args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
