package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.io.SafeTensors;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rnnc verify SPEC --against FILE.safetensors}: replays a PyTorch reference (the format of
 * {@code shared/fixtures/README.md}) on the generated class and reports the worst error per group.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks the generated class against a PyTorch reference file.", "",
                "Loads the initial weights from the file (PyTorch",
                "state_dict names), runs a training step on the file's x and y and a second one, and compares every",
                "reference tensor the file holds (logits, loss, h_n, c_n, grad.*, grad_norm, adam1.*/sgd1.*,",
                "loss_after_*, adam2.*/sgd2.*). Prints the worst error per group; exit 0 if all are within the",
                "tolerances, 1 otherwise.",
                "Error = max|ours - ref| / max(1, max|ref|). Tolerance: 1e-5 (float32), 2e-5 (float32, 20 or more",
                "steps), 1e-10 (float64). Optimizer steps where |grad| < 1e-6 may differ by 5% of lr (Adam's",
                "g/(|g|+eps) amplifies tiny gradient differences there)."})
final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SPEC", description = "the .rnn file describing the same network")
    Path file;

    @Option(names = "--model", paramLabel = "NAME", description = "which model, when the spec has several")
    String modelName;

    @Option(names = "--against", paramLabel = "FILE", required = true, description = "PyTorch reference (safetensors)")
    Path against;

    /** Worst error and tensor count of one group. */
    private static final class Group {
        double worst;
        String where = "";
        int tensors;
        final double tolerance;

        Group(double tolerance) {
            this.tolerance = tolerance;
        }

        void add(String name, double err) {
            tensors++;
            if (!(err <= worst)) {
                worst = err;
                where = name;
            }
        }

        boolean ok() {
            return worst <= tolerance;
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Set<String> compared = new TreeSet<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Model model = Specs.model(file, modelName, spec.commandLine().getErr());
        SafeTensors.Contents ref = SafeTensors.read(against);
        RnnModel net = Specs.instantiate(model);
        ModelInfo info = net.info();
        net.initialize(model.seed());
        int n = checkFits(ref, info);
        int maxSteps = Math.max(model.stack().steps(), model.encoder().map(s -> s.steps()).orElse(0));
        boolean f64 = model.precision() == Precision.FLOAT64;
        double tol = f64 ? 1e-10 : maxSteps >= 20 ? 2e-5 : 1e-5;

        for (TensorInfo t : info.parameters()) {
            net.parameters().copyIn(t.name(), ref.get(t.name()).values());
            compared.add(t.name());
        }
        net.parametersChanged();
        Batch batch = batch(ref, info, n);
        compared.add("x");
        compared.add("y");

        double loss = net.computeGradients(batch);
        scalar(ref, "loss", "loss", loss, tol);
        if (ref.has("logits")) {
            double[] logits = new double[info.maxBatch() * info.logitsPerSample()];
            net.copyLogits(logits);
            tensor("logits", "logits", logits, ref.get("logits").values(), tol);
        }
        if (ref.has("h_n") || ref.has("c_n")) {
            int width = info.hidden().stream().mapToInt(Integer::intValue).sum();
            double[] h = new double[width * info.maxBatch()];
            double[] c = new double[width * info.maxBatch()];
            net.copyFinalStates(h, info.cells().contains("lstm") ? c : null);
            if (ref.has("h_n")) {
                tensor("h_n", "h_n", h, ref.get("h_n").values(), tol);
            }
            if (ref.has("c_n")) {
                tensor("c_n", "c_n", c, ref.get("c_n").values(), tol);
            }
        }
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (TensorInfo t : info.parameters()) {
            double[] g = net.gradients().copyOut(t.name());
            grads.put(t.name(), g);
            if (ref.has("grad." + t.name())) {
                tensor("grad.*", "grad." + t.name(), g, ref.get("grad." + t.name()).values(), tol);
            }
        }
        double norm = net.applyUpdate();
        scalar(ref, "grad_norm", "grad_norm", norm, tol);
        String opt = info.optimizer();
        double lr = model.optimizer().lr();
        optimizerStep(ref, net, info, opt + "1", grads, lr, tol, f64);
        double loss2 = net.computeGradients(batch);
        scalar(ref, "loss_after_" + opt + "1", "loss_after_" + opt + "1", loss2, tol);
        Map<String, double[]> grads2 = new LinkedHashMap<>();
        for (TensorInfo t : info.parameters()) {
            grads2.put(t.name(), net.gradients().copyOut(t.name()));
        }
        net.applyUpdate();
        optimizerStep(ref, net, info, opt + "2", grads2, lr, tol, f64);

        out.printf(Locale.ROOT, "verify %s against %s (%s, batch %d, tolerance %.0e)%n", model.name(), against,
                info.precision(), n, tol);
        out.printf(Locale.ROOT, "  %-20s %7s  %-11s  %s%n", "group", "tensors", "worst error", "");
        int bad = 0;
        for (var e : groups.entrySet()) {
            Group g = e.getValue();
            bad += g.ok() ? 0 : 1;
            out.printf(Locale.ROOT, "  %-20s %7d  %-11s  %s%s%n", e.getKey(), g.tensors, String.format(Locale.ROOT, "%.2e", g.worst),
                    g.ok() ? "ok" : "OVER " + String.format(Locale.ROOT, "%.0e", g.tolerance),
                    g.tensors > 1 && !g.ok() ? " (" + g.where + ")" : "");
        }
        List<String> skipped = new ArrayList<>();
        for (String name : ref.tensors().keySet()) {
            if (!compared.contains(name)) {
                skipped.add(name);
            }
        }
        if (!skipped.isEmpty()) {
            out.println("  not compared: " + String.join(", ", skipped));
        }
        if (groups.isEmpty()) {
            throw new UserException(against + " holds no reference results (logits, loss, grad.*, adam1.*, ...) to compare");
        }
        out.println(bad == 0 ? "result: ok, every group within tolerance"
                : "result: FAILED, " + bad + (bad == 1 ? " group" : " groups") + " over tolerance");
        out.flush();
        return bad == 0 ? Main.OK : Main.USER_ERROR;
    }

    /** Checks names and shapes; returns the batch size n of the file's x. */
    private int checkFits(SafeTensors.Contents ref, ModelInfo info) {
        List<String> problems = new ArrayList<>();
        for (TensorInfo t : info.parameters()) {
            if (!ref.has(t.name())) {
                problems.add(t.name() + ": missing (expected " + Arrays.toString(t.shape()) + ")");
            } else if (!Arrays.equals(ref.get(t.name()).shape(), t.shape())) {
                problems.add(t.name() + ": expected " + Arrays.toString(t.shape()) + ", file has "
                        + ref.get(t.name()).shapeString());
            }
        }
        int n = 0;
        if (!ref.has("x") || !ref.has("y")) {
            problems.add("x and y (the input and target of the training step) are missing");
        } else {
            int[] xs = ref.get("x").shape();
            n = xs.length == 0 ? 0 : xs[0];
            if (n < 1 || n > info.maxBatch()) {
                problems.add("x has " + n + " samples; the model takes 1.." + info.maxBatch() + " (its 'batch')");
            } else {
                if (ref.get("x").values().length != (long) n * info.inputValuesPerSample()) {
                    problems.add("x: " + ref.get("x").shapeString() + " does not hold " + info.inputValuesPerSample()
                            + " input values per sample");
                }
                if (ref.get("y").values().length != (long) n * info.targetValuesPerSample()) {
                    problems.add("y: " + ref.get("y").shapeString() + " does not hold " + info.targetValuesPerSample()
                            + " target values per sample");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new UserException(against + " does not match model " + info.name() + " (" + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        }
        return n;
    }

    private static Batch batch(SafeTensors.Contents ref, ModelInfo info, int n) {
        Batch b = Batch.forModel(info);
        b.setSize(n);
        double[] x = ref.get("x").values();
        double[] y = ref.get("y").values();
        if (b.features != null) {
            System.arraycopy(x, 0, b.features, 0, x.length);
        } else {
            for (int i = 0; i < x.length; i++) {
                b.tokens[i] = (int) x[i];
            }
        }
        if (b.classes != null) {
            for (int i = 0; i < y.length; i++) {
                b.classes[i] = (int) y[i];
            }
        } else {
            System.arraycopy(y, 0, b.targets, 0, y.length);
        }
        return b;
    }

    private void optimizerStep(SafeTensors.Contents ref, RnnModel net, ModelInfo info, String prefix,
                               Map<String, double[]> ourGrads, double lr, double tol, boolean f64) {
        for (TensorInfo t : info.parameters()) {
            String name = prefix + "." + t.name();
            if (!ref.has(name)) {
                continue;
            }
            double[] ours = net.parameters().copyOut(t.name());
            double[] want = ref.get(name).values();
            double[] refGrad = ref.has("grad." + t.name()) ? ref.get("grad." + t.name()).values() : null;
            double[] ourGrad = ourGrads.get(t.name());
            double scale = Math.max(1, maxAbs(want));
            double err = 0;
            for (int i = 0; i < want.length && i < ours.length; i++) {
                double d = Math.abs(ours[i] - want[i]);
                double g = Math.abs(ourGrad[i]);
                if (refGrad != null && prefix.endsWith("1")) {
                    g = Math.min(g, Math.abs(refGrad[i]));
                }
                if (!f64 && g < 1e-6 && d <= 0.05 * lr) {
                    continue; // README: Adam's step is ill-conditioned where the gradient is tiny
                }
                err = Math.max(err, d / scale);
            }
            if (ours.length != want.length) {
                err = Double.POSITIVE_INFINITY;
            }
            group(prefix + ".*", tol).add(name, err);
            compared.add(name);
        }
    }

    private void scalar(SafeTensors.Contents ref, String group, String name, double ours, double tol) {
        if (!ref.has(name)) {
            return;
        }
        double want = ref.get(name).values()[0];
        group(group, tol).add(name, Math.abs(ours - want) / Math.max(1, Math.abs(want)));
        compared.add(name);
    }

    private void tensor(String group, String name, double[] ours, double[] want, double tol) {
        double scale = Math.max(1, maxAbs(want));
        double err = 0;
        if (ours.length < want.length) {
            err = Double.POSITIVE_INFINITY;
        } else {
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(ours[i] - want[i]) / scale);
            }
        }
        group(group, tol).add(name, err);
        compared.add(name);
    }

    private Group group(String name, double tol) {
        return groups.computeIfAbsent(name, k -> new Group(tol));
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
