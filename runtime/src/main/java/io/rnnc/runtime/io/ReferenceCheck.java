package io.rnnc.runtime.io;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.state.StatefulModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replays a PyTorch reference file (the format of {@code testdata/pytorch/fixtures/README.md}: initial parameters
 * under state_dict names, {@code x}, {@code y}, and the results of two training steps) on a model and
 * measures the worst error of every group of reference tensors: {@code loss}, {@code logits},
 * {@code h_n}, {@code c_n}, {@code grad.*}, {@code grad_norm}, {@code adam1.*}/{@code sgd1.*},
 * {@code loss_after_*1}, {@code adam2.*}/{@code sgd2.*}. Used by {@code rnnc verify} and by the parity
 * tests, so that both judge a model the same way.
 *
 * <p>Error = max|ours - ref| / max(1, max|ref|). In optimizer steps, elements whose gradient is below
 * 1e-6 may differ by 5 % of lr in float32: Adam's g/(|g|+eps) amplifies tiny gradient differences there.
 */
public final class ReferenceCheck {

    /** Worst error of one group, and the tensor where it was seen. */
    public record Group(String name, int tensors, double worst, String where, double tolerance) {
        public boolean ok() {
            return worst <= tolerance;
        }
    }

    /** Every group in the order compared, and the reference tensors that were not compared. */
    public record Report(int batch, double tolerance, List<Group> groups, List<String> notCompared) {
        public Report {
            groups = List.copyOf(groups);
            notCompared = List.copyOf(notCompared);
        }

        public boolean ok() {
            return !groups.isEmpty() && groups.stream().allMatch(Group::ok);
        }

        /** The worst error over all groups. */
        public double worst() {
            return groups.stream().mapToDouble(Group::worst).max().orElse(Double.NaN);
        }

        public int tensors() {
            return groups.stream().mapToInt(Group::tensors).sum();
        }
    }

    private final Map<String, double[]> groups = new LinkedHashMap<>(); // name -> {tensors, worst}
    private final Map<String, String> where = new LinkedHashMap<>();
    private final Set<String> compared = new TreeSet<>();
    private final String file;
    private final SafeTensors.Contents ref;
    private final RnnModel net;
    private final ModelInfo info;

    private ReferenceCheck(String file, SafeTensors.Contents ref, RnnModel net) {
        this.file = file;
        this.ref = ref;
        this.net = net;
        this.info = net.info();
    }

    /**
     * Loads the reference's initial parameters into {@code net}, runs two training steps on its x and y
     * and compares every reference tensor the file holds.
     *
     * @param file      the reference file's name, for messages
     * @param lr        the model's learning rate (the tolerance of optimizer steps on tiny gradients)
     * @param tolerance the largest acceptable error
     * @throws RnncIoException naming every problem when the file does not fit the model
     */
    public static Report run(String file, SafeTensors.Contents ref, RnnModel net, double lr, double tolerance) {
        return new ReferenceCheck(file, ref, net).check(lr, tolerance);
    }

    private Report check(double lr, double tol) {
        int chunks = chunkCount();
        int n = checkFits(chunks);
        for (TensorInfo t : info.parameters()) {
            net.parameters().copyIn(t.name(), ref.get(t.name()).values());
            compared.add(t.name());
        }
        net.parametersChanged();
        if (chunks > 0) {
            checkChunks(n, chunks, lr);
        } else {
            checkTwoSteps(n, lr);
        }

        List<Group> out = new ArrayList<>();
        groups.forEach((name, g) -> out.add(new Group(name, (int) g[0], g[1], where.getOrDefault(name, ""), tol)));
        List<String> skipped = new ArrayList<>();
        for (String name : ref.tensors().keySet()) {
            if (!compared.contains(name)) {
                skipped.add(name);
            }
        }
        return new Report(n, tol, out, skipped);
    }

    /** The number of stateful chunks the file holds ({@code chunk0.loss}, {@code chunk1.loss}, ...), 0 if none. */
    private int chunkCount() {
        int j = 0;
        while (ref.has("chunk" + j + ".loss")) {
            j++;
        }
        return j;
    }

    /**
     * Truncated backpropagation through time (fixtures-w2/README.md, "Stateful chunks"): x and y hold
     * {@code chunks} consecutive chunks of T steps; one training step per chunk, each starting from the final
     * state of the one before (the model carries it), compared after every chunk. Groups are per kind over all
     * chunks ({@code chunk*.loss}, ...), the worst chunk named.
     */
    private void checkChunks(int n, int chunks, double lr) {
        ((StatefulModel) net).resetState();
        String opt = info.optimizer();
        boolean f64 = info.precision().equals("float64");
        for (int j = 0; j < chunks; j++) {
            String c = "chunk" + j + ".";
            Batch batch = batch(n, j, chunks);
            add("chunk*.loss", c + "loss", scalarError(c + "loss", net.computeGradients(batch)));
            if (ref.has(c + "logits")) {
                double[] logits = new double[info.maxBatch() * info.logitsPerSample()];
                net.copyLogits(logits);
                tensor("chunk*.logits", c + "logits", logits, ref.get(c + "logits").values());
            }
            finalStates("chunk*.", c);
            Map<String, double[]> grads = gradients();
            for (TensorInfo t : info.parameters()) {
                if (ref.has(c + "grad." + t.name())) {
                    tensor("chunk*.grad.*", c + "grad." + t.name(), grads.get(t.name()),
                            ref.get(c + "grad." + t.name()).values());
                }
            }
            net.applyUpdate();
            optimizerStep("chunk*." + opt + ".*", c + opt, c + "grad.", grads, lr, f64);
        }
        compared.add("x");
        compared.add("y");
    }

    /** One training step on x and y, then a second one: the base and extended fixtures, and fixtures-w2 but chunks. */
    private void checkTwoSteps(int n, double lr) {
        Batch batch = batch(n, 0, 1);
        compared.add("x");
        compared.add("y");

        // both steps start from zero states, as PyTorch's did: a stateful model must not carry step 1's into step 2
        resetCarriedState();
        scalar("loss", net.computeGradients(batch));
        if (ref.has("logits")) {
            double[] logits = new double[info.maxBatch() * info.logitsPerSample()];
            net.copyLogits(logits);
            double[] want = ref.get("logits").values();
            if (batch.hasLengths() && info.outputSteps() > 1) {
                // Only valid positions are compared (fixtures-w2/README.md): padding holds whatever the model
                // computes there (PyTorch: fc.bias, or a decoder fed the padding targets)
                logits = validOnly(batch, n, logits, want);
            }
            tensor("logits", "logits", logits, want);
        }
        if (ref.has("tgt_lengths") && ref.has("h_n")) {
            // PyTorch's decoder runs all T_OUT steps on the padding targets, so its h_n reads them; rnnc never
            // reads padding, so there is nothing to compare (the loss and every gradient are compared)
            compared.add("h_n");
        } else {
            finalStates("", "");
        }
        Map<String, double[]> grads = gradients();
        for (TensorInfo t : info.parameters()) {
            if (ref.has("grad." + t.name())) {
                tensor("grad.*", "grad." + t.name(), grads.get(t.name()), ref.get("grad." + t.name()).values());
            }
        }
        scalar("grad_norm", net.applyUpdate());
        String opt = info.optimizer();
        boolean f64 = info.precision().equals("float64");
        optimizerStep(opt + "1.*", opt + "1", "grad.", grads, lr, f64);
        resetCarriedState();
        scalar("loss_after_" + opt + "1", net.computeGradients(batch));
        Map<String, double[]> grads2 = gradients();
        net.applyUpdate();
        optimizerStep(opt + "2.*", opt + "2", null, grads2, lr, f64);
    }

    private void resetCarriedState() {
        if (net instanceof StatefulModel s) {
            s.resetState();
        }
    }

    /** h_n and c_n of the file ({@code prefix} + "h_n") against the model's final states, in group prefix + "h_n". */
    private void finalStates(String group, String prefix) {
        if (!ref.has(prefix + "h_n") && !ref.has(prefix + "c_n")) {
            return;
        }
        int width = info.hidden().stream().mapToInt(Integer::intValue).sum();
        double[] h = new double[width * info.maxBatch()];
        double[] c = new double[width * info.maxBatch()];
        net.copyFinalStates(h, info.cells().contains("lstm") ? c : null);
        if (ref.has(prefix + "h_n")) {
            tensor(group + "h_n", prefix + "h_n", h, ref.get(prefix + "h_n").values());
        }
        if (ref.has(prefix + "c_n")) {
            tensor(group + "c_n", prefix + "c_n", c, ref.get(prefix + "c_n").values());
        }
    }

    private Map<String, double[]> gradients() {
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (TensorInfo t : info.parameters()) {
            grads.put(t.name(), net.gradients().copyOut(t.name()));
        }
        return grads;
    }

    /** Checks names and shapes (x and y hold {@code chunks} chunks, or one sample each); returns x's batch size n. */
    private int checkFits(int chunks) {
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
                int per = Math.max(1, chunks);
                String each = chunks > 0 ? " (" + chunks + " chunks of " + info.inputSteps() + " steps)" : "";
                if (ref.get("x").values().length != (long) n * per * info.inputValuesPerSample()) {
                    problems.add("x: " + ref.get("x").shapeString() + " does not hold " + per * info.inputValuesPerSample()
                            + " input values per sample" + each);
                }
                if (ref.get("y").values().length != (long) n * per * info.targetValuesPerSample()) {
                    problems.add("y: " + ref.get("y").shapeString() + " does not hold " + per * info.targetValuesPerSample()
                            + " target values per sample" + each);
                }
            }
        }
        if (chunks > 0 && !(net instanceof StatefulModel)) {
            problems.add("the file holds " + chunks + " stateful chunks (chunk0.*, ...); model " + info.name()
                    + " cannot carry its state from one chunk to the next (its spec needs 'sequence T MODE stateful')");
        }
        if (!problems.isEmpty()) {
            throw new RnncIoException(file + " does not match model " + info.name() + " (" + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        }
        return n;
    }

    /**
     * Chunk {@code j} of {@code chunks} of the file's x and y as a batch: row r's values
     * {@code [j·per, (j+1)·per)} of its {@code chunks·per} (the whole of x and y when chunks = 1).
     */
    private Batch batch(int n, int j, int chunks) {
        Batch b = Batch.forModel(info);
        b.setSize(n);
        double[] x = ref.get("x").values();
        double[] y = ref.get("y").values();
        int xs = info.inputValuesPerSample();
        int ys = info.targetValuesPerSample();
        for (int r = 0; r < n; r++) {
            int xFrom = (r * chunks + j) * xs;
            if (b.features != null) {
                System.arraycopy(x, xFrom, b.features, r * xs, xs);
            } else {
                for (int i = 0; i < xs; i++) {
                    b.tokens[r * xs + i] = (int) x[xFrom + i];
                }
            }
            int yFrom = (r * chunks + j) * ys;
            if (b.classes != null) {
                for (int i = 0; i < ys; i++) {
                    b.classes[r * ys + i] = (int) y[yFrom + i];
                }
            } else {
                System.arraycopy(y, yFrom, b.targets, r * ys, ys);
            }
        }
        // Per-sample lengths (fixtures-w2): input or source lengths, and seq2seq's target lengths
        for (String name : new String[] {"lengths", "src_lengths"}) {
            if (ref.has(name)) {
                double[] len = ref.get(name).values();
                for (int r = 0; r < n; r++) {
                    b.setLength(r, (int) len[r]);
                }
                compared.add(name);
            }
        }
        if (ref.has("tgt_lengths")) {
            double[] len = ref.get("tgt_lengths").values();
            for (int r = 0; r < n; r++) {
                b.setTargetLength(r, (int) len[r]);
            }
            compared.add("tgt_lengths");
        }
        return b;
    }

    /** {@code ours} with every padding position set to the reference's value, so that only valid ones count. */
    private double[] validOnly(Batch batch, int n, double[] ours, double[] want) {
        double[] out = ours.clone();
        int steps = info.outputSteps();
        int per = info.outputs();
        boolean targets = info.mode().equals("seq2seq");
        for (int b = 0; b < n; b++) {
            int len = targets ? batch.targetLength(b) : batch.length(b);
            for (int t = len; t < steps; t++) {
                int o = (b * steps + t) * per;
                System.arraycopy(want, o, out, o, per);
            }
        }
        return out;
    }

    /**
     * The parameters after an optimizer step ({@code prefix.<param>}) in {@code group}; {@code refGrads} is the
     * prefix of the file's gradients of that step ({@code grad.}), or null if the file has none.
     */
    private void optimizerStep(String group, String prefix, String refGrads, Map<String, double[]> ourGrads, double lr,
                               boolean f64) {
        for (TensorInfo t : info.parameters()) {
            String name = prefix + "." + t.name();
            if (!ref.has(name)) {
                continue;
            }
            double[] ours = net.parameters().copyOut(t.name());
            double[] want = ref.get(name).values();
            double[] refGrad = refGrads != null && ref.has(refGrads + t.name()) ? ref.get(refGrads + t.name()).values()
                    : null;
            double[] ourGrad = ourGrads.get(t.name());
            double scale = Math.max(1, maxAbs(want));
            double err = ours.length != want.length ? Double.POSITIVE_INFINITY : 0;
            for (int i = 0; i < want.length && i < ours.length; i++) {
                double d = Math.abs(ours[i] - want[i]);
                double g = Math.abs(ourGrad[i]);
                if (refGrad != null) {
                    g = Math.min(g, Math.abs(refGrad[i]));
                }
                if (!f64 && g < 1e-6 && d <= 0.05 * lr) {
                    continue; // Adam's step is ill-conditioned where the gradient is tiny
                }
                err = Math.max(err, d / scale);
            }
            add(group, name, err);
        }
    }

    private void scalar(String name, double ours) {
        if (ref.has(name)) {
            add(name, name, scalarError(name, ours));
        }
    }

    private double scalarError(String name, double ours) {
        double want = ref.get(name).values()[0];
        return Math.abs(ours - want) / Math.max(1, Math.abs(want));
    }

    private void tensor(String group, String name, double[] ours, double[] want) {
        double scale = Math.max(1, maxAbs(want));
        double err = 0;
        if (ours.length < want.length) {
            err = Double.POSITIVE_INFINITY;
        } else {
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(ours[i] - want[i]) / scale);
            }
        }
        add(group, name, err);
    }

    private void add(String group, String name, double err) {
        double[] g = groups.computeIfAbsent(group, k -> new double[2]);
        g[0]++;
        if (!(err <= g[1])) {
            g[1] = err;
            where.put(group, name);
        }
        compared.add(name);
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
