package io.rnnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rnnc.runtime.PyTorchFixtures;
import io.rnnc.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's own numbers: starting from each fixture's initial parameters and raw gradients, clip +
 * one optimizer step must reproduce {@code adam1.*} (or {@code sgd1.*}).
 */
class OptimizerFixtureTest {

    static Stream<Path> fixtures() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String set : List.of("fixtures", "fixtures-ext")) {
            try (Stream<Path> s = Files.list(PyTorchFixtures.set(set))) {
                s.filter(p -> Files.isRegularFile(p.resolve("tensors.safetensors"))).sorted().forEach(dirs::add);
            }
        }
        assertTrue(dirs.size() >= 17, "expected the 8 + 9 PyTorch fixtures under " + PyTorchFixtures.root() + ", found " + dirs);
        return dirs.stream();
    }

    /** The optimizer and clipping settings of one config.json (both fixture sets' forms). */
    record Settings(String kind, double lr, double beta1, double beta2, double eps, double weightDecay,
                    double momentum, Double clipNorm, boolean f64) {

        static Settings of(String json) {
            String kind = json.contains("\"kind\": \"sgd\"") ? "sgd" : "adam";
            double b1 = 0;
            double b2 = 0;
            Matcher betas = Pattern.compile("\"betas\":\\s*\\[\\s*([^,\\s]+)\\s*,\\s*([^\\]\\s]+)\\s*]").matcher(json);
            if (betas.find()) {
                b1 = Double.parseDouble(betas.group(1));
                b2 = Double.parseDouble(betas.group(2));
            } else if (kind.equals("adam")) {
                b1 = number(json, "beta1");
                b2 = number(json, "beta2");
            }
            return new Settings(kind, number(json, "lr"), b1, b2, kind.equals("adam") ? number(json, "eps") : 0,
                    optional(json, "weight_decay", 0.0), optional(json, "momentum", 0.0),
                    optional(json, "clip_norm", null), json.contains("\"dtype\": \"float64\""));
        }

        private static double number(String json, String key) {
            Double v = optional(json, key, null);
            if (v == null) {
                throw new AssertionError("config has no number '" + key + "'");
            }
            return v;
        }

        private static Double optional(String json, String key, Double dflt) {
            Matcher m = Pattern.compile("\"" + key + "\":\\s*([-0-9.eE+]+|null)").matcher(json);
            if (!m.find() || m.group(1).equals("null")) {
                return dflt;
            }
            return Double.parseDouble(m.group(1));
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void clipAndOneStepReproducePyTorch(Path dir) throws IOException {
        Settings s = Settings.of(Files.readString(dir.resolve("config.json")));
        var file = SafeTensors.read(dir.resolve("tensors.safetensors"));
        List<String> params = new ArrayList<>();
        for (String name : file.tensors().keySet()) {
            if (name.startsWith("grad.")) {
                params.add(name.substring(5));
            }
        }
        assertFalse(params.isEmpty());
        int n = 0;
        for (String p : params) {
            n += file.get(p).values().length;
        }
        double[] p0 = new double[n];
        double[] g0 = new double[n];
        double[] expected = new double[n];
        int at = 0;
        String prefix = s.kind().equals("sgd") ? "sgd1." : "adam1.";
        for (String p : params) {
            double[] v = file.get(p).values();
            System.arraycopy(v, 0, p0, at, v.length);
            System.arraycopy(file.get("grad." + p).values(), 0, g0, at, v.length);
            System.arraycopy(file.get(prefix + p).values(), 0, expected, at, v.length);
            at += v.length;
        }
        double gradNorm = file.get("grad_norm").values()[0];
        double[] got = s.f64() ? stepDouble(s, p0, g0, gradNorm) : stepFloat(s, p0, g0, gradNorm);

        // Same gradients as PyTorch, so only rounding separates the results: far below lr.
        double tol = s.f64() ? 1e-12 : 2e-7 + 1e-3 * s.lr();
        List<String> bad = new ArrayList<>();
        at = 0;
        for (String p : params) {
            int size = file.get(p).values().length;
            for (int i = 0; i < size; i++, at++) {
                if (!(Math.abs(got[at] - expected[at]) <= tol)) {
                    bad.add(p + "[" + i + "]: got " + got[at] + ", PyTorch " + expected[at] + " (from " + p0[at] + ")");
                }
            }
        }
        if (!bad.isEmpty()) {
            fail(dir.getFileName() + ": " + bad.size() + " elements differ, e.g. " + bad.subList(0, Math.min(5, bad.size())));
        }
    }

    private static double[] stepFloat(Settings s, double[] p0, double[] g0, double gradNorm) {
        int n = p0.length;
        float[] p = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) p0[i];
            g[i] = (float) g0[i];
        }
        double norm = Clipping.norm(g, n);
        assertEquals(gradNorm, norm, 1e-5 * Math.max(1, gradNorm), "global gradient norm");
        if (s.clipNorm() != null) {
            double total = Clipping.byNorm(g, n, s.clipNorm());
            assertEquals(gradNorm, total, 1e-5 * Math.max(1, gradNorm));
            assertEquals(Math.min(total, s.clipNorm()), Clipping.norm(g, n), 1e-6, "norm after clipping");
        }
        if (s.kind().equals("sgd")) {
            Sgd.step(p, g, new float[n], n, 1, s.lr(), s.momentum(), s.weightDecay());
        } else {
            Adam.step(p, g, new float[n], new float[n], n, 1, s.lr(), s.beta1(), s.beta2(), s.eps(), s.weightDecay());
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[i];
        }
        return out;
    }

    private static double[] stepDouble(Settings s, double[] p0, double[] g0, double gradNorm) {
        int n = p0.length;
        double[] p = p0.clone();
        double[] g = g0.clone();
        assertEquals(gradNorm, Clipping.norm(g, n), 1e-12 * Math.max(1, gradNorm), "global gradient norm");
        if (s.clipNorm() != null) {
            Clipping.byNorm(g, n, s.clipNorm());
        }
        if (s.kind().equals("sgd")) {
            Sgd.step(p, g, new double[n], n, 1, s.lr(), s.momentum(), s.weightDecay());
        } else {
            Adam.step(p, g, new double[n], new double[n], n, 1, s.lr(), s.beta1(), s.beta2(), s.eps(), s.weightDecay());
        }
        return p;
    }
}
