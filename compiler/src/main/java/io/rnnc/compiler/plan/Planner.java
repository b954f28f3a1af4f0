package io.rnnc.compiler.plan;

import io.rnnc.compiler.cell.Cell;
import io.rnnc.compiler.cell.CellBuffer;
import io.rnnc.compiler.cell.CellState;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.Stack;
import io.rnnc.runtime.kernel.Layout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Derives a {@link GenerationPlan} from a validated {@link Model}. */
public final class Planner {

    /** The four tensors of a recurrent layer: PyTorch's name stem and the offset constant's stem. */
    enum LayerTensor {
        WEIGHT_IH("weight_ih", "W_IH"), WEIGHT_HH("weight_hh", "W_HH"), BIAS_IH("bias_ih", "B_IH"),
        BIAS_HH("bias_hh", "B_HH");

        final String torch;
        final String constant;

        LayerTensor(String torch, String constant) {
            this.torch = torch;
            this.constant = constant;
        }
    }

    private final Model model;
    private final boolean float32;
    private final Map<String, Constant> constants = new LinkedHashMap<>();
    private final List<Buffer> buffers = new ArrayList<>();
    private final Map<String, ParamOffset> offsets = new HashMap<>();
    private Constant chunk;

    private Planner(Model model) {
        this.model = model;
        this.float32 = model.precision() == Precision.FLOAT32;
    }

    /**
     * @throws IllegalArgumentException if a buffer or the parameter store would exceed a Java array
     */
    public static GenerationPlan plan(Model model) {
        return new Planner(model).build();
    }

    private GenerationPlan build() {
        boolean seq2seq = model.mode() == SequenceMode.SEQ2SEQ;
        constant("B", model.batch(), "largest batch (the spec's)");
        int rows = chunkRows(model.batch());
        chunk = constant("CHUNK", rows, "rows per chunk: each chunk has its own buffers and gradients, summed in order");
        long total = model.parameterCount();
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(model.name() + ": " + total + " parameters do not fit one Java array");
        }

        Optional<StackPlan> encoder = model.encoder().map(e -> stack(e, "encoder", "ENC_", "T_IN", true));
        StackPlan main = stack(model.stack(), seq2seq ? "decoder" : "", seq2seq ? "DEC_" : "",
                seq2seq ? "T_OUT" : "T", !seq2seq);
        if (!seq2seq) {
            constant("T_OUT", model.outputSteps(), "output steps: positions the head and the loss run on");
        }
        Constant o = constant("O", model.head().outputs(), "outputs of the dense head");
        String headConst = model.head().prefix().isEmpty() ? "" : "DEC_";
        String fcW = offset(headConst + "FC_W", model.head().prefix() + "fc.weight");
        String fcB = offset(headConst + "FC_B", model.head().prefix() + "fc.bias");
        Size outputs = constants.get("T_OUT").size().times(chunk).times(o);
        String logits = buffer("logits", outputs, "[T_OUT, n, O] head output before its activation");
        String dLogits = buffer("dLogits", outputs, "[T_OUT, n, O] d loss / d logits");
        packBuffers(encoder.orElse(main));
        LayerPlan top = main.top();
        boolean lastStepHead = model.mode() == SequenceMode.MANY_TO_ONE || model.mode() == SequenceMode.ONE_TO_ONE;
        if (lastStepHead && top.bidirectional()) {
            Size headRows = chunk.size().times(constants.get(top.out()));
            buffer("headIn", headRows, "[n, " + top.out() + "] the head's input: cat(h_fwd after the last step, h_bwd after step 0)");
            buffer("dHeadIn", headRows, "[n, " + top.out() + "] d loss / d the head's input");
        }
        Optional<GenerationBuffers> generation = generation(main);
        boolean lastStep = model.mode() == SequenceMode.MANY_TO_ONE || model.mode() == SequenceMode.ONE_TO_ONE;
        return new GenerationPlan(model, model.precision(), model.mode(), model.loss(), model.head().activation(),
                model.optimizer(), model.clip(), lastStep, new ArrayList<>(constants.values()), orderedOffsets(),
                buffers, encoder, main, fcW, fcB, logits, dLogits, generation);
    }

    /** The offsets in state_dict order; every parameter of the model must have been placed. */
    private List<ParamOffset> orderedOffsets() {
        List<ParamOffset> ordered = new ArrayList<>();
        for (ParamSpec p : model.parameters()) {
            ParamOffset o = offsets.get(p.name());
            if (o == null) {
                throw new IllegalStateException("parameter " + p.name() + " has no place in the plan");
            }
            ordered.add(o);
        }
        return ordered;
    }

    /**
     * The generative modes get one-step buffers for generation: seq2seq, one_to_many, and many_to_many
     * token models whose softmax head predicts the next input token (O = V).
     */
    static boolean generative(Model model) {
        Stack s = model.stack();
        return switch (model.mode()) {
            case SEQ2SEQ, ONE_TO_MANY -> true;
            case MANY_TO_MANY -> s.layers().stream().noneMatch(Layer::bidirectional) && s.input().isTokens() && model.loss() == LossKind.CROSS_ENTROPY
                    && model.head().outputs() == s.input().vocab();
            default -> false;
        };
    }

    private Optional<GenerationBuffers> generation(StackPlan s) {
        if (!generative(model)) {
            return Optional.empty();
        }
        Constant b = constants.get("B");
        LayerPlan first = s.layers().get(0);
        String x = s.inputKind() == InputKind.TOKENS ? null : genBuffer("genX", Buffer.Kind.ELEMENT,
                b.size().times(constants.get(first.in())), "[rows, " + first.in() + "] layer-0 input of one step");
        String tok = s.inputKind() == InputKind.TOKENS
                ? genBuffer("genTok", Buffer.Kind.INT, b.size(), "[rows] the step's input token per row") : null;
        List<Map<String, String>> layers = new ArrayList<>();
        Constant maxH = constants.get(first.h());
        for (LayerPlan lp : s.layers()) {
            int l = lp.index();
            Constant h = constants.get(lp.h());
            Constant gs = constants.get(lp.gs());
            Map<String, String> m = new LinkedHashMap<>();
            for (CellState st : lp.cell().states()) {
                m.put(st.stem(), genBuffer("gen" + cap(st.stem()) + l, Buffer.Kind.ELEMENT, b.size().times(h),
                        "[rows, " + h + "] " + st.stem() + " of layer " + l));
            }
            m.put("gates", genBuffer("genGates" + l, Buffer.Kind.ELEMENT, b.size().times(gs),
                    "[rows, " + gs + "] gates of layer " + l));
            for (CellBuffer cb : lp.cell().buffers()) {
                if (cb.use() == CellBuffer.Use.FORWARD) {
                    Constant width = cb.extent() == CellBuffer.Extent.STEPS_HIDDEN ? h : gs;
                    m.put(cb.stem(), genBuffer("gen" + cap(cb.stem()) + l, Buffer.Kind.ELEMENT, b.size().times(width),
                            "[rows, " + width + "] " + cb.doc() + " of layer " + l));
                }
            }
            layers.add(m);
            if (lp.hidden() > maxH.value()) {
                maxH = h;
            }
        }
        String logits = genBuffer("genLogits", Buffer.Kind.ELEMENT, b.size().times(constants.get("O")),
                "[rows, O] logits of one step");
        boolean beams = model.loss() == LossKind.CROSS_ENTROPY && model.mode() != SequenceMode.MANY_TO_MANY;
        String stateTmp = genBuffer("stateTmp", Buffer.Kind.ELEMENT, b.size().times(maxH), "[rows, max H] reorder scratch");
        return Optional.of(new GenerationBuffers(x, tok, layers, logits, stateTmp, beams));
    }

    private StackPlan stack(Stack s, String role, String cp, String steps, boolean zeroInitial) {
        String bp = role.isEmpty() ? "" : role.equals("encoder") ? "enc" : "dec";
        String where = role.isEmpty() ? "" : " of the " + role;
        Constant t = constant(steps, s.steps(), "time steps" + where);
        String inputBuf = null;
        String dInputBuf = null;
        String tokenBuf = null;
        String embedding = null;
        String vocab = null;
        List<LayerPlan> layers = new ArrayList<>();
        int width = s.layers().get(0).inputWidth();
        for (Layer layer : s.layers()) {
            layers.add(layer(s, layer, bp, cp, t, role, width,
                    s.dropout() > 0 && layer.index() < s.layers().size() - 1));
            width = layer.outputWidth();
        }
        Size perStep = t.size().times(chunk);
        switch (s.input().kind()) {
            case FEATURES -> {
                constant(cp + "I", s.input().size(), "input features per step" + where);
                inputBuf = buffer(name(bp, "x"), perStep.times(constants.get(cp + "IN0")), "[" + steps + ", n, " + cp
                        + "IN0] layer-0 input per step" + (model.mode() == SequenceMode.ONE_TO_MANY
                        ? ": concat(x, feedback f_t)" : ""));
            }
            case TOKENS, TOKENS_EMBED -> {
                vocab = cp + "V";
                constant(vocab, s.input().vocab(), "token vocabulary" + where + "; ids are 0.." + vocab + "-1");
                tokenBuf = buffer(name(bp, "tokens"), Buffer.Kind.INT, perStep, true,
                        "[" + steps + ", n] token ids per step");
                if (s.input().kind() == InputKind.TOKENS_EMBED) {
                    Constant e = constant(cp + "E", s.input().embed(), "embedding width" + where);
                    embedding = offset(cp + "EMB", s.prefix() + "embedding.weight");
                    inputBuf = buffer(name(bp, "x"), perStep.times(e), "[" + steps + ", n, " + e.name()
                            + "] embedding rows of the step's tokens");
                    dInputBuf = buffer(name(bp, "dX"), perStep.times(e), "[" + steps + ", n, " + e.name()
                            + "] d loss / d embedding rows");
                }
            }
            default -> throw new IllegalStateException();
        }
        return new StackPlan(role, s.prefix(), steps, s.steps(), s.input().kind(), s.input().size(), s.input().vocab(),
                inputBuf, dInputBuf, tokenBuf, embedding, vocab, zeroInitial, layers, s.dropout(),
                s.dropout() > 0 ? cp + "DROPOUT" : null, s.stateful());
    }

    /**
     * The scratch of a batch with padding (the modes that take lengths): the running rows of every step packed
     * one after another, PyTorch's packed layout, so that a layer's weight gradients and input gradient are
     * one product over the valid positions only. Sized for the widest gate row and the widest input or state
     * of the stack that runs on the lengths.
     */
    private void packBuffers(StackPlan s) {
        SequenceMode m = model.mode();
        if (m != SequenceMode.MANY_TO_ONE && m != SequenceMode.MANY_TO_MANY && m != SequenceMode.SEQ2SEQ) {
            return;
        }
        Constant gs = null;
        Constant width = null;
        for (LayerPlan lp : s.layers()) {
            Constant g = constants.get(lp.gs());
            if (gs == null || g.value() > gs.value()) {
                gs = g;
            }
            for (String w : new String[] {lp.in(), lp.h()}) {
                Constant c = constants.get(w);
                if (width == null || c.value() > width.value()) {
                    width = c;
                }
            }
        }
        Size rows = constants.get(s.steps()).size().times(chunk);
        buffer("packGates", rows.times(gs), "[" + s.steps() + "·n, " + gs.name() + "] with padding: the running rows' "
                + "gate gradients of all steps, packed");
        buffer("packRows", rows.times(width), "[" + s.steps() + "·n, " + width.name() + "] with padding: the running "
                + "rows' inputs, states or input gradients of all steps, packed");
    }

    /** {@code x}, or {@code encX} in a seq2seq stack. */
    private static String name(String stackPrefix, String stem) {
        return stackPrefix.isEmpty() ? stem : stackPrefix + cap(stem);
    }

    private static String cap(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private LayerPlan layer(Stack s, Layer layer, String bp, String cp, Constant steps, String role, int width,
            boolean dropped) {
        int l = layer.index();
        Cell cell = Cell.of(layer.cell());
        String where = role.isEmpty() ? "" : role + " ";
        Constant h = constant(cp + "H" + l, layer.hidden(), "hidden width of " + where + "layer " + l + " ("
                + layer.cell().fixtureName() + (layer.bidirectional() ? ", each direction" : "") + ")");
        Constant g = constant(cp + "G" + l, layer.gateRows(), "gate rows: " + cell.gates() + " x " + h.name()
                + " (" + cell.gateNames() + ")");
        Constant in = constant(cp + "IN" + l, layer.inputWidth(), null);
        Constant hs = constant(cp + "HS" + l, float32 ? Layout.padded(layer.hidden()) : layer.hidden(),
                float32 ? "row stride of dhNext: " + h.name() + " rounded up to whole vectors" : null);
        Constant gs = constant(cp + "GS" + l, float32 ? Layout.padded(layer.gateRows()) : layer.gateRows(),
                float32 ? "row stride of the gate buffers: " + g.name() + " rounded up to whole vectors (padding is scratch)"
                        : null);
        String name = bp.isEmpty() ? "layer" + l : role + "Layer" + l;
        String table = null;
        if (float32 && cell.activationTable(h.name(), gs.name()) != null) {
            table = "ACT_" + name.toUpperCase(Locale.ROOT);
        }
        Optional<LayerPlan> reverse = Optional.empty();
        String out = h.name();
        Map<String, Buffer> extra = new LinkedHashMap<>();
        if (layer.bidirectional()) {
            reverse = Optional.of(direction(s, layer, bp, cp, steps, width, cell, h, g, in, hs, gs, name + "Reverse",
                    table, true, Map.of(), h.name()));
            Constant o = constant(cp + "OUT" + l, layer.outputWidth(), "output width of layer " + l
                    + ": [h_fwd, h_bwd], both directions");
            out = o.name();
            Size perStepOut = steps.size().times(chunk).times(o);
            String t = steps.name();
            extra.put("out", layerBuffer(bp, "out", l, perStepOut, "[" + t + ", n, " + o.name()
                    + "] the layer's output [h_fwd_t, h_bwd_t]"));
            extra.put("dOut", layerBuffer(bp, "dOut", l, perStepOut, "[" + t + ", n, " + o.name()
                    + "] d loss / d output from above"));
        }
        if (dropped) {
            Size perStepOut = steps.size().times(chunk).times(constants.get(out));
            String t = steps.name();
            extra.put("mask", layerBuffer(bp, "mask", l, perStepOut, "[" + t + ", n, " + out + "] dropout mask of the "
                    + "layer's output: 0 or 1/(1-p) in training, 1 otherwise"));
            extra.put("drop", layerBuffer(bp, "drop", l, perStepOut, "[" + t + ", n, " + out + "] the layer's output "
                    + "times the mask: the next layer's input"));
        }
        return direction(s, layer, bp, cp, steps, width, cell, h, g, in, hs, gs, name, table, false, extra, out)
                .withReverse(reverse);
    }

    /** One direction of a layer: its parameters, buffers and packed weights ({@code R} names for the reverse). */
    private LayerPlan direction(Stack s, Layer layer, String bp, String cp, Constant steps, int width, Cell cell,
            Constant h, Constant g, Constant in, Constant hs, Constant gs, String name, String table, boolean reverse,
            Map<String, Buffer> extra, String out) {
        int l = layer.index();
        String r = reverse ? "R" : "";
        String pre = s.prefix() + "rnn.";
        String[] p = new String[LayerTensor.values().length];
        for (LayerTensor k : LayerTensor.values()) {
            p[k.ordinal()] = offset(cp + k.constant + l + (reverse ? "_R" : ""), pre + k.torch + "_l" + l
                    + (reverse ? "_reverse" : ""));
        }
        LayerParams params = new LayerParams(p[0], p[1], p[2], p[3]);
        Size history = steps.size().plus(1).times(chunk).times(h);
        Size perStepH = steps.size().times(chunk).times(h);
        Size perStepG = steps.size().times(chunk).times(gs);
        String t = steps.name();
        String dir = reverse ? " (reverse direction)" : "";
        Map<String, Buffer> bufs = new LinkedHashMap<>();
        for (CellState st : cell.states()) {
            bufs.put(st.stem(), layerBuffer(bp, st.stem() + r, l, history, "[" + t + " + 1, n, " + h + "] "
                    + st.stem() + "_t in slot " + (reverse ? "t; slot " + t + " = initial state" : "t+1; slot 0 = initial state")
                    + dir));
        }
        // The backward pass reads step t's gate activations just before it writes step t's gate gradients,
        // element by element, and never reads them again: both share one buffer (dGates in backward).
        bufs.put("gates", layerBuffer(bp, "gates" + r, l, perStepG, "[" + t + ", n, " + gs + "] gate pre-activations, then"
                + " activations (" + cell.gateNames() + "); in backward d loss / d pre-activations" + dir));
        for (CellBuffer cb : cell.buffers()) {
            Size size = switch (cb.extent()) {
                case STEPS_HIDDEN -> perStepH;
                case STEPS_GATES -> perStepG;
                case ROW_GATES -> chunk.size().times(gs);
            };
            String shape = switch (cb.extent()) {
                case STEPS_HIDDEN -> "[" + t + ", n, " + h + "] ";
                case STEPS_GATES -> "[" + t + ", n, " + gs + "] ";
                case ROW_GATES -> "[n, " + gs + "] ";
            };
            bufs.put(cb.stem(), layerBuffer(bp, cb.stem() + r, l, size, shape + cb.doc() + dir));
        }
        bufs.put("dh", layerBuffer(bp, "dh" + r, l, perStepH, "[" + t + ", n, " + h + "] d loss / d h_t from above" + dir));
        for (CellState st : cell.states()) {
            Constant stride = st.padded() ? hs : h;
            bufs.put(st.gradStem(), layerBuffer(bp, st.gradStem() + r, l, chunk.size().times(stride),
                    "[n, " + stride + "] d loss / d " + st.stem() + (reverse ? "_{t+1}" : "_{t-1}")
                            + " through the recurrence" + dir));
        }
        bufs.putAll(extra);
        Optional<PackedWeights> packed = Optional.empty();
        if (float32) {
            boolean oneHot = l == 0 && s.input().kind() == InputKind.TOKENS;
            packed = Optional.of(new PackedWeights(name(bp, "whhT") + l + r, name(bp, "whh") + l + r,
                    oneHot ? Optional.empty() : Optional.of(name(bp, "wihT") + l + r)));
        }
        return new LayerPlan(name, l, cell, layer.hidden(), width, h.name(), hs.name(), g.name(), gs.name(), in.name(),
                params, bufs, packed, table, reverse, Optional.empty(), out);
    }

    private Buffer layerBuffer(String bp, String stem, int layer, Size size, String shape) {
        String name = name(bp, stem) + layer;
        return add(new Buffer(name, Buffer.Kind.ELEMENT, size, true, shape));
    }

    private Constant constant(String name, long value, String comment) {
        if (constants.containsKey(name)) {
            throw new IllegalStateException("duplicate constant " + name);
        }
        Constant c = new Constant(name, value, comment);
        constants.put(name, c);
        return c;
    }

    private String buffer(String name, Size size, String shape) {
        return buffer(name, Buffer.Kind.ELEMENT, size, true, shape);
    }

    private String buffer(String name, Buffer.Kind kind, Size size, boolean perChunk, String shape) {
        return add(new Buffer(name, kind, size, perChunk, shape)).name();
    }

    /** A generation buffer: only the public model (chunk 0) generates. */
    private String genBuffer(String name, Buffer.Kind kind, Size size, String shape) {
        return buffer(name, kind, size, false, shape);
    }

    private Buffer add(Buffer b) {
        if (b.elements() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(model.name() + ": buffer " + b.name() + " " + b.shape() + " needs "
                    + b.elements() + " elements, more than a Java array holds; lower the batch or the sequence length");
        }
        buffers.add(b);
        return b;
    }

    /** Places a parameter under a constant named from its place in the network. */
    private String offset(String constant, String paramName) {
        ParamSpec p = model.parameter(paramName)
                .orElseThrow(() -> new IllegalStateException("model has no parameter " + paramName));
        if (offsets.putIfAbsent(paramName, new ParamOffset(constant, p)) != null) {
            throw new IllegalStateException("parameter " + paramName + " placed twice");
        }
        return constant;
    }

    /**
     * Rows per chunk for a batch of {@code batch}: whole batches up to 32 rows, else at least 32 rows
     * (so the products keep their speed) and at most eight chunks' worth, a multiple of four. Small
     * chunks keep a chunk's buffers in cache (LSTM twin, batch 256: 32-row chunks trained 11 % faster
     * than 64-row ones); the cap bounds the per-chunk gradient copies of large batches.
     */
    static int chunkRows(int batch) {
        if (batch <= 32) {
            return batch;
        }
        int eighth = ((batch + 7) / 8 + 3) / 4 * 4;
        return Math.min(batch, Math.max(32, eighth));
    }
}
