package io.rnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.rnnc.compiler.cell.Cell;
import io.rnnc.compiler.cell.CellBuffer;
import io.rnnc.compiler.cell.CellState;
import io.rnnc.compiler.cell.Step;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.kernel.Gemm;
import io.rnnc.runtime.math.Cells;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Emits one layer's forward and backward methods, what every cell shares: the input projection of all steps
 * in one product onto the bias rows, then per step one recurrent product and the cell's step; backward in
 * reverse with the cell's backward step and one product for dh_{t-1}, then the weight gradients of all steps
 * in merged products. The cell's own maths comes from its {@link Cell}; the generation step reuses
 * {@link #inputProjection}, {@link #recurrentProduct} and the cell's forward, so it computes the same bits.
 */
final class LayerEmitter {

    static final ClassName GEMM = ClassName.get(Gemm.class);
    static final ClassName CELLS = ClassName.get(Cells.class);
    static final ClassName ARRAYS = ClassName.get(Arrays.class);

    private final Num num;
    private final StackPlan stack;
    private final LayerPlan lp;
    private final Cell cell;
    /** The layer below (null for layer 0). */
    private final LayerPlan below;
    /**
     * The stack's steps follow per-sample lengths: its rows sit in the chunk's {@link #LENGTH_ORDER} (longest
     * first) and step t runs only the first {@code m = activeRows(t)} of them (all n without lengths).
     */
    private final boolean packed;
    /** The step's row count: {@code m} when packed, else {@code n}. */
    private final String rows;

    /** Field name of the chunk's {@code LengthOrder} (rows sorted by length, rows running per step). */
    static final String LENGTH_ORDER = "lengthOrder";

    LayerEmitter(Num num, StackPlan stack, LayerPlan lp, boolean packed) {
        this.num = num;
        this.stack = stack;
        this.lp = lp;
        this.cell = lp.cell();
        this.below = lp.index() == 0 ? null : stack.layers().get(lp.index() - 1);
        this.packed = packed;
        this.rows = packed ? "m" : "n";
    }

    private String inputDescription() {
        if (below != null) {
            return stack.inputOf(lp) + " (" + (below.bidirectional() ? "output" : "h") + " of layer " + below.index() + ")";
        }
        return switch (stack.inputKind()) {
            case FEATURES -> stack.inputBuf();
            case TOKENS -> "one-hot " + stack.tokenBuf() + " (columns of W_ih)";
            case TOKENS_EMBED -> stack.inputBuf() + " (embedding rows)";
        };
    }

    private String describe() {
        String s = stack.prefix().isEmpty() ? "" : stack.prefix().replace(".", " ");
        return s + "layer " + lp.index() + (lp.reverse() ? ", reverse direction" : "") + " (" + cell.type().fixtureName()
                + ", " + lp.h() + " = " + lp.hidden() + ")";
    }

    /**
     * The training pass's names for the cell's step t: states at slots t (st) and t + 1 (sn); the reverse
     * direction reads its previous state from slot t + 1 and writes the new one into slot t.
     */
    private Step trainingStep(boolean backward) {
        Map<String, String> arrays = new HashMap<>();
        Map<String, String> prev = new HashMap<>();
        Map<String, String> next = new HashMap<>();
        lp.buffers().forEach((stem, b) -> arrays.put(stem, b.name()));
        for (CellState s : cell.states()) {
            prev.put(s.stem(), lp.reverse() ? "sn" : "st");
            next.put(s.stem(), lp.reverse() ? "st" : "sn");
        }
        prev.put("gates", "gt");
        prev.put("dh", "st");
        for (CellBuffer b : cell.buffers()) {
            prev.put(b.stem(), b.extent() == CellBuffer.Extent.ROW_GATES ? "0" : "st");
        }
        if (backward) {
            arrays.put("dGates", "dGates");
            arrays.put("dRec", cell.recurrentApart() ? lp.buf("dRec") : "dGates");
        }
        return new Step(arrays, prev, next, lp.h(), lp.gs(), lp.hs(), lp.params().bHh(), lp.table(), num.isFloat(), rows);
    }

    MethodSpec forward() {
        String T = stack.steps();
        String gates = lp.buf("gates");
        String h = lp.buf("h");
        CodeBlock.Builder c = CodeBlock.builder();
        String xOff = stack.inputOffset(lp);
        boolean ragged = packed && !stack.oneHot(lp);
        if (ragged) {
            c.beginControlFlow("if ($L.ragged())", LENGTH_ORDER);
            raggedInputProjection(c, gates, stack.inputOf(lp), xOff);
            c.nextControlFlow("else");
        }
        inputProjection(c, T + " * n", gates, stack.inputOf(lp), xOff, stack.tokenBuf(), stack.oneHot(lp));
        if (ragged) {
            c.endControlFlow();
        }
        boolean rev = lp.reverse();
        String hPrev = rev ? "sn" : "st";
        if (rev) {
            c.add("// Backward in time: the state before step t is slot t + 1, the new one goes into slot t\n");
            c.beginControlFlow("for (int t = $L - 1; t >= 0; t--)", T);
            c.add("// gt: step t's gate block; st: slot t (h_t, and step t of [$L, n, H] buffers); sn: slot t + 1\n", T);
        } else {
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
            c.add("// gt: step t's gate block; st: slot t (h_{t-1}, and step t of [$L, n, H] buffers); sn: slot t + 1\n", T);
        }
        c.addStatement("int gt = t * n * $L", lp.gs());
        c.addStatement("int st = t * n * $L", lp.h());
        c.addStatement("int sn = st + n * $L", lp.h());
        if (packed) {
            c.add("// m: rows still running at step t, the first m of the length order (all n without lengths)\n");
            c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
        }
        if (cell.recurrentApart()) {
            c.add("// $L[$L × $L] = $L W_hh^T   [$L × $L] · [$L × $L]\n", lp.buf("rec"), rows, lp.g(),
                    rev ? "h_{t+1}" : "h_{t-1}", rows, lp.h(), lp.h(), lp.g());
            recurrentProduct(c, rows, h, hPrev, lp.buf("rec"), "0", false);
        } else {
            c.add("// $L[t] += $L W_hh^T   [$L × $L] · [$L × $L]\n", gates, rev ? "h_{t+1}" : "h_{t-1}", rows, lp.h(),
                    lp.h(), lp.g());
            recurrentProduct(c, rows, h, hPrev, gates, "gt", true);
        }
        cell.forward(c, trainingStep(false));
        if (packed && rev) {
            c.add("// Rows whose last step is before t have no state yet: zero, so each starts from zeros at its last step\n");
            c.beginControlFlow("if (m < n)");
            for (CellState st : cell.states()) {
                c.addStatement("$T.fill($L, st + m * $L, st + n * $L, $L)", ARRAYS, lp.buf(st.stem()), lp.h(), lp.h(),
                        num.lit(0));
            }
            c.endControlFlow();
        } else if (packed) {
            c.add("// Rows past their last step carry their state on, so slot $L holds each row's final state\n", T);
            c.beginControlFlow("if (m < n)");
            for (CellState st : cell.states()) {
                c.addStatement("System.arraycopy($L, st + m * $L, $L, sn + m * $L, (n - m) * $L)", lp.buf(st.stem()),
                        lp.h(), lp.buf(st.stem()), lp.h(), lp.h());
            }
            c.endControlFlow();
        }
        c.endControlFlow();
        if (rev) {
            LayerPlan fwd = stack.layers().get(lp.index());
            String out = fwd.buf("out");
            c.add("// The layer's output: $L[t, r] = [h_fwd_t, h_bwd_t]\n", out);
            c.beginControlFlow("for (int r = 0; r < $L * n; r++)", T);
            c.addStatement("System.arraycopy($L, (n + r) * $L, $L, r * $L, $L)", fwd.buf("h"), lp.h(), out, fwd.out(), lp.h());
            c.addStatement("System.arraycopy($L, r * $L, $L, r * $L + $L, $L)", h, lp.h(), out, fwd.out(), lp.h(), lp.h());
            c.endControlFlow();
        }
        StringBuilder doc = new StringBuilder("Forward of " + describe() + ", all " + T + " steps:\n<pre>\n");
        cell.equations().forEach(e -> doc.append(e).append('\n'));
        doc.append("</pre>\nReads ").append(inputDescription()).append("; writes ")
                .append(String.join(", ", written())).append(".\n");
        return MethodSpec.methodBuilder(lp.name() + "Forward").addModifiers(Modifier.PRIVATE)
                .addJavadoc("$L", doc).addParameter(int.class, "n").addCode(c.build()).build();
    }

    /** What the forward pass writes for the backward pass: the gates, the states, the cell's per-step buffers. */
    private List<String> written() {
        List<String> w = new ArrayList<>();
        w.add(lp.buf("gates"));
        cell.states().forEach(st -> w.add(lp.buf(st.stem())));
        cell.buffers().stream().filter(b -> b.use() == CellBuffer.Use.FORWARD && b.extent() != CellBuffer.Extent.ROW_GATES)
                .forEach(b -> w.add(lp.buf(b.stem())));
        return w;
    }

    /**
     * The input projection of {@code rows} rows into {@code gates} (row stride GS): {@code x W_ih^T + b_ih + b_hh}
     * (GRU's n block: b_in only). One-hot tokens gather columns of W_ih. float32 starts every row as the bias row
     * and accumulates the product onto it (the kernel starts its sums from the bias: one product and one copy
     * sweep); float64 adds the biases after the product.
     */
    void inputProjection(CodeBlock.Builder c, String rows, String gates, String x, String xOff, String tokens,
            boolean oneHot) {
        String G = lp.g();
        String GS = lp.gs();
        String IN = lp.in();
        if (oneHot) {
            c.add("// $L[$L × $L] = column tok of W_ih [$L, $L] + b_ih + b_hh: the one-hot product, gathered\n", gates,
                    rows, G, G, IN);
            c.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
            c.addStatement("int tok = $L[r]", tokens);
            c.addStatement("int o = r * $L", GS);
            biasLoop(c, gates, "=", "w[" + lp.params().wIh() + " + j * " + IN + " + tok] + ", "o");
            c.endControlFlow();
        } else if (num.isFloat()) {
            c.add("// $L[$L × $L] = b_ih + b_hh$L, then += $L W_ih^T   [$L × $L] · [$L × $L]\n", gates, rows, G,
                    cell.recurrentApart() ? " (n block: b_in only)" : "", x, rows, IN, IN, G);
            biasLoop(c, gates, "=", "", "0");
            c.addStatement("$T.fill($L, $L, $L, 0f)", ARRAYS, gates, G, GS);
            c.beginControlFlow("for (int r = 1; r < $L; r++)", rows);
            c.addStatement("System.arraycopy($L, 0, $L, r * $L, $L)", gates, gates, GS, GS);
            c.endControlFlow();
            c.addStatement("$T.sgemmPadded($L, $L, $L, $L, $L, true, $L, 0, $L)", GEMM, rows, x, xOff, IN,
                    lp.packed().orElseThrow().inputT().orElseThrow(), gates, GS);
        } else {
            c.add("// $L[$L × $L] = $L W_ih^T   [$L × $L] · [$L × $L], then += b_ih + b_hh$L\n", gates, rows, G, x, rows,
                    IN, IN, G, cell.recurrentApart() ? " (n block: b_in only)" : "");
            c.addStatement("$T.dgemm(false, true, $L, $L, $L, $L, $L, $L, w, $L, $L, false, $L, 0, $L)", GEMM, rows, G,
                    IN, x, xOff, IN, lp.params().wIh(), IN, gates, GS);
            c.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
            c.addStatement("int o = r * $L", GS);
            biasLoop(c, gates, "+=", "", "o");
            c.endControlFlow();
        }
    }

    /**
     * The input projection of a batch with padding: step t's product covers only its m running rows (the
     * first m of the block), so the work follows the batch's real length. Every step's bias rows are laid
     * first (float32: they are copied from row 0, which its product then changes).
     */
    private void raggedInputProjection(CodeBlock.Builder c, String gates, String x, String xOff) {
        String T = stack.steps();
        String G = lp.g();
        String GS = lp.gs();
        String IN = lp.in();
        c.add("// With padding: each step's projection over its m running rows only\n");
        if (num.isFloat()) {
            biasLoop(c, gates, "=", "", "0");
            c.addStatement("$T.fill($L, $L, $L, 0f)", ARRAYS, gates, G, GS);
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
            c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
            c.beginControlFlow("for (int r = t == 0 ? 1 : 0; r < m; r++)");
            c.addStatement("System.arraycopy($L, 0, $L, (t * n + r) * $L, $L)", gates, gates, GS, GS);
            c.endControlFlow();
            c.endControlFlow();
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
            c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
            c.beginControlFlow("if (m == 0)");
            c.addStatement("break");
            c.endControlFlow();
            c.addStatement("$T.sgemmPadded(m, $L, $L + t * n * $L, $L, $L, true, $L, t * n * $L, $L)", GEMM, x, xOff, IN,
                    IN, lp.packed().orElseThrow().inputT().orElseThrow(), gates, GS, GS);
            c.endControlFlow();
        } else {
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
            c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
            c.beginControlFlow("if (m == 0)");
            c.addStatement("break");
            c.endControlFlow();
            c.addStatement("$T.dgemm(false, true, m, $L, $L, $L, $L + t * n * $L, $L, w, $L, $L, false, $L, t * n * $L, $L)",
                    GEMM, G, IN, x, xOff, IN, IN, lp.params().wIh(), IN, gates, GS, GS);
            c.beginControlFlow("for (int r = 0; r < m; r++)");
            c.addStatement("int o = (t * n + r) * $L", GS);
            biasLoop(c, gates, "+=", "", "o");
            c.endControlFlow();
            c.endControlFlow();
        }
    }

    /** {@code gates[row + j] (op) extra + b_ih + b_hh} over the gate row; the cell says which rows take b_hh. */
    private void biasLoop(CodeBlock.Builder c, String gates, String op, String extra, String row) {
        String o = row.equals("0") ? "" : row + " + ";
        int both = cell.biasBothRows();
        String split = both == cell.gates() ? lp.g() : both + " * " + lp.h();
        c.beginControlFlow("for (int j = 0; j < $L; j++)", split);
        c.addStatement("$L[$Lj] $L $Lw[$L + j] + w[$L + j]", gates, o, op, extra, lp.params().bIh(), lp.params().bHh());
        c.endControlFlow();
        if (both != cell.gates()) {
            c.beginControlFlow("for (int j = $L; j < $L; j++)", split, lp.g());
            c.addStatement("$L[$Lj] $L $Lw[$L + j]", gates, o, op, extra, lp.params().bIh());
            c.endControlFlow();
        }
    }

    /** {@code dst[dOff..] (+)= h [rows × H] · W_hh^T [H × G]}: packed in float32. */
    void recurrentProduct(CodeBlock.Builder c, String rows, String h, String hOff, String dst, String dOff,
            boolean accumulate) {
        if (num.isFloat()) {
            c.addStatement("$T.sgemmPadded($L, $L, $L, $L, $L, $L, $L, $L, $L)", GEMM, rows, h, hOff, lp.h(),
                    lp.packed().orElseThrow().recurrentT(), accumulate, dst, dOff, lp.gs());
        } else {
            c.addStatement("$T.dgemm(false, true, $L, $L, $L, $L, $L, $L, w, $L, $L, $L, $L, $L, $L)", GEMM, rows,
                    lp.g(), lp.h(), h, hOff, lp.h(), lp.params().wHh(), lp.h(), accumulate, dst, dOff, lp.gs());
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

    /** dW_ih[:, tok] += dGates[t, b, :]: one-hot layer 0 (padding rows have zero dGates and token 0). */
    private void oneHotInputGradient(CodeBlock.Builder c) {
        String wIh = lp.params().wIh();
        c.add("\n// dW_ih[:, tok] += dGates[t, b, :]: the one-hot product as a column scatter\n");
        c.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, wIh, wIh, lp.g(), lp.in(), num.lit(0));
        c.beginControlFlow("for (int r = 0; r < $L * n; r++)", stack.steps());
        c.addStatement("int tok = $L[r]", stack.tokenBuf());
        c.addStatement("int o = r * $L", lp.gs());
        c.beginControlFlow("for (int j = 0; j < $L; j++)", lp.g());
        c.addStatement("dw[$L + j * $L + tok] += dGates[o + j]", wIh, lp.in());
        c.endControlFlow();
        c.endControlFlow();
    }

    /** dW_ih (unless one-hot), dW_hh and d loss / d input of a full batch: merged products over all T·n rows. */
    private void mergedTail(CodeBlock.Builder c, String input, String inputOff, String dIn) {
        String T = stack.steps();
        String G = lp.g();
        String H = lp.h();
        String GS = lp.gs();
        String IN = lp.in();
        String dR = cell.recurrentApart() ? lp.buf("dRec") : "dGates";
        String wIh = lp.params().wIh();
        String wHh = lp.params().wHh();
        c.add("// Weight gradients of all steps in merged products\n");
        if (!stack.oneHot(lp)) {
            c.add("// dW_ih[$L × $L] = dGates^T · X   over all $L·n rows\n", G, IN, T);
            c.addStatement("$T.$L(true, false, $L, $L, $L * n, dGates, 0, $L, $L, $L, $L, false, dw, $L, $L)", GEMM,
                    weightGradientGemm(), G, IN, T, GS, input, inputOff, IN, wIh, IN);
        }
        String h = lp.buf("h");
        if (lp.reverse() && stack.stepCount() > 1) {
            c.add("// dW_hh[$L × $L] = $L[0..T-2]^T · h[slots 1..T-1]   (the initial slot T is zero)\n", G, H, dR);
            c.addStatement("$T.$L(true, false, $L, $L, ($L - 1) * n, $L, 0, $L, $L, n * $L, $L, false, dw, $L, $L)",
                    GEMM, weightGradientGemm(), G, H, T, dR, GS, h, H, H, wHh, H);
        } else if (stack.zeroInitial() && !stack.carried()) {
            if (stack.stepCount() == 1) {
                c.add("// one step from h_{-1} = 0: W_hh gets no gradient\n");
                c.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, wHh, wHh, G, H, num.lit(0));
            } else {
                c.add("// dW_hh[$L × $L] = $L[1..T-1]^T · h[0..T-2]   (h_{-1} = 0 contributes nothing)\n", G, H, dR);
                c.addStatement("$T.$L(true, false, $L, $L, ($L - 1) * n, $L, n * $L, $L, $L, n * $L, $L, false, dw, $L, $L)",
                        GEMM, weightGradientGemm(), G, H, T, dR, GS, GS, h, H, H, wHh, H);
            }
        } else {
            c.add("// dW_hh[$L × $L] = $L[0..T-1]^T · h[-1..T-2]   (h_{-1} is the $L initial state)\n", G, H,
                    dR, stack.carried() ? "carried or given" : "handed-over");
            c.addStatement("$T.$L(true, false, $L, $L, $L * n, $L, 0, $L, $L, 0, $L, false, dw, $L, $L)",
                    GEMM, weightGradientGemm(), G, H, T, dR, GS, h, H, wHh, H);
        }
        if (dIn != null) {
            c.add("// d loss / d input of all steps in one product: $L[$L·n × $L] $L dGates · W_ih\n", dIn, T, IN,
                    lp.reverse() ? "+=" : "=");
            c.addStatement("$T.$L(false, false, $L * n, $L, $L, dGates, 0, $L, w, $L, $L, $L, $L, 0, $L)", GEMM,
                    num.gemm(), T, IN, G, GS, wIh, IN, lp.reverse(), dIn, IN);
        }
    }

    /**
     * The same for a batch with padding: the running rows of every step are packed one after another (PyTorch's
     * packed layout) into packGates / packRows, and each product runs once over the valid positions only. A
     * packed stack starts from zero states, and every row runs step 0, so step t >= 1's packed rows follow step
     * 0's n rows.
     */
    private void raggedTail(CodeBlock.Builder c, String input, String inputOff, String dIn) {
        String T = stack.steps();
        String G = lp.g();
        String H = lp.h();
        String GS = lp.gs();
        String IN = lp.in();
        boolean apart = cell.recurrentApart();
        String dR = apart ? lp.buf("dRec") : "dGates";
        boolean oneHot = stack.oneHot(lp);
        c.add("// With padding: pack the running rows of every step (valid positions only), one product each\n");
        c.addStatement("int p = 0");
        c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
        c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
        c.addStatement("System.arraycopy(dGates, t * n * $L, packGates, p * $L, m * $L)", GS, GS, GS);
        if (!oneHot) {
            c.addStatement("System.arraycopy($L, $L + t * n * $L, packRows, p * $L, m * $L)", input, inputOff, IN, IN, IN);
        }
        c.addStatement("p += m");
        c.endControlFlow();
        if (!oneHot) {
            c.add("// dW_ih[$L × $L] = dGates^T · X   over the p valid positions\n", G, IN);
            c.addStatement("$T.$L(true, false, $L, $L, p, packGates, 0, $L, packRows, 0, $L, false, dw, $L, $L)", GEMM,
                    weightGradientGemm(), G, IN, GS, IN, lp.params().wIh(), IN);
        }
        if (dIn != null) {
            c.add("// d loss / d input of the valid positions = dGates · W_ih, scattered back; zero at padding\n");
            c.addStatement("$T.$L(false, false, p, $L, $L, packGates, 0, $L, w, $L, $L, false, packRows, 0, $L)", GEMM,
                    num.gemm(), IN, G, GS, lp.params().wIh(), IN, IN);
            c.addStatement("int q = 0");
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
            c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
            if (lp.reverse()) {
                c.add("// the forward direction wrote the padding's zeros; add this direction's share\n");
                c.addStatement("$T.addTo(packRows, q * $L, $L, t * n * $L, m * $L)", CELLS, IN, dIn, IN, IN);
            } else {
                c.addStatement("System.arraycopy(packRows, q * $L, $L, t * n * $L, m * $L)", IN, dIn, IN, IN);
                c.addStatement("$T.fill($L, (t * n + m) * $L, (t + 1) * n * $L, $L)", ARRAYS, dIn, IN, IN, num.lit(0));
            }
            c.addStatement("q += m");
            c.endControlFlow();
        }
        String wHh = lp.params().wHh();
        boolean repack = apart || oneHot;
        c.addStatement("int k = 0");
        if (lp.reverse()) {
            c.add("// dW_hh[$L × $L] = $L[t]^T · h_{t+1} over the valid positions of steps 0..T-2 (slot T = 0)\n", G, H,
                    dR);
            c.beginControlFlow("for (int t = 0; t < $L - 1; t++)", T);
        } else if (stack.carried()) {
            c.add("// dW_hh[$L × $L] = $L[t]^T · h_{t-1} over the valid positions of all steps (h_{-1}: the initial state)\n",
                    G, H, dR);
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
        } else {
            c.add("// dW_hh[$L × $L] = $L[t]^T · h_{t-1} over the valid positions of steps 1..T-1 (h_{-1} = 0)\n", G, H,
                    dR);
            c.beginControlFlow("for (int t = 1; t < $L; t++)", T);
        }
        c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
        if (repack) {
            c.addStatement("System.arraycopy($L, t * n * $L, packGates, k * $L, m * $L)", dR, GS, GS, GS);
        }
        c.addStatement("System.arraycopy($L, $L * n * $L, packRows, k * $L, m * $L)", lp.buf("h"),
                lp.reverse() ? "(t + 1)" : "t", H, H, H);
        c.addStatement("k += m");
        c.endControlFlow();
        c.beginControlFlow("if (k == 0)");
        c.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, wHh, wHh, G, H, num.lit(0));
        c.nextControlFlow("else");
        c.addStatement("$T.$L(true, false, $L, $L, k, packGates, $L, $L, packRows, 0, $L, false, dw, $L, $L)", GEMM,
                weightGradientGemm(), G, H, repack || lp.reverse() || stack.carried() ? "0" : "n * " + GS, GS, H, wHh, H);
        c.endControlFlow();
    }

    MethodSpec backward() {
        String H = lp.h();
        String G = lp.g();
        String GS = lp.gs();
        String IN = lp.in();
        String T = stack.steps();
        String wIh = lp.params().wIh();
        String wHh = lp.params().wHh();
        String bIh = lp.params().bIh();
        String bHh = lp.params().bHh();
        boolean apart = cell.recurrentApart();
        String dR = apart ? lp.buf("dRec") : "dGates";
        String dhNext = lp.buf("dhNext");
        CodeBlock.Builder c = CodeBlock.builder();
        c.add("// In the forward pass $L held step t's gate activations; each step's gradients overwrite them\n",
                lp.buf("gates"));
        c.addStatement("$L dGates = $L", num.t() + "[]", lp.buf("gates"));
        boolean rev = lp.reverse();
        if (rev) {
            c.add("// $L holds d loss / d h_0 through the recurrence on entry (zero); steps forward in time\n", dhNext);
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
        } else {
            c.add("// $L holds d loss / d h_{$L-1} through the recurrence on entry ($L)\n", dhNext, T,
                    stack.role().equals("encoder") ? "from the decoder's initial states"
                            : "zero: nothing flows back past the last step");
            c.beginControlFlow("for (int t = $L - 1; t >= 0; t--)", T);
        }
        c.addStatement("int gt = t * n * $L", GS);
        c.addStatement("int st = t * n * $L", H);
        c.addStatement("int sn = st + n * $L", H);
        if (packed) {
            c.addStatement("int m = $L.activeRows(t)", LENGTH_ORDER);
        }
        cell.backward(c, trainingStep(true));
        if (packed) {
            c.add("// Rows past their last step: zero dGates$L (the merged weight products below skip them)$L\n",
                    apart ? " and dRec" : "", rev ? "" : ", and");
            if (!rev) {
                c.add("// what reached their carried state flows on to their last step (the carry is the identity)\n");
            }
            c.beginControlFlow("if (m < n)");
            c.addStatement("$T.fill(dGates, gt + m * $L, gt + n * $L, $L)", ARRAYS, GS, GS, num.lit(0));
            if (apart) {
                c.addStatement("$T.fill($L, gt + m * $L, gt + n * $L, $L)", ARRAYS, dR, GS, GS, num.lit(0));
            }
            if (!rev) {
                c.beginControlFlow("for (int r = m; r < n; r++)");
                c.addStatement("$T.addTo($L, st + r * $L, $L, r * $L, $L)", CELLS, lp.buf("dh"), H, dhNext, lp.hs(), H);
                c.endControlFlow();
            }
            c.endControlFlow();
        }
        if (rev) {
            c.add("// the initial state (slot $L) is a constant zero: no gradient needed before step $L - 1\n", T, T);
            c.beginControlFlow("if (t < $L - 1)", T);
        } else if (stack.zeroInitial()) {
            c.add("// h_{-1} = 0 is a constant: no gradient needed past step 0\n");
            c.beginControlFlow("if (t > 0)");
        }
        c.add("// $L $L $L[t] · W_hh   [$L × $L] · [$L × $L]\n", dhNext, apart ? "+=" : "=", dR, rows, G, G, H);
        if (num.isFloat()) {
            c.addStatement("$T.sgemmPadded($L, $L, gt, $L, $L, $L, $L, 0, $L)", GEMM, rows, dR, GS,
                    lp.packed().orElseThrow().recurrent(), apart, dhNext, lp.hs());
        } else {
            c.addStatement("$T.dgemm(false, false, $L, $L, $L, $L, gt, $L, w, $L, $L, $L, $L, 0, $L)", GEMM, rows, H, G,
                    dR, GS, wHh, H, apart, dhNext, lp.hs());
        }
        if (rev || stack.zeroInitial()) {
            c.endControlFlow();
        }
        c.endControlFlow();

        String input = stack.inputOf(lp);
        String inputOff = stack.inputOffset(lp);
        String dIn = stack.dInputOf(lp);
        if (stack.oneHot(lp)) {
            oneHotInputGradient(c);
        }
        if (packed) {
            c.beginControlFlow("\nif ($L.ragged())", LENGTH_ORDER);
            raggedTail(c, input, inputOff, dIn);
            c.nextControlFlow("else");
        }
        mergedTail(c, input, inputOff, dIn);
        if (packed) {
            c.endControlFlow();
        }
        c.add("// db_ih = sum of dGates over steps and rows$L\n", apart ? "; db_hh = sum of dRec" : "");
        c.addStatement("$T.fill(dw, $L, $L + $L, $L)", ARRAYS, bIh, bIh, G, num.lit(0));
        if (apart) {
            c.addStatement("$T.fill(dw, $L, $L + $L, $L)", ARRAYS, bHh, bHh, G, num.lit(0));
        }
        c.beginControlFlow("for (int r = 0; r < $L * n; r++)", T);
        c.addStatement("int o = r * $L", GS);
        c.addStatement("$T.addTo(dGates, o, dw, $L, $L)", CELLS, bIh, G);
        if (apart) {
            c.addStatement("$T.addTo($L, o, dw, $L, $L)", CELLS, dR, bHh, G);
        }
        c.endControlFlow();
        if (!apart) {
            c.add("// b_hh enters the gates exactly as b_ih does: db_hh = db_ih\n");
            c.addStatement("System.arraycopy(dw, $L, dw, $L, $L)", bIh, bHh, G);
        }
        String doc = "Backward of " + describe() + ", steps in reverse (backpropagation through time).\n"
                + "Reads " + lp.buf("dh") + " (d loss / d h_t from above) and " + dhNext + ";\noverwrites "
                + lp.buf("gates") + " with d loss / d gate pre-activations (dGates); writes "
                + (apart ? dR + ", " : "") + "the gradients of this layer's four parameters"
                + (dIn != null ? " and " + dIn : "") + ".\n";
        return MethodSpec.methodBuilder(lp.name() + "Backward").addModifiers(Modifier.PRIVATE)
                .addJavadoc("$L", doc).addParameter(int.class, "n").addCode(c.build()).build();
    }
}
