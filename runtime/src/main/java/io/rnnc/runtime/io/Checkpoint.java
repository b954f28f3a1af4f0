package io.rnnc.runtime.io;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Saves and loads an {@link RnnModel} as a safetensors file that PyTorch reads too.
 *
 * <p>Layout of a checkpoint written by {@link #save}:
 * <ul>
 *   <li>every parameter under its PyTorch state_dict name ({@code rnn.weight_ih_l0}, ..., {@code fc.bias}),
 *       F32 for float32 models and F64 for float64 ones;</li>
 *   <li>every optimizer slot as {@code optimizer.<slot>.<parameter>}, e.g.
 *       {@code optimizer.exp_avg.rnn.weight_ih_l0};</li>
 *   <li>{@code __metadata__} (strings only, as {@code safetensors.torch} requires), keys written sorted
 *       so that the same state always gives the same bytes:
 *       <ul>
 *         <li>{@code format=pt};</li>
 *         <li>the model's identity: {@code rnnc.model} (class name), {@code rnnc.spec_hash} (see
 *             {@link #specHash}), {@code rnnc.architecture} (the same identity, readable, for messages) and
 *             {@code rnnc.precision};</li>
 *         <li>{@code rnnc.optimizer} and {@code rnnc.optimizer.step} (full checkpoints);</li>
 *         <li>the training {@link Position}: {@code rnnc.epoch}, {@code rnnc.step}, {@code rnnc.seed},
 *             {@code rnnc.batch} and {@code rnnc.extra.*};</li>
 *         <li>{@value #DATA_PREFIX}{@code *}: what the data pipeline needs to feed the model again
 *             (vocabulary, normalisation statistics, data format), free-form strings given to
 *             {@link #save(Path, RnnModel, Position, Map)} and returned by {@link Loaded#data()}.</li>
 *       </ul></li>
 * </ul>
 * In PyTorch: {@code sd = safetensors.torch.load_file(f);
 * model.load_state_dict({k: v for k, v in sd.items() if not k.startswith("optimizer.")})}.
 * {@link #saveParameters} writes the parameters alone, a plain state_dict file.
 *
 * <p>{@link #load} accepts both kinds, and files written by PyTorch's {@code save_file(model.state_dict())}
 * (the optimizer then starts afresh). Before it changes anything it checks, and reports every problem
 * in one message:
 * <ul>
 *   <li>the model: a file written by rnnc for another model (name) or another spec of this model (spec
 *       hash) is refused even when its tensors have the right names and shapes, unless loaded with
 *       {@link Match#SHAPES}; a file without rnnc metadata (PyTorch's) can only be checked by names and
 *       shapes, and {@link Loaded#note()} says so;</li>
 *   <li>every name and shape;</li>
 *   <li>every value: NaN or infinite weights (or optimizer moments) are refused, naming the tensor and the
 *       first bad index.</li>
 * </ul>
 */
public final class Checkpoint {

    /** Prefix of optimizer slot tensors. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private static final String EPOCH = "rnnc.epoch";
    private static final String STEP = "rnnc.step";
    private static final String SEED = "rnnc.seed";
    private static final String BATCH = "rnnc.batch";
    private static final String OPTIMIZER = "rnnc.optimizer";
    private static final String OPTIMIZER_STEP = "rnnc.optimizer.step";
    private static final String EXTRA = "rnnc.extra.";
    private static final String MODEL = "rnnc.model";
    private static final String SPEC_HASH = "rnnc.spec_hash";
    private static final String ARCHITECTURE = "rnnc.architecture";

    /** Prefix of the data pipeline's metadata keys (vocabulary, normalisation statistics, data format). */
    public static final String DATA_PREFIX = "rnnc.data.";

    /** How strictly {@link #load(Path, RnnModel, Match)} checks that a file belongs to the model. */
    public enum Match {
        /** The model name and spec hash recorded by rnnc must be the model's (and every name and shape). */
        MODEL,
        /** Names and shapes only: another model's weights, or a spec edited since the file was written. */
        SHAPES
    }

    /**
     * What {@link #load(Path, RnnModel, Match)} loaded.
     *
     * @param position  where the training run stood, or empty for a parameters-only file (the optimizer is
     *                  then reset)
     * @param data      the {@value #DATA_PREFIX}* metadata, keys without the prefix, in key order
     * @param writtenBy the model name recorded in the file, or null (not written by rnnc)
     * @param note      null if the file's model identity was checked and matched; otherwise one sentence
     *                  saying it was loaded by names and shapes only, and why, for a front end to show
     */
    public record Loaded(Optional<Position> position, Map<String, String> data, String writtenBy, String note) {
        public Loaded {
            data = Collections.unmodifiableMap(new TreeMap<>(data));
        }
    }

    /**
     * Where a training run stands, enough to continue it exactly: epochs completed, optimizer steps the
     * trainer took, the shuffling seed (each epoch's order is a pure function of seed and epoch) and
     * the batch size. {@code extra} carries free-form strings (e.g. the best validation loss).
     */
    public record Position(int epoch, long step, long seed, int batchSize, Map<String, String> extra) {
        public Position {
            if (epoch < 0 || step < 0 || batchSize < 0) {
                throw new IllegalArgumentException("negative position: epoch " + epoch + ", step " + step + ", batch " + batchSize);
            }
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        public Position(int epoch, long step, long seed, int batchSize) {
            this(epoch, step, seed, batchSize, Map.of());
        }
    }

    private Checkpoint() {
    }

    /** Parameters, optimizer state and position, atomically. */
    public static void save(Path file, RnnModel model, Position position) {
        save(file, model, position, Map.of());
    }

    /**
     * Parameters, optimizer state, position and the data pipeline's metadata ({@code data}, stored under
     * {@value #DATA_PREFIX}), atomically.
     */
    public static void save(Path file, RnnModel model, Position position, Map<String, String> data) {
        ModelInfo info = model.info();
        TensorStore params = model.parameters();
        OptimizerState opt = model.optimizerState();
        String dtype = dtype(params);
        List<SafeTensors.Tensor> tensors = new ArrayList<>(tensors("", params, dtype));
        for (int s = 0; s < opt.slotNames().size(); s++) {
            tensors.addAll(tensors(OPTIMIZER_PREFIX + opt.slotNames().get(s) + ".", opt.slots().get(s), dtype));
        }
        Map<String, String> meta = baseMetadata(info);
        meta.put(OPTIMIZER, opt.kind());
        meta.put(OPTIMIZER_STEP, Long.toString(opt.step()));
        meta.put(EPOCH, Integer.toString(position.epoch()));
        meta.put(STEP, Long.toString(position.step()));
        meta.put(SEED, Long.toString(position.seed()));
        meta.put(BATCH, Integer.toString(position.batchSize()));
        position.extra().forEach((k, v) -> meta.put(EXTRA + k, v));
        putData(meta, data);
        SafeTensors.write(file, tensors, meta, SafeTensors.Order.GIVEN);
    }

    /** The parameters alone, as PyTorch's {@code save_file(model.state_dict())} would write them. */
    public static void saveParameters(Path file, RnnModel model) {
        saveParameters(file, model, Map.of());
    }

    /** The parameters and the data pipeline's metadata (see {@link #save(Path, RnnModel, Position, Map)}). */
    public static void saveParameters(Path file, RnnModel model, Map<String, String> data) {
        TensorStore params = model.parameters();
        Map<String, String> meta = baseMetadata(model.info());
        putData(meta, data);
        SafeTensors.write(file, tensors("", params, dtype(params)), meta, SafeTensors.Order.GIVEN);
    }

    private static void putData(Map<String, String> meta, Map<String, String> data) {
        data.forEach((k, v) -> {
            if (k.isEmpty() || v == null) {
                throw new IllegalArgumentException("data metadata needs a non-empty key and a value: '" + k + "' = " + v);
            }
            meta.put(DATA_PREFIX + k, v);
        });
    }

    /**
     * Loads parameters (and optimizer state, if the file has it) into {@code model}, then calls
     * {@link RnnModel#parametersChanged()}, checking the model's identity ({@link Match#MODEL}). Nothing is
     * changed if any check fails.
     *
     * @return the training position, or empty for a parameters-only file (the optimizer is then reset)
     * @throws RnncIoException with every mismatch between file and model, one per line
     */
    public static Optional<Position> load(Path file, RnnModel model) {
        return load(file, model, Match.MODEL).position();
    }

    /**
     * Loads parameters (and optimizer state, if the file has it) into {@code model}, then calls
     * {@link RnnModel#parametersChanged()}. Nothing is changed if any check fails.
     *
     * @throws RnncIoException with every problem (identity, names, shapes, values), one per line
     */
    public static Loaded load(Path file, RnnModel model, Match match) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        return apply(file.toString(), contents, model, match);
    }

    /** Like {@link #load(Path, RnnModel)} for contents already read; {@code where} names the source in messages. */
    public static Optional<Position> apply(String where, SafeTensors.Contents contents, RnnModel model) {
        return apply(where, contents, model, Match.MODEL).position();
    }

    /** Like {@link #load(Path, RnnModel, Match)} for contents already read; {@code where} names the source. */
    public static Loaded apply(String where, SafeTensors.Contents contents, RnnModel model, Match match) {
        return checkOrApply(where, contents, model, match, true);
    }

    /**
     * Every check of {@link #apply(String, SafeTensors.Contents, RnnModel, Match)}, without changing the
     * model: what a front end calls to refuse a file (or its flags) before it starts anything.
     */
    public static Loaded check(String where, SafeTensors.Contents contents, RnnModel model, Match match) {
        return checkOrApply(where, contents, model, match, false);
    }

    private static Loaded checkOrApply(String where, SafeTensors.Contents contents, RnnModel model, Match match, boolean apply) {
        TensorStore params = model.parameters();
        OptimizerState opt = model.optimizerState();
        List<String> problems = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (TensorInfo t : params.tensors()) {
            expected.add(t.name());
            checkShape(contents, t.name(), t.shape(), problems);
        }
        boolean hasOptimizer = contents.tensors().keySet().stream().anyMatch(n -> n.startsWith(OPTIMIZER_PREFIX));
        if (hasOptimizer) {
            String fileKind = contents.metadata().get(OPTIMIZER);
            if (fileKind != null && !fileKind.equals(opt.kind())) {
                problems.add("optimizer: the file holds " + fileKind + " state, the model uses " + opt.kind()
                        + " (load a parameters-only file to start the optimizer afresh)");
                contents.tensors().keySet().stream().filter(n -> n.startsWith(OPTIMIZER_PREFIX)).forEach(expected::add);
            } else {
                for (String slot : opt.slotNames()) {
                    for (TensorInfo t : params.tensors()) {
                        String name = OPTIMIZER_PREFIX + slot + "." + t.name();
                        expected.add(name);
                        checkShape(contents, name, t.shape(), problems);
                    }
                }
            }
        }
        for (SafeTensors.Tensor t : contents.tensors().values()) {
            if (!expected.contains(t.name())) {
                problems.add(t.name() + ": not in the model (file has " + t.shapeString() + ")");
            }
        }
        boolean float32 = !params.dtype().equals("float64");
        for (SafeTensors.Tensor t : contents.tensors().values()) {
            if (expected.contains(t.name())) {
                checkFinite(t, float32, problems);
            }
        }
        Map<String, String> meta = contents.metadata();
        String note = null;
        String identityProblem = null;
        ModelInfo info = model.info();
        String fileModel = meta.get(MODEL);
        String fileHash = meta.get(SPEC_HASH);
        String hash = specHash(info);
        String fileIs = "model " + fileModel + (fileHash == null ? "" : " (spec hash " + fileHash
                + (meta.containsKey(ARCHITECTURE) ? ": " + meta.get(ARCHITECTURE) : "") + ")");
        String modelIs = info.name() + " (spec hash " + hash + ": " + architecture(info) + ")";
        if (fileModel == null) {
            note = where + " has no rnnc metadata (not written by rnnc, e.g. a PyTorch state_dict): loaded by names and shapes only";
        } else if (!fileModel.equals(info.name())) {
            identityProblem = "model: the file was written by " + fileIs + ", not by " + modelIs;
        } else if (fileHash == null) {
            note = where + " was written by an rnnc that did not record spec hashes: checked by model name, names and shapes";
        } else if (!fileHash.equals(hash) && problems.isEmpty()) {
            // With names or shapes that differ, those lines already say how the specs differ.
            identityProblem = "model: the file was written by another spec of " + fileIs + ", not by this spec of " + modelIs;
        }
        if (identityProblem != null && match == Match.SHAPES) {
            note = where + " was loaded by names and shapes only, as asked: " + identityProblem.substring("model: ".length());
            identityProblem = null;
        }
        boolean onlyIdentity = identityProblem != null && problems.isEmpty();
        if (identityProblem != null) {
            problems.add(0, identityProblem);
        }
        long optimizerStep = hasOptimizer ? number(meta, OPTIMIZER_STEP, true, problems) : 0;
        Position position = parsePosition(meta, problems);
        if (!problems.isEmpty()) {
            throw new RnncIoException(where + " does not fit model " + info.name() + " ("
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n  "
                    + String.join("\n  ", problems)
                    + (onlyIdentity ? "\n  its tensors have this model's names and shapes: to load them anyway, by names and shapes"
                    + " only, pass --force (from Java: Checkpoint.Match.SHAPES)" : ""));
        }
        Map<String, String> data = new TreeMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(DATA_PREFIX)) {
                data.put(k.substring(DATA_PREFIX.length()), v);
            }
        });
        Loaded loaded = new Loaded(Optional.ofNullable(position), data, fileModel, note);
        if (!apply) {
            return loaded;
        }
        for (TensorInfo t : params.tensors()) {
            params.copyIn(t.name(), contents.get(t.name()).values());
        }
        if (hasOptimizer) {
            for (int s = 0; s < opt.slotNames().size(); s++) {
                TensorStore slot = opt.slots().get(s);
                String prefix = OPTIMIZER_PREFIX + opt.slotNames().get(s) + ".";
                for (TensorInfo t : params.tensors()) {
                    slot.copyIn(t.name(), contents.get(prefix + t.name()).values());
                }
            }
            opt.setStep(optimizerStep);
        } else {
            opt.reset();
        }
        model.parametersChanged();
        return loaded;
    }

    /**
     * The training position recorded in a file's metadata, without loading anything: a front end reads it
     * to resolve flags (batch, seed) before it starts.
     *
     * @return empty for a parameters-only file
     * @throws RnncIoException if the recorded position is malformed
     */
    public static Optional<Position> position(String where, SafeTensors.Contents contents) {
        List<String> problems = new ArrayList<>();
        Position p = parsePosition(contents.metadata(), problems);
        if (!problems.isEmpty()) {
            throw new RnncIoException(where + ": malformed training position:\n  " + String.join("\n  ", problems));
        }
        return Optional.ofNullable(p);
    }

    /** {@link #position(String, SafeTensors.Contents)} of a file. */
    public static Optional<Position> position(Path file) {
        return position(file.toString(), SafeTensors.read(file));
    }

    private static Position parsePosition(Map<String, String> meta, List<String> problems) {
        if (!meta.containsKey(EPOCH)) {
            return null;
        }
        int before = problems.size();
        long epoch = number(meta, EPOCH, true, problems);
        long step = number(meta, STEP, true, problems);
        long seed = number(meta, SEED, false, problems);
        long batch = number(meta, BATCH, true, problems);
        if (epoch > Integer.MAX_VALUE || batch > Integer.MAX_VALUE) {
            problems.add("metadata: epoch " + epoch + " or batch " + batch + " is out of range");
        }
        if (problems.size() > before) {
            return null;
        }
        Map<String, String> extra = new TreeMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(EXTRA)) {
                extra.put(k.substring(EXTRA.length()), v);
            }
        });
        return new Position((int) epoch, step, seed, (int) batch, extra);
    }

    /**
     * Refuses NaN and infinite values (and, for a float32 model, values beyond float32's range), naming
     * the first bad element: a model never recovers from one, and it would only show as a NaN loss later.
     */
    private static void checkFinite(SafeTensors.Tensor t, boolean float32, List<String> problems) {
        double[] v = t.values();
        int first = -1;
        int bad = 0;
        for (int i = 0; i < v.length; i++) {
            double x = float32 ? (float) v[i] : v[i];
            if (!Double.isFinite(x)) {
                first = first < 0 ? i : first;
                bad++;
            }
        }
        if (bad > 0) {
            double x = float32 ? (float) v[first] : v[first];
            problems.add(t.name() + ": " + (Double.isFinite(v[first]) ? v[first] + " overflows float32" : x)
                    + " at " + index(t.shape(), first) + " (element " + first + " of " + v.length + ")"
                    + (bad > 1 ? " and " + (bad - 1) + " more non-finite value" + (bad > 2 ? "s" : "") : "")
                    + "; weights must be finite");
        }
    }

    /** Row-major flat index to {@code [i, j, ...]}. */
    private static String index(int[] shape, int flat) {
        int[] at = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? flat : flat / shape[d];
        }
        return Arrays.toString(at);
    }

    /**
     * The model's identity as a checkpoint records it: a SHA-256 (first 16 hex digits) of
     * {@link #architecture} and every parameter's name and shape. It covers what gives the weights their
     * meaning (mode, input kind and sizes, steps, cells, widths, head, loss, tensors) and leaves out the
     * model's name (checked on its own, so a message can name both), the precision and the optimizer
     * (checked on their own) and everything that only steers training (learning rate, batch, clipping,
     * dropout): a spec edited in those, re-formatted or re-commented still loads its checkpoints, which a
     * hash of the spec text would refuse.
     */
    public static String specHash(ModelInfo info) {
        StringBuilder s = new StringBuilder("rnnc-identity-1\n").append(architecture(info)).append('\n');
        for (TensorInfo t : info.parameters()) {
            s.append(t.name()).append(' ').append(Arrays.toString(t.shape())).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The identity {@link #specHash} covers, readable: {@code many_to_one, features 28, steps 28 -> 1,
     * rnn_tanh 100 / rnn_tanh 100, softmax 10, cross_entropy}.
     */
    public static String architecture(ModelInfo info) {
        List<String> layers = new ArrayList<>();
        for (int l = 0; l < info.cells().size(); l++) {
            layers.add(info.cells().get(l) + " " + (l < info.hidden().size() ? info.hidden().get(l) : "?"));
        }
        List<String> parts = new ArrayList<>(List.of(info.mode(),
                info.inputKind() + " " + (info.tokenInputs() ? info.vocab() : info.inputSize()),
                "steps " + info.inputSteps() + " -> " + info.outputSteps()));
        if (!layers.isEmpty()) {
            parts.add(String.join(" / ", layers));
        }
        parts.add(info.head() + " " + info.outputs());
        parts.add(info.loss());
        return String.join(", ", parts);
    }

    private static void checkShape(SafeTensors.Contents contents, String name, int[] shape, List<String> problems) {
        if (!contents.has(name)) {
            problems.add(name + ": missing from the file (expected " + Arrays.toString(shape) + ")");
            return;
        }
        int[] has = contents.get(name).shape();
        if (!Arrays.equals(has, shape)) {
            problems.add(name + ": expected " + Arrays.toString(shape) + ", file has " + Arrays.toString(has));
        }
    }

    private static long number(Map<String, String> meta, String key, boolean nonNegative, List<String> problems) {
        String v = meta.get(key);
        if (v == null) {
            problems.add("metadata: " + key + " is missing");
            return 0;
        }
        try {
            long n = Long.parseLong(v);
            if (nonNegative && n < 0) {
                problems.add("metadata: " + key + " is " + v + ", expected a non-negative integer");
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add("metadata: " + key + " is '" + v + "', expected an integer");
            return 0;
        }
    }

    private static Map<String, String> baseMetadata(ModelInfo info) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(MODEL, info.name());
        meta.put(SPEC_HASH, specHash(info));
        meta.put(ARCHITECTURE, architecture(info));
        meta.put("rnnc.precision", info.precision());
        return meta;
    }

    private static String dtype(TensorStore store) {
        return store.dtype().equals("float64") ? "F64" : "F32";
    }

    private static List<SafeTensors.Tensor> tensors(String prefix, TensorStore store, String dtype) {
        List<SafeTensors.Tensor> out = new ArrayList<>();
        for (TensorInfo t : store.tensors()) {
            out.add(new SafeTensors.Tensor(prefix + t.name(), dtype, t.shape(), store.copyOut(t.name())));
        }
        return out;
    }
}
