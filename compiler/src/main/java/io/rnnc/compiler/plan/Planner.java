package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.Stack;
import io.rnnc.runtime.kernel.Layout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Derives a {@link GenerationPlan} from a validated {@link Model}. */
public final class Planner {

    private final Model model;
    private final Map<String, Constant> constants = new LinkedHashMap<>();
    private final List<Buffer> buffers = new ArrayList<>();
    private final List<ParamOffset> offsets = new ArrayList<>();

    private Planner(Model model) {
        this.model = model;
    }

    /**
     * @throws IllegalArgumentException if a buffer or the parameter store would exceed a Java array
     */
    public static GenerationPlan plan(Model model) {
        return new Planner(model).build();
    }

    private GenerationPlan build() {
        boolean seq2seq = model.mode() == SequenceMode.SEQ2SEQ;
        constant("B", model.batch(), "Largest batch (the spec's batch).");
        int chunk = chunkRows(model.batch());
        constant("CHUNK", chunk, "Batch rows per chunk: a batch is cut into fixed chunks of this many rows, each run"
                + " with its own buffers and gradients (on any thread), the gradients summed in chunk order.");
        constant("CHUNKS", (model.batch() + chunk - 1) / chunk, "Chunks of a full batch.");
        for (ParamSpec p : model.parameters()) {
            offsets.add(new ParamOffset(offsetName(p.name()), p));
        }
        long total = model.parameterCount();
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(model.name() + ": " + total + " parameters do not fit one Java array");
        }
        constant("N_PARAMS", total, "Trainable scalars: the length of the flat parameter, gradient and optimizer stores.");

        Optional<StackPlan> encoder = model.encoder().map(e -> stack(e, "encoder", "ENC_", "T_IN", true));
        StackPlan main = stack(model.stack(), seq2seq ? "decoder" : "", seq2seq ? "DEC_" : "",
                seq2seq ? "T_OUT" : "T", !seq2seq);
        if (!seq2seq) {
            constant("T_OUT", model.outputSteps(), "Output steps: positions the head and the loss run on.");
        }
        constant("O", model.head().outputs(), "Outputs of the dense head.");
        String logits = buffer("logits", false, "T_OUT * CHUNK * O", "[T_OUT, n, O] head output before its activation");
        String dLogits = buffer("dLogits", false, "T_OUT * CHUNK * O", "[T_OUT, n, O] d loss / d logits");
        Optional<GenerationBuffers> generation = generation(main);
        String fcW = offsetOf(model.head().prefix() + "fc.weight");
        String fcB = offsetOf(model.head().prefix() + "fc.bias");
        return new GenerationPlan(model, new ArrayList<>(constants.values()), offsets, buffers, encoder, main, fcW,
                fcB, logits, dLogits, generation);
    }

    /**
     * The generative modes get one-step buffers for generation: seq2seq, one_to_many, and many_to_many
     * token models whose softmax head predicts the next input token (O = V).
     */
    static boolean generative(Model model) {
        Stack s = model.stack();
        return switch (model.mode()) {
            case SEQ2SEQ, ONE_TO_MANY -> true;
            case MANY_TO_MANY -> s.input().isTokens() && model.loss() == io.rnnc.compiler.model.LossKind.CROSS_ENTROPY
                    && model.head().outputs() == s.input().vocab();
            default -> false;
        };
    }

    private Optional<GenerationBuffers> generation(StackPlan s) {
        if (!generative(model)) {
            return Optional.empty();
        }
        String in0 = s.layers().get(0).in();
        String x = s.inputKind() == InputKind.TOKENS ? null
                : buffer("genX", false, "B * " + in0, "[rows, " + in0 + "] generation: layer-0 input of one step");
        String tok = s.inputKind() == InputKind.TOKENS
                ? buffer("genTok", true, "B", "[rows] generation: the step's input token per row") : null;
        List<String> h = new ArrayList<>();
        List<String> c = new ArrayList<>();
        List<String> gates = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        String maxH = s.layers().get(0).h();
        for (LayerPlan lp : s.layers()) {
            int l = lp.index();
            h.add(buffer("genH" + l, false, "B * " + lp.h(), "[rows, " + lp.h() + "] generation: h of layer " + l));
            c.add(lp.cBuf() == null ? null
                    : buffer("genC" + l, false, "B * " + lp.h(), "[rows, " + lp.h() + "] generation: c of layer " + l));
            gates.add(buffer("genGates" + l, false, "B * " + lp.g(), "[rows, " + lp.g() + "] generation: gates of layer " + l));
            rec.add(lp.recBuf() == null ? null
                    : buffer("genRec" + l, false, "B * " + lp.g(), "[rows, " + lp.g() + "] generation: h W_hh^T of layer " + l));
            if (lp.hidden() > constants.get(maxH).value()) {
                maxH = lp.h();
            }
        }
        String logits = buffer("genLogits", false, "B * O", "[rows, O] generation: logits of one step");
        String values = null;
        String beamScore = null;
        String beamHist = null;
        String histTmp = null;
        String candScore = null;
        String candParent = null;
        String candToken = null;
        String stateTmp = null;
        boolean tokensOut = model.loss() == io.rnnc.compiler.model.LossKind.CROSS_ENTROPY;
        boolean beams = tokensOut && model.mode() != SequenceMode.MANY_TO_MANY;
        if (beams) {
            beamScore = buffer("beamScore", Buffer.Kind.DOUBLE, "B", "[width] beam search: summed log-probability per beam");
            beamHist = buffer("beamHist", Buffer.Kind.INT, "B * T_OUT", "[width, T_OUT] beam search: ids per beam");
            histTmp = buffer("beamHistTmp", Buffer.Kind.INT, "B * T_OUT", "[width, T_OUT] beam search: reorder scratch");
            candScore = buffer("candScore", Buffer.Kind.DOUBLE, "B", "[width] beam search: best candidates' scores");
            candParent = buffer("candParent", Buffer.Kind.INT, "B", "[width] beam search: candidates' parent beams");
            candToken = buffer("candToken", Buffer.Kind.INT, "B", "[width] beam search: candidates' tokens");
            stateTmp = buffer("stateTmp", false, "B * " + maxH, "[width, max H] beam search: state reorder scratch");
        }
        return Optional.of(new GenerationBuffers(x, tok, h, c, gates, rec, logits, beamScore, beamHist, histTmp,
                candScore, candParent, candToken, stateTmp));
    }

    private StackPlan stack(Stack s, String name, String cp, String steps, boolean zeroInitial) {
        String bp = name.isEmpty() ? "" : name.equals("encoder") ? "enc" : "dec";
        String where = name.isEmpty() ? "" : " of the " + name;
        constant(steps, s.steps(), "Time steps" + where + ".");
        String inputBuf = null;
        String dInputBuf = null;
        String tokenBuf = null;
        String embedding = null;
        String vocab = null;
        List<LayerPlan> layers = new ArrayList<>();
        int width = s.layers().get(0).inputWidth();
        for (Layer layer : s.layers()) {
            layers.add(layer(s, layer, bp, cp, steps, name, width));
            width = layer.hidden();
        }
        switch (s.input().kind()) {
            case FEATURES -> {
                constant(cp + "I", s.input().size(), "Input features per step" + where + ".");
                inputBuf = buffer(bp.isEmpty() ? "x" : bp + "X", false, steps + " * CHUNK * " + cp + "IN0",
                        "[" + steps + ", n, " + cp + "IN0] layer-0 input per step"
                                + (model.mode() == SequenceMode.ONE_TO_MANY ? ": concat(x, feedback f_t)" : ""));
            }
            case TOKENS, TOKENS_EMBED -> {
                vocab = cp + "V";
                constant(vocab, s.input().vocab(), "Token vocabulary" + where + "; ids are 0.." + vocab + "-1.");
                tokenBuf = buffer(bp.isEmpty() ? "tokens" : bp + "Tokens", true, steps + " * CHUNK",
                        "[" + steps + ", n] token ids per step, time-major");
                if (s.input().kind() == InputKind.TOKENS_EMBED) {
                    constant(cp + "E", s.input().embed(), "Embedding width" + where + ".");
                    embedding = offsetOf(s.prefix() + "embedding.weight");
                    inputBuf = buffer(bp.isEmpty() ? "x" : bp + "X", false, steps + " * CHUNK * " + cp + "E",
                            "[" + steps + ", n, " + cp + "E] embedding rows of the step's tokens");
                    dInputBuf = buffer(bp.isEmpty() ? "dX" : bp + "DX", false, steps + " * CHUNK * " + cp + "E",
                            "[" + steps + ", n, " + cp + "E] d loss / d embedding rows");
                }
            }
            default -> throw new IllegalStateException();
        }
        return new StackPlan(s, steps, s.steps(), inputBuf, dInputBuf, tokenBuf, embedding, vocab, zeroInitial, layers);
    }

    private LayerPlan layer(Stack s, Layer layer, String bp, String cp, String steps, String stackName, int width) {
        int l = layer.index();
        String h = cp + "H" + l;
        String g = cp + "G" + l;
        String in = cp + "IN" + l;
        String where = stackName.isEmpty() ? "" : stackName + " ";
        constant(h, layer.hidden(), "Hidden width of " + where + "layer " + l + " (" + layer.cell().fixtureName() + ").");
        constant(g, layer.gateRows(), "Gate rows of " + where + "layer " + l + ": " + layer.cell().gates() + " x " + h + ".");
        constant(in, layer.inputWidth(), "Input width of " + where + "layer " + l + ".");
        String hStride = cp + "HS" + l;
        String gs = cp + "GS" + l;
        boolean f32 = model.precision() == Precision.FLOAT32;
        constant(hStride, f32 ? Layout.padded(layer.hidden()) : layer.hidden(), "Row stride of " + where + "layer " + l
                + "'s dhNext: " + h + (f32 ? " rounded up to whole vectors, like the gate buffers." : "."));
        constant(gs, f32 ? Layout.padded(layer.gateRows()) : layer.gateRows(), "Row stride of " + where + "layer " + l
                + "'s gate buffers: " + g + (f32 ? " rounded up to whole vectors, so the products store whole"
                + " vectors; the padding columns are scratch." : "."));
        String pre = s.prefix() + "rnn.";
        String wIh = offsetOf(pre + "weight_ih_l" + l);
        String wHh = offsetOf(pre + "weight_hh_l" + l);
        String bIh = offsetOf(pre + "bias_ih_l" + l);
        String bHh = offsetOf(pre + "bias_hh_l" + l);
        String b = bp.isEmpty() ? "" : bp;
        String name = bp.isEmpty() ? "layer" + l : stackName + "Layer" + l;
        CellType cell = layer.cell();
        String hs = "[" + steps + " + 1, n, " + h + "]";
        String hBuf = buffer(b + "h" + l, false, "(" + steps + " + 1) * CHUNK * " + h, hs + " h_t of layer " + l + " in slot t+1; slot 0 = initial state");
        String cBuf = null;
        String tcBuf = null;
        if (cell == CellType.LSTM) {
            cBuf = buffer(b + "c" + l, false, "(" + steps + " + 1) * CHUNK * " + h, hs + " c_t in slot t+1; slot 0 = initial state");
            tcBuf = buffer(b + "tc" + l, false, steps + " * CHUNK * " + h, "[" + steps + ", n, " + h + "] tanh(c_t)");
        }
        String gates = buffer(b + "gates" + l, false, steps + " * CHUNK * " + gs,
                "[" + steps + ", n, " + gs + "] gate pre-activations, then activations (" + gateNames(cell) + "), then in"
                        + " the backward pass d loss / d gate pre-activations");
        String hn = null;
        String rec = null;
        if (cell == CellType.GRU) {
            hn = buffer(b + "hn" + l, false, steps + " * CHUNK * " + h, "[" + steps + ", n, " + h + "] W_hn h_{t-1} + b_hn");
            rec = buffer(b + "rec" + l, false, "CHUNK * " + gs, "[n, " + gs + "] scratch: h_{t-1} W_hh^T of one step");
        }
        // The backward pass reads step t's gate activations just before it writes step t's gate gradients,
        // element by element, and never reads them again: both share one buffer.
        String dGates = gates;
        String dRec = dGates;
        if (cell == CellType.GRU) {
            dRec = buffer(b + "dRec" + l, false, steps + " * CHUNK * " + gs,
                    "[" + steps + ", n, " + gs + "] d loss / d (W_hh h_{t-1} + b_hh): as dGates, n block times r");
        }
        String dh = buffer(b + "dh" + l, false, steps + " * CHUNK * " + h, "[" + steps + ", n, " + h + "] d loss / d h_t from above");
        String dhNext = buffer(b + "dhNext" + l, false, "CHUNK * " + hStride, "[n, " + hStride + "] d loss / d h_{t-1} through the recurrence");
        String dcNext = cell == CellType.LSTM
                ? buffer(b + "dcNext" + l, false, "CHUNK * " + h, "[n, " + h + "] d loss / d c_{t-1}") : null;
        String packedFwd = null;
        String packedBwd = null;
        String packedIh = null;
        if (model.precision() == Precision.FLOAT32) {
            packedFwd = b + "whhT" + l;
            packedBwd = b + "whh" + l;
            if (!(l == 0 && s.input().kind() == InputKind.TOKENS)) {
                packedIh = b + "wihT" + l;
            }
        }
        return new LayerPlan(name, l, cell, layer.hidden(), width, h, hStride, g, gs, in, wIh, wHh, bIh, bHh, hBuf, cBuf, tcBuf,
                gates, hn, rec, dGates, dRec, dh, dhNext, dcNext, packedFwd, packedBwd, packedIh);
    }

    private static String gateNames(CellType cell) {
        return switch (cell) {
            case RNN_TANH -> "tanh";
            case RNN_RELU -> "relu";
            case LSTM -> "i, f, g, o";
            case GRU -> "r, z, n";
        };
    }

    private void constant(String name, long value, String comment) {
        if (constants.containsKey(name)) {
            throw new IllegalStateException("duplicate constant " + name);
        }
        constants.put(name, new Constant(name, value, comment));
    }

    private String buffer(String name, boolean ints, String size, String shape) {
        return buffer(name, ints ? Buffer.Kind.INT : Buffer.Kind.ELEMENT, size, shape);
    }

    private String buffer(String name, Buffer.Kind kind, String size, String shape) {
        long elements = evaluate(size);
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(model.name() + ": buffer " + name + " " + shape + " needs " + elements
                    + " elements, more than a Java array holds; lower the batch or the sequence length");
        }
        buffers.add(new Buffer(name, kind, size, elements, shape));
        return name;
    }

    /** Evaluates the small constant expressions buffer sizes are written in: products, sums, parentheses. */
    private long evaluate(String expr) {
        String e = expr.trim();
        if (e.startsWith("(")) {
            int depth = 0;
            for (int i = 0; i < e.length(); i++) {
                depth += e.charAt(i) == '(' ? 1 : e.charAt(i) == ')' ? -1 : 0;
                if (depth == 0) {
                    long inner = evaluate(e.substring(1, i));
                    String rest = e.substring(i + 1).trim();
                    return rest.isEmpty() ? inner : inner * evaluate(rest.substring(1));
                }
            }
        }
        int star = e.indexOf('*');
        if (star >= 0) {
            return evaluate(e.substring(0, star)) * evaluate(e.substring(star + 1));
        }
        int plus = e.indexOf('+');
        if (plus >= 0) {
            return evaluate(e.substring(0, plus)) + evaluate(e.substring(plus + 1));
        }
        if (Character.isDigit(e.charAt(0))) {
            return Long.parseLong(e);
        }
        Constant c = constants.get(e);
        if (c == null) {
            throw new IllegalStateException("unknown constant " + e);
        }
        return c.value();
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

    private String offsetOf(String paramName) {
        return offsets.stream().filter(o -> o.param().name().equals(paramName)).map(ParamOffset::constant)
                .findFirst().orElseThrow(() -> new IllegalStateException("model has no parameter " + paramName));
    }

    /** {@code rnn.weight_ih_l0} → {@code W_IH0}; {@code decoder.fc.bias} → {@code DEC_FC_B}. */
    static String offsetName(String param) {
        String prefix = "";
        String rest = param;
        if (param.startsWith("encoder.")) {
            prefix = "ENC_";
            rest = param.substring("encoder.".length());
        } else if (param.startsWith("decoder.")) {
            prefix = "DEC_";
            rest = param.substring("decoder.".length());
        }
        if (rest.equals("embedding.weight")) {
            return prefix + "EMB";
        }
        if (rest.equals("fc.weight")) {
            return prefix + "FC_W";
        }
        if (rest.equals("fc.bias")) {
            return prefix + "FC_B";
        }
        if (rest.startsWith("rnn.")) {
            String r = rest.substring(4);
            int l = r.lastIndexOf("_l");
            String kind = r.substring(0, l);
            String layer = r.substring(l + 2);
            String stem = switch (kind) {
                case "weight_ih" -> "W_IH";
                case "weight_hh" -> "W_HH";
                case "bias_ih" -> "B_IH";
                case "bias_hh" -> "B_HH";
                default -> throw new IllegalStateException("unexpected parameter " + param);
            };
            return prefix + stem + layer;
        }
        throw new IllegalStateException("unexpected parameter " + param);
    }
}
