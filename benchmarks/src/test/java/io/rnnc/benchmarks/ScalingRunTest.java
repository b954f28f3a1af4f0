package io.rnnc.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.driver.Flops;
import io.rnnc.compiler.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keeps the scaling harness ({@link ScalingRun} and {@code bench/scaling.py}) from rotting without measuring
 * anything: the specs it writes are the seed model's but for the sizes, its FLOP count is the compiler's,
 * one tiny shape runs through both, and the driver's smoke run ({@code --quick}) joins the two sides.
 */
class ScalingRunTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @ParameterizedTest
    @CsvSource({"rnn, 32, 28, 1, 2", "lstm, 1024, 256, 256, 2", "gru, 100, 28, 64, 1"})
    void specsCompileAndCountTheCompilersFlops(String cell, int hidden, int steps, int batch, int layers) {
        var shape = new ScalingRun.Shape(cell, hidden, steps, batch, layers);
        var parsed = Rnnc.parse(shape.className() + ".rnn", shape.spec());
        assertTrue(!parsed.hasErrors(), parsed.render());
        Model model = parsed.models().get(0);
        assertEquals(batch, model.batch());
        assertEquals(steps, model.stack().steps());
        assertEquals(layers, model.stack().layers().size());
        assertEquals(Flops.of(model).forward(), shape.forwardFlops());
    }

    @Test
    void theSeedShapeIsTheSampleSpecButForItsName() throws IOException {
        String sample = Files.readString(ROOT.resolve("samples/mnist/mnist_lstm.rnn"));
        String ours = new ScalingRun.Shape("lstm", 100, 28, 64, 2).spec();
        // the sample's statements, comments and blank lines stripped, in order
        assertEquals(statements(sample).subList(2, statements(sample).size()),
                statements(ours).subList(2, statements(ours).size()));
    }

    private static List<String> statements(String spec) {
        List<String> out = new ArrayList<>();
        for (String line : spec.split("\n")) {
            String s = line.replaceAll("#.*", "").trim().replaceAll("\\s+", " ");
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void oneTinyShapeRunsAndReportsEveryFigure() {
        String json = ScalingRun.run(new ScalingRun.Shape("gru", 16, 4, 3, 2), 1, List.of("train", "infer"), 0, 0.01, 2);
        assertTrue(json.contains("\"cell\": \"gru\"") && json.contains("\"batch\": 3"), json);
        List<Double> rates = numbers(json, "samples_per_s");
        assertEquals(2, rates.size(), json);
        rates.forEach(r -> assertTrue(r > 0, json));
        assertTrue(numbers(json, "total_s").get(0) > 0, json);
        assertTrue(numbers(json, "largest_method_bytes").get(0) > 0, json);
    }

    private static List<Double> numbers(String json, String key) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"" + key + "\": ([0-9.eE+-]+)").matcher(json);
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    /** The driver's smoke run, one short iteration of one shape: with PyTorch when Debian's python has torch. */
    @Test
    void theDriversQuickRunJoinsBothSides(@TempDir Path out) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        boolean torch = exitCode(List.of(python.toString(), "-c", "import torch"), out.resolve("torch.log")) == 0;
        List<String> cmd = new ArrayList<>(List.of(python.toString(), ROOT.resolve("bench/scaling.py").toString(),
                "--cells", "lstm", "--hidden", "16", "--steps", "4", "--batch", "2", "--quick", "--warmup-seconds",
                "0", "--window-seconds", "0.01", "--windows", "1", "--fma-peak", "none", "--no-plot",
                "--classpath", System.getProperty("java.class.path"), "--out", out.toString()));
        if (!torch) {
            cmd.add("--no-pytorch");
        }
        int rc = exitCode(cmd, out.resolve("driver.log"));
        String log = Files.readString(out.resolve("driver.log"));
        assertEquals(0, rc, log);
        String table = Files.readString(out.resolve("table.txt"));
        assertTrue(table.contains("lstm  16"), table);
        String results = Files.readString(out.resolve("results.json"));
        assertTrue(results.contains("\"samples_per_s\""), results);
        if (torch) {
            assertTrue(table.contains("rnnc / PyTorch") && results.contains("\"ratio\""), table);
        }

        // resuming the finished run measures nothing again, and its table still holds the shape
        Path shapes = out.resolve("shapes.jsonl");
        List<String> recorded = Files.readAllLines(shapes);
        assertEquals(1, recorded.size(), String.join("\n", recorded));
        List<String> resume = new ArrayList<>(cmd);
        int outAt = resume.indexOf("--out");
        resume.set(outAt, "--resume");
        assertEquals(0, exitCode(resume, out.resolve("resume.log")), Files.readString(out.resolve("resume.log")));
        assertEquals(recorded, Files.readAllLines(shapes));
        assertTrue(Files.readString(out.resolve("table.txt")).contains("lstm  16"));

        // merging runs (here the one run) writes the table elsewhere, measuring nothing
        Path merged = out.resolve("merged");
        int rcMerge = exitCode(List.of(python.toString(), ROOT.resolve("bench/scaling.py").toString(), "--merge",
                out.toString(), "--out", merged.toString(), "--no-plot"), out.resolve("merge.log"));
        assertEquals(0, rcMerge, Files.readString(out.resolve("merge.log")));
        assertEquals(table.substring(table.indexOf('\n')), Files.readString(merged.resolve("table.txt"))
                .substring(Files.readString(merged.resolve("table.txt")).indexOf('\n')));
    }

    private static int exitCode(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            Files.writeString(log, "\n(timed out)", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            return -1;
        }
        return p.exitValue();
    }
}
