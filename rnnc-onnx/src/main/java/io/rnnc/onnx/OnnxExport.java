package io.rnnc.onnx;

import static io.rnnc.onnx.GraphBuilder.Dim;
import static io.rnnc.onnx.GraphBuilder.intAttr;
import static io.rnnc.onnx.GraphBuilder.intsAttr;
import static io.rnnc.onnx.GraphBuilder.stringAttr;
import static io.rnnc.onnx.GraphBuilder.stringsAttr;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.driver.RnncVersion;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.DenseHead;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.compiler.model.Stack;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.io.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exports a validated {@link Model} and its trained weights as ONNX: the same forward pass as the
 * generated class's {@code forward}, in ONNX's own recurrent operators ({@code RNN}, {@code LSTM},
 * {@code GRU}), so that ONNX Runtime (Java, C#, C++, the browser) or any ONNX reader runs it.
 *
 * <h2>What each mode becomes</h2>
 * <ul>
 *   <li><b>many_to_one, many_to_many, one_to_one</b>: one graph, the whole sequence in one call: {@code input}
 *       {@code [batch, steps, I]} floats (one_to_one {@code [batch, I]}) or {@code tokens} {@code [batch, steps]}
 *       int64 ids; out come {@code logits} and {@code output} (after the head's activation),
 *       {@code [batch, O]} or {@code [batch, steps, O]}, and each layer's final state
 *       {@code h_out_l<l>} (and {@code c_out_l<l>} for LSTM) {@code [directions, batch, H_l]}. {@code steps} may be
 *       any length. With {@link Options#lengths} the graph also takes {@code lengths} {@code [batch]} int32
 *       (ONNX's {@code sequence_lens}: PyTorch's packed sequences; many_to_one's head reads each row's last
 *       real step).</li>
 *   <li><b>one_to_many</b>: one step per call, the caller loops: {@code input} {@code [batch, I]},
 *       {@code feedback} {@code [batch, O]} (zeros at the first step, then the previous step's output as
 *       the model was trained: one-hot of the chosen class for softmax, the values otherwise) and the state
 *       {@code h_in_l<l>} / {@code c_in_l<l>}; out come the step's {@code logits}, {@code output} and the
 *       next state {@code h_out_l<l>} / {@code c_out_l<l>}.</li>
 *   <li><b>seq2seq</b>: two graphs. The encoder ({@code tokens} {@code [batch, source_steps]}, optional
 *       {@code lengths}) gives every layer's final state; the decoder takes {@code tokens}
 *       {@code [batch, steps]} (one step: steps = 1; the first token is the start id 0) and the state, and
 *       gives {@code logits}, {@code output} {@code [batch, steps, V]} and the next state.</li>
 * </ul>
 *
 * <h2>Choices</h2>
 * The file is ONNX IR version {@value #IR_VERSION} with the default-domain opset {@value #OPSET}: the
 * recurrent operators' newest revision (14), readable by ONNX Runtime 1.10 and later and by every ONNX
 * tool since 2021. Tensors are time-major inside ({@code layout=0}, which every runtime implements);
 * the graph transposes the batch-first inputs. Weights are float32; a float64 model (kept for gradient
 * checking) is exported in float32, its weights rounded. A bidirectional layer is one node with
 * {@code direction="bidirectional"} (W, R, B stacked [forward; reverse]); its Y {@code [T, 2, B, H]} becomes
 * the next layer's {@code [T, B, 2H]}, its final states are {@code [2, batch, H]}, and many_to_one's head reads
 * {@code Y_h} as PyTorch's {@code cat(h_n[-2], h_n[-1])}. Dropout is training-only and exports as nothing.
 */
public final class OnnxExport {

    /** ONNX IR version 8 (ONNX 1.10+). */
    public static final int IR_VERSION = 8;
    /** Default-domain operator set: the newest revision of RNN, LSTM and GRU. */
    public static final int OPSET = 14;

    /** Export options. {@code lengths}: add a {@code lengths} input (many_to_one, many_to_many, the seq2seq encoder). */
    public record Options(boolean lengths) {
        public static Options defaults() {
            return new Options(false);
        }
    }

    /**
     * One exported graph.
     *
     * @param role   {@code model} for a single graph, {@code encoder} / {@code decoder} for seq2seq
     * @param proto  the ONNX model
     */
    public record Graph(String role, ModelProto proto) {
        public byte[] bytes() {
            return proto.toByteArray();
        }
    }

    /** What {@link #export} made: one graph, or seq2seq's encoder and decoder. */
    public record Export(Model model, List<Graph> graphs) {
        public Export {
            graphs = List.copyOf(graphs);
        }

        /**
         * The files {@link #write} writes for {@code target}: {@code target} itself for one graph; for two,
         * {@code name.encoder.onnx} and {@code name.decoder.onnx} beside it.
         */
        public List<Path> files(Path target) {
            if (graphs.size() == 1) {
                return List.of(target);
            }
            String name = target.getFileName().toString();
            String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
            List<Path> files = new ArrayList<>();
            for (Graph g : graphs) {
                files.add(target.resolveSibling(stem + "." + g.role() + ".onnx"));
            }
            return files;
        }

        /** Writes every graph (each atomically: a temporary file, then a rename); returns the files. */
        public List<Path> write(Path target) {
            List<Path> files = files(target);
            for (int i = 0; i < graphs.size(); i++) {
                Path file = files.get(i).toAbsolutePath();
                try {
                    Path dir = file.getParent();
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
                    try {
                        Files.write(tmp, graphs.get(i).bytes());
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                } catch (IOException e) {
                    String why = e instanceof AccessDeniedException ? "permission denied"
                            : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
                    throw new UncheckedIOException("cannot write " + file + ": " + why, e);
                }
            }
            return files;
        }
    }

    private final Model model;
    private final TensorStore weights;
    private final Options options;
    /** Every parameter a graph has read, so that none is silently left out. */
    private final Set<String> read = new HashSet<>();

    private OnnxExport(Model model, TensorStore weights, Options options) {
        this.model = model;
        this.weights = weights;
        this.options = options;
    }

    /**
     * Exports {@code model} with the weights of {@code parameters} (a generated class's
     * {@link RnnModel#parameters()}, e.g. after {@link Checkpoint#load}).
     *
     * @throws OnnxExportException if the weights do not fit the model (names, shapes, values a float32 cannot
     *                             hold) or an option does not apply to its mode
     */
    public static Export export(Model model, TensorStore parameters, Options options) {
        checkWeights(model, parameters);
        return new OnnxExport(model, parameters, options).build();
    }

    /**
     * Compiles {@code model}'s class in memory, loads {@code checkpoint} into it (every check of
     * {@link Checkpoint#load(Path, RnnModel, Checkpoint.Match)}) and exports it.
     *
     * @throws io.rnnc.runtime.io.RnncIoException if the file cannot be read or does not fit the model
     * @throws OnnxExportException                 as {@link #export(Model, TensorStore, Options)}
     */
    public static Export export(Model model, Path checkpoint, Checkpoint.Match match, Options options) {
        GeneratedSource source = CodeGenerator.generate(model);
        RnnModel net = InMemoryCompiler.compile(source).instantiate(source.qualifiedName(), RnnModel.class);
        Checkpoint.load(checkpoint, net, match);
        return export(model, net.parameters(), options);
    }

    private Export build() {
        SequenceMode mode = model.mode();
        if (options.lengths() && (mode == SequenceMode.ONE_TO_ONE || mode == SequenceMode.ONE_TO_MANY)) {
            throw new OnnxExportException(model.stack().pos(), "model " + model.name() + " is " + mode.keyword()
                    + ": its input is one vector, so it takes no lengths (lengths apply to many_to_one, many_to_many"
                    + " and the encoder of an encoder-decoder)");
        }
        List<Graph> graphs = switch (mode) {
            case MANY_TO_ONE, MANY_TO_MANY, ONE_TO_ONE -> List.of(new Graph("model", wholeSequence()));
            case ONE_TO_MANY -> List.of(new Graph("model", oneToManyStep()));
            case SEQ2SEQ -> List.of(new Graph("encoder", encoder()), new Graph("decoder", decoder()));
        };
        // A tensor the graphs do not read is a part of the model they leave out: refuse rather than export less.
        List<String> unread = model.parameters().stream().map(ParamSpec::name).filter(n -> !read.contains(n)).toList();
        if (!unread.isEmpty()) {
            throw new OnnxExportException(model.pos(), "model " + model.name() + " has parameters the ONNX export does not"
                    + " know how to map: " + String.join(", ", unread));
        }
        return new Export(model, graphs);
    }

    // ---- the graphs of each mode ----

    private ModelProto wholeSequence() {
        boolean oneStep = model.mode() == SequenceMode.ONE_TO_ONE;
        GraphBuilder g = new GraphBuilder(model.name(), "rnnc model " + model.name() + " (" + model.mode().keyword()
                + "), the generated class's forward pass");
        Stack stack = model.stack();
        String x;
        if (oneStep && !stack.input().isTokens()) {
            String in = g.floatInput("input", "features [batch, I]", Dim.named("batch"), Dim.of(stack.input().width()));
            x = g.node1("Unsqueeze", List.of(in, axes(g, 0)), "input_time_major");
        } else {
            x = sequenceInput(g, stack, "steps");
        }
        String lengths = options.lengths() ? lengthsInput(g) : "";
        boolean perStep = model.mode() == SequenceMode.MANY_TO_MANY;
        StackOut out = stack(g, stack, x, lengths, false);
        head(g, out, perStep, perStep ? "steps" : null);
        stateOutputs(g, stack, out);
        return modelProto(g, "model");
    }

    private ModelProto oneToManyStep() {
        GraphBuilder g = new GraphBuilder(model.name(), "rnnc model " + model.name()
                + " (one_to_many), one step: the caller loops, feeding back each step's output and state");
        Stack stack = model.stack();
        DenseHead head = model.head();
        String in = g.floatInput("input", "features [batch, I], the same at every step", Dim.named("batch"),
                Dim.of(stack.input().width()));
        String feedback = g.floatInput("feedback", "the previous step's output [batch, O]: zeros at the first step, "
                + (head.activation() == HeadActivation.SOFTMAX ? "then one-hot of the class chosen"
                : "then the previous output values"), Dim.named("batch"), Dim.of(head.outputs()));
        String u = g.node1("Concat", List.of(in, feedback), "step_input", intAttr("axis", 1));
        String x = g.node1("Unsqueeze", List.of(u, axes(g, 0)), "step_input_time_major");
        StackOut out = stack(g, stack, x, "", true);
        head(g, out, false, null);
        stateOutputs(g, stack, out);
        return modelProto(g, "model");
    }

    private ModelProto encoder() {
        Stack enc = model.encoder().orElseThrow();
        GraphBuilder g = new GraphBuilder(model.name() + "_encoder", "rnnc model " + model.name()
                + " (seq2seq), encoder: its final states seed the decoder");
        String x = sequenceInput(g, enc, "source_steps");
        String lengths = options.lengths() ? lengthsInput(g) : "";
        StackOut out = stack(g, enc, x, lengths, false);
        stateOutputs(g, enc, out);
        return modelProto(g, "encoder");
    }

    private ModelProto decoder() {
        Stack dec = model.stack();
        GraphBuilder g = new GraphBuilder(model.name() + "_decoder", "rnnc model " + model.name()
                + " (seq2seq), decoder: any number of steps from the given state (one step per call when generating;"
                + " the first token is the start id 0)");
        String x = sequenceInput(g, dec, "steps");
        StackOut out = stack(g, dec, x, "", true);
        head(g, out, true, "steps");
        stateOutputs(g, dec, out);
        return modelProto(g, "decoder");
    }

    // ---- pieces ----

    /** The batch-first input of a sequence, made time-major {@code [T, batch, width]} float. */
    private String sequenceInput(GraphBuilder g, Stack stack, String steps) {
        InputSpec in = stack.input();
        String p = stack.prefix();
        if (in.kind() == InputKind.FEATURES) {
            String x = g.floatInput("input", "features [batch, " + steps + ", I]", Dim.named("batch"), Dim.named(steps),
                    Dim.of(in.size()));
            return g.node1("Transpose", List.of(x), p + "input_time_major", intsAttr("perm", 1, 0, 2));
        }
        String ids = g.int64Input("tokens", "token ids [batch, " + steps + "] in 0.." + (in.vocab() - 1),
                Dim.named("batch"), Dim.named(steps));
        String idsT = g.node1("Transpose", List.of(ids), p + "tokens_time_major", intsAttr("perm", 1, 0));
        if (in.kind() == InputKind.TOKENS) {
            // one_hot(id, V): an id outside 0..V-1 gives a zero vector (ONNX OneHot), never an error
            String depth = g.int64Initializer(p + "vocab", new long[] {in.vocab()});
            String onOff = g.floatInitializer(p + "one_hot_values", new float[] {0f, 1f}, 2);
            return g.node1("OneHot", List.of(idsT, depth, onOff), p + "one_hot", intAttr("axis", -1));
        }
        String table = p + "embedding.weight";
        g.floatInitializer(table, floats(table), in.vocab(), in.embed());
        return g.node1("Gather", List.of(table, idsT), p + "embedded", intAttr("axis", 0));
    }

    private static String lengthsInput(GraphBuilder g) {
        return g.int32Input("lengths", "each row's real length [batch], 1..steps; later positions are padding",
                Dim.named("batch"));
    }

    /** The recurrent stack's results: the top layer's sequence {@code [T, batch, H]} and every layer's final state. */
    private record StackOut(String topSequence, String topLast, int topDirections, int topHidden, List<String> h,
                            List<String> c) {
    }

    /**
     * One ONNX recurrent node per layer (layers may differ in cell and width). With {@code stateInputs},
     * the initial states are graph inputs {@code h_in_l<l>} / {@code c_in_l<l>}, else zeros (ONNX's default,
     * as the generated class starts).
     */
    private StackOut stack(GraphBuilder g, Stack stack, String x, String lengths, boolean stateInputs) {
        String p = stack.prefix() + "rnn.";
        List<String> hs = new ArrayList<>();
        List<String> cs = new ArrayList<>();
        String input = x;
        String topSequence = null;
        for (Layer layer : stack.layers()) {
            int l = layer.index();
            int hidden = layer.hidden();
            OnnxCell cell = OnnxCell.of(layer.cell());
            int rows = layer.gateRows();
            int dirs = layer.directions();
            // ONNX stacks the directions first: [forward; reverse], each in ONNX's gate order
            String[] suffixes = dirs == 2 ? new String[] {"", "_reverse"} : new String[] {""};
            float[] wAll = new float[dirs * rows * layer.inputWidth()];
            float[] rAll = new float[dirs * rows * hidden];
            float[] bias = new float[dirs * 2 * rows];
            for (int d = 0; d < dirs; d++) {
                String s = "_l" + l + suffixes[d];
                float[] wd = cell.reorder(doubles(p + "weight_ih" + s), hidden, layer.inputWidth());
                System.arraycopy(wd, 0, wAll, d * wd.length, wd.length);
                float[] rd = cell.reorder(doubles(p + "weight_hh" + s), hidden, hidden);
                System.arraycopy(rd, 0, rAll, d * rd.length, rd.length);
                System.arraycopy(cell.reorder(doubles(p + "bias_ih" + s), hidden, 1), 0, bias, d * 2 * rows, rows);
                System.arraycopy(cell.reorder(doubles(p + "bias_hh" + s), hidden, 1), 0, bias, d * 2 * rows + rows,
                        rows);
            }
            String w = g.floatInitializer(p + "W_l" + l, wAll, dirs, rows, layer.inputWidth());
            String r = g.floatInitializer(p + "R_l" + l, rAll, dirs, rows, hidden);
            String b = g.floatInitializer(p + "B_l" + l, bias, dirs, 2L * rows);
            String h0 = "";
            String c0 = "";
            if (stateInputs && dirs != 1) {
                // the validator refuses bidirectional layers in one_to_many and seq2seq, the modes with state inputs
                throw new IllegalStateException("internal: state inputs for bidirectional layer " + l + " of "
                        + model.name());
            }
            if (stateInputs) {
                h0 = g.floatInput(stateName("h_in", l), "layer " + l + " hidden state [1, batch, " + hidden + "]",
                        Dim.of(1), Dim.named("batch"), Dim.of(hidden));
                if (cell.hasCellState()) {
                    c0 = g.floatInput(stateName("c_in", l), "layer " + l + " cell state [1, batch, " + hidden + "]",
                            Dim.of(1), Dim.named("batch"), Dim.of(hidden));
                }
            }
            List<String> ins = new ArrayList<>(List.of(input, w, r, b, lengths, h0));
            List<String> outs = new ArrayList<>(List.of(p + "Y_l" + l, stateName("h_out", l)));
            if (cell.hasCellState()) {
                ins.add(c0);
                outs.add(stateName("c_out", l));
            }
            trimOptional(ins);
            List<AttributeProto> attrs = new ArrayList<>();
            attrs.add(intAttr("hidden_size", hidden));
            attrs.add(stringAttr("direction", dirs == 2 ? "bidirectional" : "forward"));
            if (cell.activation() != null) {
                // one activation per direction (ONNX Runtime requires the list to name both)
                String[] activations = new String[dirs];
                Arrays.fill(activations, cell.activation());
                attrs.add(stringsAttr("activations", activations));
            }
            if (cell.linearBeforeReset()) {
                attrs.add(intAttr("linear_before_reset", 1));
            }
            g.node(cell.opType(), ins, outs, attrs.toArray(new AttributeProto[0]));
            hs.add(outs.get(1));
            cs.add(cell.hasCellState() ? outs.get(2) : null);
            // Y is [T, directions, B, H]; the next layer (and a per-step head) reads [T, B, directions * H],
            // a bidirectional layer's [h_fwd_t, h_bwd_t] side by side as the generated class hands them up
            if (dirs == 1) {
                input = g.node1("Squeeze", List.of(outs.get(0), axes(g, 1)), p + "out_l" + l);
            } else {
                String yT = g.node1("Transpose", List.of(outs.get(0)), p + "Y_l" + l + "_batch_inner",
                        intsAttr("perm", 0, 2, 1, 3));
                input = g.node1("Reshape", List.of(yT, shape(g, 0, 0, 2L * hidden)), p + "out_l" + l);
            }
            topSequence = input;
        }
        Layer top = stack.layers().get(stack.layers().size() - 1);
        return new StackOut(topSequence, hs.get(hs.size() - 1), top.directions(), top.hidden(), hs, cs);
    }

    /** {@code logits} and {@code output} from the top layer: every step ({@code [batch, steps, O]}) or its final state. */
    private void head(GraphBuilder g, StackOut out, boolean perStep, String steps) {
        DenseHead head = model.head();
        String p = head.prefix();
        String h;
        if (perStep) {
            h = g.node1("Transpose", List.of(out.topSequence()), p + "out_batch_major", intsAttr("perm", 1, 0, 2));
        } else if (out.topDirections() == 1) {
            h = g.node1("Squeeze", List.of(out.topLast(), axes(g, 0)), p + "last_h");
        } else {
            // PyTorch's cat(h_n[-2], h_n[-1]): Y_h [2, B, H] holds the forward state at each row's last real
            // step and the reverse state after step 0; [B, 2, H] then [B, 2H], forward first
            String hT = g.node1("Transpose", List.of(out.topLast()), p + "last_h_batch_major",
                    intsAttr("perm", 1, 0, 2));
            h = g.node1("Reshape", List.of(hT, shape(g, 0, 2L * out.topHidden())), p + "last_h");
        }
        float[] fc = transposed(doubles(p + "fc.weight"), head.outputs(), head.inputWidth());
        String wT = g.floatInitializer(p + "fc.weight_transposed", fc, head.inputWidth(), head.outputs());
        String bias = g.floatInitializer(p + "fc.bias", floats(p + "fc.bias"), head.outputs());
        String product = g.node1("MatMul", List.of(h, wT), p + "fc_product");
        String logits = g.node1("Add", List.of(product, bias), "logits");
        String output = switch (head.activation()) {
            case SOFTMAX -> g.node1("Softmax", List.of(logits), "output", intAttr("axis", -1));
            case SIGMOID -> g.node1("Sigmoid", List.of(logits), "output");
            case TANH -> g.node1("Tanh", List.of(logits), "output");
            case LINEAR -> g.node1("Identity", List.of(logits), "output");
        };
        Dim[] dims = perStep ? new Dim[] {Dim.named("batch"), Dim.named(steps), Dim.of(head.outputs())}
                : new Dim[] {Dim.named("batch"), Dim.of(head.outputs())};
        g.floatOutput(logits, "the head's logits, before its activation", dims);
        g.floatOutput(output, "the head's output after " + head.activation().keyword(), dims);
    }

    private static void stateOutputs(GraphBuilder g, Stack stack, StackOut out) {
        for (Layer layer : stack.layers()) {
            int l = layer.index();
            int dirs = layer.directions();
            String which = dirs == 2 ? " (forward, then reverse: the reverse state after step 0)" : "";
            g.floatOutput(out.h().get(l), "layer " + l + " final hidden state [" + dirs + ", batch, " + layer.hidden()
                    + "]" + which, Dim.of(dirs), Dim.named("batch"), Dim.of(layer.hidden()));
            if (out.c().get(l) != null) {
                g.floatOutput(out.c().get(l), "layer " + l + " final cell state [" + dirs + ", batch, " + layer.hidden()
                        + "]" + which, Dim.of(dirs), Dim.named("batch"), Dim.of(layer.hidden()));
            }
        }
    }

    /** {@code h_in_l0}, {@code c_out_l1}, ... */
    static String stateName(String kind, int layer) {
        return kind + "_l" + layer;
    }

    /** A shared int64 initializer {@code [axis]} for Squeeze/Unsqueeze (their axes are an input since opset 13). */
    private static String axes(GraphBuilder g, int axis) {
        String name = "axes_" + axis;
        return g.hasValue(name) ? name : g.int64Initializer(name, new long[] {axis}, 1);
    }

    /** A shared int64 initializer for Reshape's target shape (0 keeps that dimension of the input). */
    private static String shape(GraphBuilder g, long... dims) {
        StringBuilder name = new StringBuilder("shape");
        for (long d : dims) {
            name.append('_').append(d);
        }
        String n = name.toString();
        return g.hasValue(n) ? n : g.int64Initializer(n, dims, dims.length);
    }

    /** Drops trailing omitted optional inputs (ONNX allows them to be left out rather than named ""). */
    private static void trimOptional(List<String> inputs) {
        while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
    }

    private ModelProto modelProto(GraphBuilder g, String role) {
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("rnnc")
                .setProducerVersion(RnncVersion.current())
                .setModelVersion(1)
                .setDocString(model.source())
                .setGraph(g.build());
        meta(m, "rnnc.model", model.qualifiedName());
        meta(m, "rnnc.mode", model.mode().keyword());
        meta(m, "rnnc.role", role);
        meta(m, "rnnc.precision", model.precision().keyword()
                + (model.precision() == Precision.FLOAT64 ? " (exported as float32)" : ""));
        return m.build();
    }

    private static void meta(ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    // ---- weights ----

    private double[] doubles(String name) {
        read.add(name);
        return weights.copyOut(name);
    }

    private float[] floats(String name) {
        double[] d = doubles(name);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** {@code [rows, cols]} row-major to {@code [cols, rows]}, as float32. */
    private static float[] transposed(double[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = (float) m[i * cols + j];
            }
        }
        return t;
    }

    /** Every parameter of the model, under its name and shape, with values a float32 holds. */
    private static void checkWeights(Model model, TensorStore store) {
        List<String> problems = new ArrayList<>();
        for (ParamSpec p : model.parameters()) {
            if (!store.contains(p.name())) {
                problems.add(p.name() + ": missing");
                continue;
            }
            TensorInfo t = store.info(p.name());
            int[] expected = p.shape().stream().mapToInt(Integer::intValue).toArray();
            if (!Arrays.equals(t.shape(), expected)) {
                problems.add(p.name() + ": shape " + Arrays.toString(t.shape()) + ", the model needs "
                        + Arrays.toString(expected));
                continue;
            }
            double[] v = store.copyOut(p.name());
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i]) || !Float.isFinite((float) v[i])) {
                    problems.add(p.name() + "[" + i + "] = " + v[i] + ": not a finite float32");
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new OnnxExportException(SourcePos.NONE, "the weights do not fit model " + model.name() + ":\n  "
                    + String.join("\n  ", problems));
        }
    }
}
