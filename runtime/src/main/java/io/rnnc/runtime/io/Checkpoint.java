package io.rnnc.runtime.io;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Saves and loads an {@link RnnModel} as a safetensors file that PyTorch reads too.
 *
 * <p>Layout of a checkpoint written by {@link #save}:
 * <ul>
 *   <li>every parameter under its PyTorch state_dict name ({@code rnn.weight_ih_l0}, ..., {@code fc.bias}),
 *       F32 for float32 models and F64 for float64 ones;</li>
 *   <li>every optimizer slot as {@code optimizer.<slot>.<parameter>}, e.g.
 *       {@code optimizer.exp_avg.rnn.weight_ih_l0};</li>
 *   <li>{@code __metadata__} (strings only, as {@code safetensors.torch} requires): {@code format=pt},
 *       the model, the optimizer and its step, and the training {@link Position}.</li>
 * </ul>
 * In PyTorch: {@code sd = safetensors.torch.load_file(f);
 * model.load_state_dict({k: v for k, v in sd.items() if not k.startswith("optimizer.")})}.
 * {@link #saveParameters} writes the parameters alone, a plain state_dict file.
 *
 * <p>{@link #load} accepts both kinds, and files written by PyTorch's {@code save_file(model.state_dict())}
 * (the optimizer then starts afresh). It checks every name and shape against the model before it
 * changes anything, and reports every mismatch in one message.
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
        SafeTensors.write(file, tensors, meta, SafeTensors.Order.GIVEN);
    }

    /** The parameters alone, as PyTorch's {@code save_file(model.state_dict())} would write them. */
    public static void saveParameters(Path file, RnnModel model) {
        TensorStore params = model.parameters();
        SafeTensors.write(file, tensors("", params, dtype(params)), baseMetadata(model.info()), SafeTensors.Order.GIVEN);
    }

    /**
     * Loads parameters (and optimizer state, if the file has it) into {@code model}, then calls
     * {@link RnnModel#parametersChanged()}. Nothing is changed if any check fails.
     *
     * @return the training position, or empty for a parameters-only file (the optimizer is then reset)
     * @throws RnncIoException with every mismatch between file and model, one per line
     */
    public static Optional<Position> load(Path file, RnnModel model) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        return apply(file.toString(), contents, model);
    }

    /** Like {@link #load} for contents already read; {@code where} names the source in messages. */
    public static Optional<Position> apply(String where, SafeTensors.Contents contents, RnnModel model) {
        TensorStore params = model.parameters();
        OptimizerState opt = model.optimizerState();
        List<String> problems = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (TensorInfo t : params.tensors()) {
            expected.add(t.name());
            check(contents, t.name(), t.shape(), problems);
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
                        check(contents, name, t.shape(), problems);
                    }
                }
            }
        }
        for (SafeTensors.Tensor t : contents.tensors().values()) {
            if (!expected.contains(t.name())) {
                problems.add(t.name() + ": not in the model (file has " + t.shapeString() + ")");
            }
        }
        Map<String, String> meta = contents.metadata();
        long optimizerStep = hasOptimizer ? number(meta, OPTIMIZER_STEP, true, problems) : 0;
        Position position = null;
        if (meta.containsKey(EPOCH)) {
            long epoch = number(meta, EPOCH, true, problems);
            long step = number(meta, STEP, true, problems);
            long seed = number(meta, SEED, false, problems);
            long batch = number(meta, BATCH, true, problems);
            if (epoch > Integer.MAX_VALUE || batch > Integer.MAX_VALUE) {
                problems.add("metadata: epoch " + epoch + " or batch " + batch + " is out of range");
            } else if (problems.isEmpty()) {
                Map<String, String> extra = new LinkedHashMap<>();
                meta.forEach((k, v) -> {
                    if (k.startsWith(EXTRA)) {
                        extra.put(k.substring(EXTRA.length()), v);
                    }
                });
                position = new Position((int) epoch, step, seed, (int) batch, extra);
            }
        }
        if (!problems.isEmpty()) {
            throw new RnncIoException(where + " does not fit model " + model.info().name() + " ("
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n  "
                    + String.join("\n  ", problems));
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
        return Optional.ofNullable(position);
    }

    private static void check(SafeTensors.Contents contents, String name, int[] shape, List<String> problems) {
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
        meta.put("rnnc.model", info.name());
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
