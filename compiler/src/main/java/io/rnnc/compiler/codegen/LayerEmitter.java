package io.rnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.kernel.Gemm;
import io.rnnc.runtime.math.Activations;
import io.rnnc.runtime.math.Cells;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * Emits one layer's forward and backward methods: the input projection of all steps in one product,
 * then per step one recurrent product and one fused elementwise pass; backward in reverse with one
 * fused pass to the gate gradients and one product for dh_{t-1}, then the weight gradients of all
 * steps in merged products.
 */
final class LayerEmitter {

    static final ClassName GEMM = ClassName.get(Gemm.class);
    static final ClassName ACT = ClassName.get(Activations.class);
    static final ClassName CELLS = ClassName.get(Cells.class);
    static final ClassName ARRAYS = ClassName.get(Arrays.class);

    private final Num num;
    private final StackPlan stack;
    private final LayerPlan lp;
    /** The layer below (null for layer 0). */
    private final LayerPlan below;

    LayerEmitter(Num num, StackPlan stack, LayerPlan lp) {
        this.num = num;
        this.stack = stack;
        this.lp = lp;
        this.below = lp.index() == 0 ? null : stack.layers().get(lp.index() - 1);
    }

    private boolean oneHot() {
        return lp.index() == 0 && stack.inputKind() == InputKind.TOKENS;
    }

    /** The layer's input X_all [T·n × IN] as (array, offset expression). */
    private String inputArray() {
        return below == null ? stack.inputBuf() : below.hBuf();
    }

    private String inputOffset() {
        return below == null ? "0" : "n * " + below.h();
    }

    private String equations() {
        return switch (lp.cell()) {
            case RNN_TANH -> "h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)";
            case RNN_RELU -> "h_t = relu(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)";
            case LSTM -> "[i f g o] = [sigmoid sigmoid tanh sigmoid](x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)\n"
                    + "c_t = f * c_{t-1} + i * g\nh_t = o * tanh(c_t)";
            case GRU -> "[r z] = sigmoid(x_t W_i[rz]^T + b_i[rz] + h_{t-1} W_h[rz]^T + b_h[rz])\n"
                    + "n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))\nh_t = (1 - z) * n + z * h_{t-1}";
        };
    }

    private String inputDescription() {
        if (below != null) {
            return below.hBuf() + " (h of layer " + below.index() + ")";
        }
        return switch (stack.inputKind()) {
            case FEATURES -> stack.inputBuf();
            case TOKENS -> "one-hot " + stack.tokenBuf() + ": column gather from W_ih";
            case TOKENS_EMBED -> stack.inputBuf() + " (embedding rows)";
        };
    }

    MethodSpec forward() {
        String H = lp.h();
        String G = lp.g();
        String GS = lp.gs();
        String IN = lp.in();
        String T = stack.steps();
        String t = num.t();
        CodeBlock.Builder c = CodeBlock.builder();
        String gates = lp.gateBuf();
        if (oneHot()) {
            c.add("// Input projection of all steps: the one-hot product x_t W_ih^T is column x_t of W_ih\n");
            c.add("// [$L, $L], gathered (never multiplied), plus both biases.\n", G, IN);
            c.beginControlFlow("for (int r = 0; r < $L * n; r++)", T);
            c.addStatement("int tok = $L[r]", stack.tokenBuf());
            c.addStatement("int o = r * $L", GS);
            emitBiasLoop(c, "=", "w[" + lp.wIh() + " + j * " + IN + " + tok] + ");
            c.endControlFlow();
        } else {
            if (num.isFloat()) {
                floatInputProjection(c);
            } else {
                c.add("// Input projection of all steps in one product: $L[$L·n × $L] = X[$L·n × $L] · W_ih^T\n",
                        gates, T, G, T, IN);
                c.addStatement("$T.dgemm(false, true, $L * n, $L, $L, $L, $L, $L, w, $L, $L, false, $L, 0, $L)", GEMM,
                        T, G, IN, inputArray(), inputOffset(), IN, lp.wIh(), IN, gates, GS);
                c.add(lp.cell() == CellType.GRU
                        ? "// + b_ih + b_hh (the n block takes b_hn inside r * (...), so only b_in there)\n"
                        : "// + b_ih + b_hh\n");
                c.beginControlFlow("for (int r = 0; r < $L * n; r++)", T);
                c.addStatement("int o = r * $L", GS);
                emitBiasLoop(c, "+=", "");
                c.endControlFlow();
            }
        }
        c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
        c.add("// gt: step t's gate block; st: slot t of h/c (= h_{t-1}), also step t of [T, n, H] buffers;"
                + " sn: slot t + 1 (= h_t)\n");
        c.addStatement("int gt = t * n * $L", GS);
        c.addStatement("int st = t * n * $L", H);
        c.addStatement("int sn = st + n * $L", H);
        if (lp.cell() == CellType.GRU) {
            c.add("// $L[n × $L] = h_{t-1} · W_hh^T\n", lp.recBuf(), G);
            recurrentProduct(c, lp.recBuf(), "0", false);
        } else {
            c.add("// $L[t] += h_{t-1} · W_hh^T   [n × $L] · [$L × $L]\n", gates, H, H, G);
            recurrentProduct(c, gates, "gt", true);
        }
        String h = lp.hBuf();
        switch (lp.cell()) {
            case RNN_TANH, RNN_RELU -> {
                c.add("// Fused: h_t = $L(pre-activation)\n", lp.cell() == CellType.RNN_TANH ? "tanh" : "relu");
                if (num.isFloat() && lp.cell() == CellType.RNN_TANH) {
                    c.add("// (array form per row: C2 on JDK 17 leaves a scalar loop over offset rows unvectorised)\n");
                    c.beginControlFlow("for (int r = 0; r < n; r++)");
                    c.addStatement("$T.tanh($L, gt + r * $L, $L, sn + r * $L, $L)", ACT, gates, GS, h, H, H);
                    c.endControlFlow();
                    break;
                }
                rowLoop(c, H, GS);
                if (lp.cell() == CellType.RNN_TANH) {
                    c.addStatement("$L[sn + k] = $T.tanh($L[ga + j])", h, ACT, gates);
                } else {
                    c.addStatement("$L[sn + k] = Math.max($L, $L[ga + j])", h, num.lit(0), gates);
                }
                endRowLoop(c);
            }
            case LSTM -> {
                if (num.isFloat()) {
                    lstmRowsFloat(c, H, GS);
                    break;
                }
                c.add("// Fused: gate non-linearities, c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t)\n");
                rowLoop(c, H, GS);
                c.addStatement("int gi = ga + j");
                c.addStatement("$L i = $T.sigmoid($L[gi])", t, ACT, gates);
                c.addStatement("$L f = $T.sigmoid($L[gi + $L])", t, ACT, gates, H);
                c.addStatement("$L g = $T.tanh($L[gi + 2 * $L])", t, ACT, gates, H);
                c.addStatement("$L o = $T.sigmoid($L[gi + 3 * $L])", t, ACT, gates, H);
                c.addStatement("$L cNew = f * $L[st + k] + i * g", t, lp.cBuf());
                c.addStatement("$L tc = $T.tanh(cNew)", t, ACT);
                c.addStatement("$L[gi] = i", gates);
                c.addStatement("$L[gi + $L] = f", gates, H);
                c.addStatement("$L[gi + 2 * $L] = g", gates, H);
                c.addStatement("$L[gi + 3 * $L] = o", gates, H);
                c.addStatement("$L[sn + k] = cNew", lp.cBuf());
                c.addStatement("$L[st + k] = tc", lp.tcBuf());
                c.addStatement("$L[sn + k] = o * tc", h);
                endRowLoop(c);
            }
            case GRU -> {
                if (num.isFloat()) {
                    gruRowsFloat(c, H, GS);
                    break;
                }
                c.add("// Fused: r, z, n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)), h_t = (1 - z) * n + z * h_{t-1}\n");
                rowLoop(c, H, GS);
                c.addStatement("int gi = ga + j");
                c.addStatement("int ri = r * $L + j", GS);
                c.addStatement("$L rg = $T.sigmoid($L[gi] + $L[ri])", t, ACT, gates, lp.recBuf());
                c.addStatement("$L z = $T.sigmoid($L[gi + $L] + $L[ri + $L])", t, ACT, gates, H, lp.recBuf(), H);
                c.addStatement("$L hn = $L[ri + 2 * $L] + w[$L + 2 * $L + j]", t, lp.recBuf(), H, lp.bHh(), H);
                c.addStatement("$L nn = $T.tanh($L[gi + 2 * $L] + rg * hn)", t, ACT, gates, H);
                c.addStatement("$L[gi] = rg", gates);
                c.addStatement("$L[gi + $L] = z", gates, H);
                c.addStatement("$L[gi + 2 * $L] = nn", gates, H);
                c.addStatement("$L[st + k] = hn", lp.hnBuf());
                c.addStatement("$L[sn + k] = ($L - z) * nn + z * $L[st + k]", h, num.lit(1), h);
                endRowLoop(c);
            }
            default -> throw new IllegalStateException();
        }
        c.endControlFlow();
        String doc = "Forward of " + describe() + ", all " + T + " steps:\n<pre>\n" + equations() + "\n</pre>\n"
                + "Reads " + inputDescription() + "; writes " + gates + " [" + T + ", n, " + G + "], "
                + h + " [" + T + " + 1, n, " + H + "]"
                + (lp.cBuf() != null ? ", " + lp.cBuf() + ", " + lp.tcBuf() : "")
                + (lp.hnBuf() != null ? ", " + lp.hnBuf() : "") + ".\n";
        return MethodSpec.methodBuilder(lp.name() + "Forward").addModifiers(Modifier.PRIVATE)
                .addJavadoc("$L", doc).addParameter(int.class, "n").addCode(c.build()).build();
    }

    /**
     * float32: every gate row starts as the summed bias row (row 0 built once, copied to the others), then
     * the input projection of all steps accumulates onto it: one product and one copy sweep instead of a
     * product and a scalar read-modify-write sweep (the kernel starts its sums from the bias; rounding
     * differs from products-then-biases by float reassociation only).
     */
    private void floatInputProjection(CodeBlock.Builder c) {
        String gates = lp.gateBuf();
        String G = lp.g();
        String GS = lp.gs();
        String T = stack.steps();
        c.add(lp.cell() == CellType.GRU
                ? "// Gate rows start as b_ih + b_hh (the n block: b_in only; b_hn goes inside r * (...))\n"
                : "// Gate rows start as b_ih + b_hh\n");
        emitBiasLoop(c, "=", "", "0");
        c.addStatement("$T.fill($L, $L, $L, 0f)", ARRAYS, gates, G, GS);
        c.beginControlFlow("for (int r = 1; r < $L * n; r++)", T);
        c.addStatement("System.arraycopy($L, 0, $L, r * $L, $L)", gates, gates, GS, GS);
        c.endControlFlow();
        c.add("// Input projection of all steps in one product: $L[$L·n × $L] += X[$L·n × $L] · W_ih^T\n",
                gates, T, G, T, lp.in());
        c.addStatement("$T.sgemmPadded($L * n, $L, $L, $L, $L, true, $L, 0, $L)", GEMM, T, inputArray(),
                inputOffset(), lp.in(), lp.packedIh(), gates, GS);
    }

    /**
     * float32 LSTM step: the gate non-linearities of the whole step block in one vectorised pass (the
     * layer's activation table says which columns are sigmoid and which tanh, so no gate block ends in a
     * scalar remainder), then the cell update per row (C2 on JDK 17 leaves scalar loops over offset rows
     * unvectorised, so these are runtime calls).
     */
    private void lstmRowsFloat(CodeBlock.Builder c, String H, String GS) {
        String gates = lp.gateBuf();
        c.add("// Gate non-linearities of the step's [n × $L] block in place, column by column from $L:\n", GS,
                activationTable(lp));
        c.add("// i, f, o sigmoid; g tanh\n");
        c.addStatement("$T.gateActivations($L, gt, n, $L, $L)", CELLS, gates, GS, activationTable(lp));
        c.add("// c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t), per row\n");
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.addStatement("int hr = r * $L", H);
        c.addStatement("$T.lstmCell($L, gt + r * $L, $L, st + hr, sn + hr, $L, st + hr, $L, sn + hr, $L)", CELLS,
                gates, GS, lp.cBuf(), lp.tcBuf(), lp.hBuf(), H);
        c.endControlFlow();
    }

    /** The static field holding a float32 LSTM layer's gate activation table (Cells.lstmActivationTable). */
    static String activationTable(LayerPlan lp) {
        return "ACT_" + lp.name().toUpperCase(java.util.Locale.ROOT);
    }

    /** float32 GRU step, row by row, the non-linearities as array calls (see {@link #lstmRowsFloat}). */
    private void gruRowsFloat(CodeBlock.Builder c, String H, String GS) {
        String gates = lp.gateBuf();
        String rec = lp.recBuf();
        c.add("// r, z = sigmoid(x W_i[rz]^T + b_i[rz] + h W_h[rz]^T + b_h[rz]); hn = h W_hn^T + b_hn;\n");
        c.add("// n = tanh(x W_in^T + b_in + r * hn); h_t = (1 - z) * n + z * h_{t-1}; activations in place, per row\n");
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.addStatement("int ga = gt + r * $L", GS);
        c.addStatement("int ra = r * $L", GS);
        c.addStatement("int hr = r * $L", H);
        c.addStatement("$T.addTo($L, ra, $L, ga, 2 * $L)", CELLS, rec, gates, H);
        c.addStatement("$T.sigmoid($L, ga, $L, ga, 2 * $L)", ACT, gates, gates, H);
        c.addStatement("$T.gruCandidate($L, ra + 2 * $L, w, $L + 2 * $L, $L, st + hr, $L, ga, $L)", CELLS, rec, H,
                lp.bHh(), H, lp.hnBuf(), gates, H);
        c.addStatement("$T.gruCell($L, ga, $L, st + hr, sn + hr, $L)", CELLS, gates, lp.hBuf(), H);
        c.endControlFlow();
    }

    private String describe() {
        String s = stack.stack().prefix().isEmpty() ? "" : stack.stack().prefix().replace(".", " ");
        return s + "layer " + lp.index() + " (" + lp.cell().fixtureName() + ", " + lp.h() + " = " + lp.hidden() + ")";
    }

    /** {@code o + j} over the gate rows: gates (op) [extra +] b_ih + b_hh, with GRU's n block taking b_ih only. */
    private void emitBiasLoop(CodeBlock.Builder c, String op, String extra) {
        emitBiasLoop(c, op, extra, "o");
    }

    /** The same at row offset {@code o} (an expression). */
    private void emitBiasLoop(CodeBlock.Builder c, String op, String extra, String row) {
        String gates = lp.gateBuf();
        String o = row.equals("0") ? "" : row + " + ";
        if (lp.cell() == CellType.GRU) {
            c.beginControlFlow("for (int j = 0; j < 2 * $L; j++)", lp.h());
            c.addStatement("$L[$Lj] $L $Lw[$L + j] + w[$L + j]", gates, o, op, extra, lp.bIh(), lp.bHh());
            c.endControlFlow();
            c.beginControlFlow("for (int j = 2 * $L; j < $L; j++)", lp.h(), lp.g());
            c.addStatement("$L[$Lj] $L $Lw[$L + j]", gates, o, op, extra, lp.bIh());
            c.endControlFlow();
        } else {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", lp.g());
            c.addStatement("$L[$Lj] $L $Lw[$L + j] + w[$L + j]", gates, o, op, extra, lp.bIh(), lp.bHh());
            c.endControlFlow();
        }
    }

    /** dst[dOff..] (+)= h_{t-1} [n × H] · W_hh^T [H × G]: packed in float32. */
    private void recurrentProduct(CodeBlock.Builder c, String dst, String dOff, boolean accumulate) {
        if (num.isFloat()) {
            c.addStatement("$T.sgemmPadded(n, $L, st, $L, $L, $L, $L, $L, $L)", GEMM, lp.hBuf(), lp.h(), lp.packedFwd(),
                    accumulate, dst, dOff, lp.gs());
        } else {
            c.addStatement("$T.dgemm(false, true, n, $L, $L, $L, st, $L, w, $L, $L, $L, $L, $L, $L)", GEMM, lp.g(),
                    lp.h(), lp.hBuf(), lp.h(), lp.wHh(), lp.h(), accumulate, dst, dOff, lp.gs());
        }
    }

    /**
     * The product for dW = dGatesᵀ · X: in float32 computed as its transpose (Gemm.sgemmByTranspose), which
     * puts the long gate dimension, a whole number of vectors, across the kernel's vectors instead of the
     * short input or hidden width (28 or 100 columns: padded to 32 or 112, and narrow tiles).
     */
    private String weightGradientGemm() {
        return num.isFloat() ? "sgemmByTranspose" : num.gemm();
    }

    private static void rowLoop(CodeBlock.Builder c, String H, String G) {
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.addStatement("int ga = gt + r * $L", G);
        c.beginControlFlow("for (int j = 0; j < $L; j++)", H);
        c.addStatement("int k = r * $L + j", H);
    }

    private static void endRowLoop(CodeBlock.Builder c) {
        c.endControlFlow();
        c.endControlFlow();
    }

    MethodSpec backward() {
        String H = lp.h();
        String G = lp.g();
        String GS = lp.gs();
        String IN = lp.in();
        String T = stack.steps();
        String t = num.t();
        String one = num.lit(1);
        CodeBlock.Builder c = CodeBlock.builder();
        String dG = lp.dGateBuf();
        String dR = lp.dRecBuf();
        String dh = lp.dhBuf();
        String dhNext = lp.dhNextBuf();
        c.add("// $L holds d loss / d h_$L through the recurrence on entry (zero, or from a decoder)\n", dhNext, T + "-1");
        c.beginControlFlow("for (int t = $L - 1; t >= 0; t--)", T);
        c.add("// gt: step t's gate block; st: slot t of h/c (= h_{t-1}), also step t of [T, n, H] buffers;"
                + " sn: slot t + 1 (= h_t)\n");
        c.addStatement("int gt = t * n * $L", GS);
        c.addStatement("int st = t * n * $L", H);
        c.addStatement("int sn = st + n * $L", H);
        switch (lp.cell()) {
            case RNN_TANH, RNN_RELU -> {
                c.add("// Fused: dh = from above + through the recurrence; d pre = dh * act'(pre)\n");
                if (num.isFloat()) {
                    c.beginControlFlow("for (int r = 0; r < n; r++)");
                    c.addStatement("int hr = r * $L", H);
                    c.addStatement("$T.$L($L, st + hr, $L, r * $L, $L, sn + hr, $L, gt + r * $L, $L)", CELLS,
                            lp.cell() == CellType.RNN_TANH ? "rnnTanhBackward" : "rnnReluBackward", dh, dhNext, lp.hs(),
                            lp.hBuf(), dG, GS, H);
                    c.endControlFlow();
                    break;
                }
                rowLoop(c, H, GS);
                c.addStatement("$L d = $L[st + k] + $L[r * $L + j]", t, dh, dhNext, lp.hs());
                c.addStatement("$L h = $L[sn + k]", t, lp.hBuf());
                if (lp.cell() == CellType.RNN_TANH) {
                    c.addStatement("$L[ga + j] = d * ($L - h * h)", dG, one);
                } else {
                    c.addStatement("$L[ga + j] = h > $L ? d : $L", dG, num.lit(0), num.lit(0));
                }
                endRowLoop(c);
            }
            case LSTM -> {
                c.add("// Fused: dc = dc_next + dh * o * (1 - tanh^2 c); di, df, dg, do through the gate derivatives;\n");
                c.add("// dc_{t-1} = dc * f\n");
                if (num.isFloat()) {
                    c.beginControlFlow("for (int r = 0; r < n; r++)");
                    c.addStatement("int ga = gt + r * $L", GS);
                    c.addStatement("int hr = r * $L", H);
                    c.addStatement("$T.lstmCellBackward($L, st + hr, $L, r * $L, $L, ga, $L, st + hr, $L, st + hr, $L, hr,"
                            + " $L, ga, $L)", CELLS, dh, dhNext, lp.hs(), lp.gateBuf(), lp.tcBuf(), lp.cBuf(),
                            lp.dcNextBuf(), dG, H);
                    c.endControlFlow();
                    break;
                }
                rowLoop(c, H, GS);
                c.addStatement("int gi = ga + j");
                c.addStatement("$L d = $L[st + k] + $L[r * $L + j]", t, dh, dhNext, lp.hs());
                c.addStatement("$L i = $L[gi]", t, lp.gateBuf());
                c.addStatement("$L f = $L[gi + $L]", t, lp.gateBuf(), H);
                c.addStatement("$L g = $L[gi + 2 * $L]", t, lp.gateBuf(), H);
                c.addStatement("$L o = $L[gi + 3 * $L]", t, lp.gateBuf(), H);
                c.addStatement("$L tc = $L[st + k]", t, lp.tcBuf());
                c.addStatement("$L dc = $L[k] + d * o * ($L - tc * tc)", t, lp.dcNextBuf(), one);
                c.addStatement("$L[gi] = dc * g * i * ($L - i)", dG, one);
                c.addStatement("$L[gi + $L] = dc * $L[st + k] * f * ($L - f)", dG, H, lp.cBuf(), one);
                c.addStatement("$L[gi + 2 * $L] = dc * i * ($L - g * g)", dG, H, one);
                c.addStatement("$L[gi + 3 * $L] = d * tc * o * ($L - o)", dG, H, one);
                c.addStatement("$L[k] = dc * f", lp.dcNextBuf());
                endRowLoop(c);
            }
            case GRU -> {
                c.add("// Fused: dn, dz, dr through the gate derivatives; dRec = dGates with the n block times r;\n");
                c.add("// the direct path dh_{t-1} = dh * z (the product below adds dRec · W_hh)\n");
                if (num.isFloat()) {
                    c.beginControlFlow("for (int r = 0; r < n; r++)");
                    c.addStatement("int ga = gt + r * $L", GS);
                    c.addStatement("int hr = r * $L", H);
                    c.addStatement("$T.gruCellBackward($L, st + hr, $L, r * $L, $L, ga, $L, st + hr, $L, st + hr, $L, $L,"
                            + " ga, $L)", CELLS, dh, dhNext, lp.hs(), lp.gateBuf(), lp.hBuf(), lp.hnBuf(), dG, dR, H);
                    c.endControlFlow();
                    break;
                }
                rowLoop(c, H, GS);
                c.addStatement("int gi = ga + j");
                c.addStatement("$L d = $L[st + k] + $L[r * $L + j]", t, dh, dhNext, lp.hs());
                c.addStatement("$L rg = $L[gi]", t, lp.gateBuf());
                c.addStatement("$L z = $L[gi + $L]", t, lp.gateBuf(), H);
                c.addStatement("$L nn = $L[gi + 2 * $L]", t, lp.gateBuf(), H);
                c.addStatement("$L dn = d * ($L - z) * ($L - nn * nn)", t, one, one);
                c.addStatement("$L dz = d * ($L[st + k] - nn) * z * ($L - z)", t, lp.hBuf(), one);
                c.addStatement("$L dr = dn * $L[st + k] * rg * ($L - rg)", t, lp.hnBuf(), one);
                c.addStatement("$L[gi] = dr", dG);
                c.addStatement("$L[gi + $L] = dz", dG, H);
                c.addStatement("$L[gi + 2 * $L] = dn", dG, H);
                c.addStatement("$L[gi] = dr", dR);
                c.addStatement("$L[gi + $L] = dz", dR, H);
                c.addStatement("$L[gi + 2 * $L] = dn * rg", dR, H);
                c.addStatement("$L[r * $L + j] = d * z", dhNext, lp.hs());
                endRowLoop(c);
            }
            default -> throw new IllegalStateException();
        }
        boolean gru = lp.cell() == CellType.GRU;
        if (stack.zeroInitial()) {
            c.add("// h_{-1} = 0 is a constant: no gradient needed past step 0\n");
            c.beginControlFlow("if (t > 0)");
        }
        c.add("// $L $L $L[t] · W_hh   [n × $L] · [$L × $L]\n", dhNext, gru ? "+=" : "=", dR, G, G, H);
        if (num.isFloat()) {
            c.addStatement("$T.sgemmPadded(n, $L, gt, $L, $L, $L, $L, 0, $L)", GEMM, dR, GS, lp.packedBwd(), gru, dhNext,
                    lp.hs());
        } else {
            c.addStatement("$T.dgemm(false, false, n, $L, $L, $L, gt, $L, w, $L, $L, $L, $L, 0, $L)", GEMM, H, G, dR,
                    GS, lp.wHh(), H, gru, dhNext, lp.hs());
        }
        if (stack.zeroInitial()) {
            c.endControlFlow();
        }
        c.endControlFlow();

        c.add("\n// Weight gradients of all steps in merged products\n");
        if (oneHot()) {
            c.add("// dW_ih[:, tok] += dGates[t, b, :]: the one-hot product as a column scatter\n");
            c.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, lp.wIh(), lp.wIh(), G, IN, num.lit(0));
            c.beginControlFlow("for (int r = 0; r < $L * n; r++)", T);
            c.addStatement("int tok = $L[r]", stack.tokenBuf());
            c.addStatement("int o = r * $L", GS);
            c.beginControlFlow("for (int j = 0; j < $L; j++)", G);
            c.addStatement("dw[$L + j * $L + tok] += $L[o + j]", lp.wIh(), IN, dG);
            c.endControlFlow();
            c.endControlFlow();
        } else {
            c.add("// dW_ih[$L × $L] = dGates^T · X   over all $L·n rows\n", G, IN, T);
            c.addStatement("$T.$L(true, false, $L, $L, $L * n, $L, 0, $L, $L, $L, $L, false, dw, $L, $L)", GEMM,
                    weightGradientGemm(), G, IN, T, dG, GS, inputArray(), inputOffset(), IN, lp.wIh(), IN);
        }
        if (stack.zeroInitial()) {
            if (stack.stepCount() == 1) {
                c.add("// one step from h_{-1} = 0: W_hh gets no gradient\n");
                c.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, lp.wHh(), lp.wHh(), G, H, num.lit(0));
            } else {
                c.add("// dW_hh[$L × $L] = dRec[1..T-1]^T · h[0..T-2]   (h_{-1} = 0 contributes nothing)\n", G, H);
                c.addStatement("$T.$L(true, false, $L, $L, ($L - 1) * n, $L, n * $L, $L, $L, n * $L, $L, false, dw, $L, $L)",
                        GEMM, weightGradientGemm(), G, H, T, dR, GS, GS, lp.hBuf(), H, H, lp.wHh(), H);
            }
        } else {
            c.add("// dW_hh[$L × $L] = dRec[0..T-1]^T · h[-1..T-2]   (h_{-1} is the handed-over initial state)\n", G, H);
            c.addStatement("$T.$L(true, false, $L, $L, $L * n, $L, 0, $L, $L, 0, $L, false, dw, $L, $L)",
                    GEMM, weightGradientGemm(), G, H, T, dR, GS, lp.hBuf(), H, lp.wHh(), H);
        }
        c.add("// db_ih = sum of dGates over steps and rows; db_hh = sum of dRec\n");
        c.addStatement("$T.fill(dw, $L, $L + $L, $L)", ARRAYS, lp.bIh(), lp.bIh(), G, num.lit(0));
        if (!(num.isFloat() && dR.equals(dG))) {
            c.addStatement("$T.fill(dw, $L, $L + $L, $L)", ARRAYS, lp.bHh(), lp.bHh(), G, num.lit(0));
        }
        c.beginControlFlow("for (int r = 0; r < $L * n; r++)", T);
        c.addStatement("int o = r * $L", GS);
        if (num.isFloat()) {
            c.addStatement("$T.addTo($L, o, dw, $L, $L)", CELLS, dG, lp.bIh(), G);
            if (!dR.equals(dG)) {
                c.addStatement("$T.addTo($L, o, dw, $L, $L)", CELLS, dR, lp.bHh(), G);
            }
        } else {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", G);
            c.addStatement("dw[$L + j] += $L[o + j]", lp.bIh(), dG);
            c.addStatement("dw[$L + j] += $L[o + j]", lp.bHh(), dR);
            c.endControlFlow();
        }
        c.endControlFlow();
        if (num.isFloat() && dR.equals(dG)) {
            c.add("// dRec is dGates for this cell: db_hh = db_ih\n");
            c.addStatement("System.arraycopy(dw, $L, dw, $L, $L)", lp.bIh(), lp.bHh(), G);
        }
        if (below != null) {
            c.add("// d loss / d input of all steps in one product: $L[$L·n × $L] = dGates · W_ih\n", below.dhBuf(),
                    T, IN);
            c.addStatement("$T.$L(false, false, $L * n, $L, $L, $L, 0, $L, w, $L, $L, false, $L, 0, $L)", GEMM,
                    num.gemm(), T, IN, G, dG, GS, lp.wIh(), IN, below.dhBuf(), IN);
        } else if (stack.inputKind() == InputKind.TOKENS_EMBED) {
            c.add("// d loss / d embedding rows of all steps: $L[$L·n × $L] = dGates · W_ih\n", stack.dInputBuf(), T, IN);
            c.addStatement("$T.$L(false, false, $L * n, $L, $L, $L, 0, $L, w, $L, $L, false, $L, 0, $L)", GEMM,
                    num.gemm(), T, IN, G, dG, GS, lp.wIh(), IN, stack.dInputBuf(), IN);
        }
        String doc = "Backward of " + describe() + ", steps in reverse (backpropagation through time).\n"
                + "Reads " + dh + " [" + T + ", n, " + H + "] (d loss / d h_t from above) and " + dhNext
                + "; writes " + dG + (gru ? ", " + dR : "") + ", the gradients of this layer's four parameters"
                + (below != null ? " and " + below.dhBuf() : "") + ".\n";
        return MethodSpec.methodBuilder(lp.name() + "Backward").addModifiers(Modifier.PRIVATE)
                .addJavadoc("$L", doc).addParameter(int.class, "n").addCode(c.build()).build();
    }
}
