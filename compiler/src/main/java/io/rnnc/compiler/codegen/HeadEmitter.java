package io.rnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.math.Losses;
import java.util.List;
import javax.lang.model.element.Modifier;

/** Emits the dense head (forward, backward), the loss (one runtime Losses call per output step), the output copies. */
final class HeadEmitter {

    /** Field name of the packed fc.weight^T [H × O] (float32) the head's forward product reads. */
    static final String FC_PACKED = "fcWT";

    private static final ClassName LOSSES = ClassName.get(Losses.class);

    private final GenerationPlan plan;
    private final Num num;
    private final TypeSpec.Builder type;
    private final StackPlan stack;
    private final LayerPlan top;

    HeadEmitter(GenerationPlan plan, Num num, TypeSpec.Builder type) {
        this.plan = plan;
        this.num = num;
        this.type = type;
        this.stack = plan.stack();
        this.top = stack.top();
    }

    /** The head reads only the last step (many_to_one, one_to_one). */
    private boolean lastStepOnly() {
        return plan.headLastStep();
    }

    /** Offset of the head's input rows in {@link #headInput()}. */
    private String topOffset() {
        if (top.bidirectional()) {
            return "0";
        }
        return lastStepOnly() ? stack.steps() + " * n * " + top.h() : "n * " + top.h();
    }

    /**
     * What the head reads: the top h; a bidirectional top layer's output [h_fwd_t, h_bwd_t] (every step), or
     * headIn = cat(h_fwd after the last step, h_bwd after step 0) (the last step only).
     */
    private String headInput() {
        if (!top.bidirectional()) {
            return top.buf("h");
        }
        return lastStepOnly() ? "headIn" : top.buf("out");
    }

    void emit() {
        String H = top.out();
        String lg = plan.logitsBuf();
        String dl = plan.dLogitsBuf();
        CodeBlock.Builder f = CodeBlock.builder();
        if (lastStepOnly() && top.bidirectional()) {
            LayerPlan r = top.reverseDirection().orElseThrow();
            f.add("// headIn = cat(h_n[-2], h_n[-1]): the forward state after the last step, the reverse one after step 0\n");
            f.beginControlFlow("for (int r = 0; r < n; r++)");
            f.addStatement("System.arraycopy($L, ($L * n + r) * $L, headIn, r * $L, $L)", top.buf("h"), stack.steps(),
                    top.h(), H, top.h());
            f.addStatement("System.arraycopy($L, r * $L, headIn, r * $L + $L, $L)", r.buf("h"), top.h(), H, top.h(),
                    top.h());
            f.endControlFlow();
        }
        f.add("// $L[T_OUT·n × O] = h_top · fc.weight^T + fc.bias\n", lg);
        if (num.isFloat()) {
            f.addStatement("$T.sgemm(T_OUT * n, $L, $L, $L, $L, false, $L, 0, O)", CodeGenerator.GEMM, headInput(),
                    topOffset(), H, FC_PACKED, lg);
        } else {
            f.addStatement("$T.dgemm(false, true, T_OUT * n, O, $L, $L, $L, $L, w, $L, $L, false, $L, 0, O)",
                    CodeGenerator.GEMM, H, headInput(), topOffset(), H, plan.fcWeight(), H, lg);
        }
        f.beginControlFlow("for (int r = 0; r < T_OUT * n; r++)");
        f.beginControlFlow("for (int j = 0; j < O; j++)");
        f.addStatement("$L[r * O + j] += w[$L + j]", lg, plan.fcBias());
        f.endControlFlow();
        f.endControlFlow();
        if (plan.takesLengths() && !lastStepOnly() && plan.packed(stack)) {
            f.add("// Padding positions (past a row's length) hold fc.bias, as PyTorch's fc(out) with out = 0 there\n");
            f.beginControlFlow("for (int t = 0; t < T_OUT; t++)");
            f.beginControlFlow("for (int r = $L.activeRows(t); r < n; r++)", LayerEmitter.LENGTH_ORDER);
            f.addStatement("System.arraycopy(w, $L, $L, (t * n + r) * O, O)", plan.fcBias(), lg);
            f.endControlFlow();
            f.endControlFlow();
        }
        type.addMethod(MethodSpec.methodBuilder("headForward").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Dense head on $L: logits = h $L fc.weight^T + fc.bias.\n",
                        lastStepOnly() ? "the last step" : "every step", "·")
                .addParameter(int.class, "n").addCode(f.build()).build());

        loss();

        CodeBlock.Builder b = CodeBlock.builder();
        b.add("// dfc.weight[O × $L] = dLogits^T · h_top;  dfc.bias = sum of dLogits\n", H);
        b.addStatement("$T.$L(true, false, O, $L, T_OUT * n, $L, 0, O, $L, $L, $L, false, dw, $L, $L)", CodeGenerator.GEMM,
                num.gemm(), H, dl, headInput(), topOffset(), H, plan.fcWeight(), H);
        b.addStatement("$T.fill(dw, $L, $L + O, $L)", CodeGenerator.ARRAYS, plan.fcBias(), plan.fcBias(), num.lit(0));
        b.beginControlFlow("for (int r = 0; r < T_OUT * n; r++)");
        b.beginControlFlow("for (int j = 0; j < O; j++)");
        b.addStatement("dw[$L + j] += $L[r * O + j]", plan.fcBias(), dl);
        b.endControlFlow();
        b.endControlFlow();
        if (lastStepOnly() && top.bidirectional()) {
            LayerPlan r = top.reverseDirection().orElseThrow();
            String h = top.h();
            b.add("// d loss / d headIn, then to the forward direction's last step and the reverse one's step 0\n");
            b.addStatement("$T.$L(false, false, n, $L, O, $L, 0, O, w, $L, $L, false, dHeadIn, 0, $L)",
                    CodeGenerator.GEMM, num.gemm(), H, dl, plan.fcWeight(), H, H);
            b.addStatement("$T.fill($L, 0, $L * n * $L, $L)", CodeGenerator.ARRAYS, top.buf("dh"), stack.steps(), h, num.lit(0));
            b.addStatement("$T.fill($L, 0, $L * n * $L, $L)", CodeGenerator.ARRAYS, r.buf("dh"), stack.steps(), h, num.lit(0));
            b.beginControlFlow("for (int r = 0; r < n; r++)");
            b.addStatement("System.arraycopy(dHeadIn, r * $L, $L, (($L - 1) * n + r) * $L, $L)", H, top.buf("dh"),
                    stack.steps(), h, h);
            b.addStatement("System.arraycopy(dHeadIn, r * $L + $L, $L, r * $L, $L)", H, h, r.buf("dh"), h, h);
            b.endControlFlow();
        } else if (lastStepOnly()) {
            b.add("// d loss / d h_top: only the last step feeds the head\n");
            b.addStatement("$T.fill($L, 0, $L * n * $L, $L)", CodeGenerator.ARRAYS, top.buf("dh"), stack.steps(), H, num.lit(0));
            b.addStatement("$T.$L(false, false, n, $L, O, $L, 0, O, w, $L, $L, false, $L, ($L - 1) * n * $L, $L)",
                    CodeGenerator.GEMM, num.gemm(), H, dl, plan.fcWeight(), H, top.buf("dh"), stack.steps(), H, H);
        } else {
            b.add("// d loss / d h_top of every step = dLogits · fc.weight\n");
            b.addStatement("$T.$L(false, false, T_OUT * n, $L, O, $L, 0, O, w, $L, $L, false, $L, 0, $L)",
                    CodeGenerator.GEMM, num.gemm(), H, dl, plan.fcWeight(), H,
                    top.bidirectional() ? top.buf("dOut") : top.buf("dh"), H);
        }
        type.addMethod(MethodSpec.methodBuilder("headBackward").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Backward of the dense head: its gradients and d loss / d h of the top layer.\n")
                .addParameter(int.class, "n").addCode(b.build()).build());

        copies();
    }

    private void loss() {
        String lg = plan.logitsBuf();
        String dl = plan.dLogitsBuf();
        CodeBlock.Builder c = CodeBlock.builder();
        c.addStatement("double total = 0");
        String doc;
        // one runtime call per output step over its n rows: logits [T_OUT, n, O] are time-major, the batch's
        // targets batch-major; passing the running total keeps the sum's order of one fused loop. The
        // chunk's batch starts at row 0, which the bad-class-id message counts from.
        String method;
        String targets;
        if (plan.loss() == LossKind.CROSS_ENTROPY) {
            doc = "Cross-entropy, mean over the T_OUT·n positions: logsumexp(z) - z[y]; "
                    + "d loss / d z = (softmax(z) - onehot(y)) / (T_OUT·n), in the same pass.\n";
            c.beginControlFlow("if (batch.classes == null)");
            c.addStatement("throw new $T($S)", IllegalArgumentException.class, plan.model().name()
                    + " is trained with cross_entropy on class ids; the batch has no classes array");
            c.endControlFlow();
            c.addStatement("int[] y = batch.classes");
            c.addStatement("double scale = 1.0 / $L", meanCount(""));
            method = "crossEntropy";
            targets = "y, t, T_OUT";
        } else {
            HeadActivation act = plan.headActivation();
            boolean bce = plan.loss() == LossKind.BCE;
            doc = bce ? "Binary cross-entropy with logits, mean over all T_OUT·n·O elements: "
                    + "max(z, 0) - z y + log(1 + exp(-|z|)); d loss / d z = (sigmoid(z) - y) / N.\n"
                    : "Mean squared error over all T_OUT·n·O elements of the head's output "
                    + (act == HeadActivation.LINEAR ? "(the logits)" : "(" + act.keyword() + " of the logits)")
                    + "; d loss / d z in the same pass.\n";
            c.beginControlFlow("if (batch.targets == null)");
            c.addStatement("throw new $T($S)", IllegalArgumentException.class, plan.model().name()
                    + " is trained on float targets; the batch has no targets array");
            c.endControlFlow();
            c.addStatement("double[] y = batch.targets");
            c.addStatement("double scale = 1.0 / $L", meanCount(" * O"));
            method = bce ? "bceWithLogits" : switch (act) {
                case LINEAR -> "mse";
                case SIGMOID -> "mseSigmoid";
                case TANH -> "mseTanh";
                case SOFTMAX -> "mseSoftmax";
            };
            targets = "y, t * O, T_OUT * O";
        }
        if (plan.takesLengths()) {
            lengthsLoss(c, method, lg, dl);
        } else {
            c.beginControlFlow("for (int t = 0; t < T_OUT; t++)");
            c.addStatement("total = $T.$L(total, $L, t * n * O, n, O, O, $L, backward ? $L : null, t * n * O, O, scale$L)",
                    LOSSES, method, lg, targets, dl, plan.loss() == LossKind.CROSS_ENTROPY ? ", t, firstRow()" : "");
            c.endControlFlow();
        }
        c.addStatement("return total * scale");
        type.addMethod(CodeGenerator.hook("loss", double.class)
                .addJavadoc("$L", doc + "@param batchRows rows of the whole batch, which the mean divides by\n"
                        + "@param backward also write dLogits\n")
                .addParameter(Batch.class, "batch").addParameter(int.class, "n").addParameter(int.class, "batchRows")
                .addParameter(boolean.class, "backward")
                .addCode(c.build()).build());
    }

    /**
     * What the mean loss divides by (times {@code perPosition}): every position of the batch, or with lengths
     * the valid ones (many_to_many: the sum of the lengths; seq2seq: of the target lengths). Without lengths
     * the valid count is rows × T_OUT, the same number, so the fixed path keeps its bits.
     */
    private String meanCount(String perPosition) {
        if (!plan.takesLengths() || lastStepOnly()) {
            return "(T_OUT * batchRows" + perPosition + ")";
        }
        return "(" + (plan.seq2seq() ? "batchValidTargetPositions()" : "batchValidPositions()") + perPosition + ")";
    }

    /**
     * The loss of a model that takes lengths: position by position in the length order (row k of a step's
     * block is the chunk row {@code lengthOrder.row(k)}), valid positions only; padding positions get no loss
     * and a zero gradient. Each position's arithmetic and the order of the running sum are those of one call
     * over the step's rows, so a batch without lengths (the identity order) keeps its bits.
     */
    private void lengthsLoss(CodeBlock.Builder c, String method, String lg, String dl) {
        boolean ce = plan.loss() == LossKind.CROSS_ENTROPY;
        if (plan.seq2seq()) {
            c.addStatement("int[] targetLengths = batch.targetLengthsArray()");
        }
        c.beginControlFlow("for (int t = 0; t < T_OUT; t++)");
        if (!lastStepOnly() && !plan.seq2seq()) {
            c.addStatement("int m = $L.activeRows(t)", LayerEmitter.LENGTH_ORDER);
        }
        c.beginControlFlow("for (int k = 0; k < n; k++)");
        c.addStatement("int b = $L.row(k)", LayerEmitter.LENGTH_ORDER);
        c.addStatement("int z = (t * n + k) * O");
        String valid = lastStepOnly() ? null : plan.seq2seq() ? "t < targetLengths[b]" : "k < m";
        if (valid != null) {
            c.beginControlFlow("if ($L)", valid);
        }
        c.addStatement("total = $T.$L(total, $L, z, 1, O, O, y, $L, backward ? $L : null, z, O, scale$L)", LOSSES, method,
                lg, ce ? "b * T_OUT + t, T_OUT" : "(b * T_OUT + t) * O, T_OUT * O", dl, ce ? ", t, firstRow() + b" : "");
        if (valid != null) {
            c.nextControlFlow("else if (backward)");
            c.addStatement("$T.fill($L, z, z + O, $L)", CodeGenerator.ARRAYS, dl, num.lit(0));
            c.endControlFlow();
        }
        c.endControlFlow();
        c.endControlFlow();
    }

    /** Where chunk row b's results sit in a step's block: its place in the length order, or b itself. */
    private String position() {
        return plan.takesLengths() ? LayerEmitter.LENGTH_ORDER + ".position(b)" : "b";
    }

    /** chunkFinalStates of a model that takes lengths: row b's state is row position(b) of slot T (carried there). */
    private void finalStatesInOrder(CodeBlock.Builder s) {
        s.beginControlFlow("for (int b = 0; b < n; b++)");
        s.addStatement("int k = $L.position(b)", LayerEmitter.LENGTH_ORDER);
        s.addStatement("int off = 0");
        List<LayerPlan> dirs = stack.directions();
        for (LayerPlan lp : dirs) {
            String H = lp.h();
            s.beginControlFlow("for (int j = 0; j < $L; j++)", H);
            s.addStatement("hOut[off + (row0 + b) * $L + j] = $L[k * $L + j]", H, finalName(lp, "h"), H);
            if (lp.has("c")) {
                s.beginControlFlow("if (cOut != null)");
                s.addStatement("cOut[off + (row0 + b) * $L + j] = $L[k * $L + j]", H, finalName(lp, "c"), H);
                s.endControlFlow();
            }
            s.endControlFlow();
            if (lp != dirs.get(dirs.size() - 1)) {
                s.addStatement("off += total * $L", H);
            }
        }
        s.endControlFlow();
    }

    /** The field of the copy of {@code lp}'s final {@code stem} state (forwardPass keeps it). */
    private static String finalName(LayerPlan lp, String stem) {
        return lp.cell().states().stream().filter(st -> st.stem().equals(stem)).findFirst()
                .map(st -> CodeGenerator.finalState(lp, st)).orElseThrow();
    }

    /** Emits {@code double max}: the largest logit of the row at {@code buf[off .. off + O)}, for a stable softmax. */
    private static void rowMax(CodeBlock.Builder c, String buf, String off) {
        c.addStatement("double max = $L[$L]", buf, off);
        c.beginControlFlow("for (int j = 1; j < O; j++)");
        c.addStatement("max = Math.max(max, $L[$L + j])", buf, off);
        c.endControlFlow();
    }

    private void copies() {
        String lg = plan.logitsBuf();
        CodeBlock.Builder l = CodeBlock.builder();
        l.addStatement("int n = rows()");
        l.beginControlFlow("for (int t = 0; t < T_OUT; t++)");
        l.beginControlFlow("for (int b = 0; b < n; b++)");
        l.beginControlFlow("for (int j = 0; j < O; j++)");
        l.addStatement("dst[dOff + (b * T_OUT + t) * O + j] = $L[(t * n + $L) * O + j]", lg, position());
        l.endControlFlow();
        l.endControlFlow();
        l.endControlFlow();
        type.addMethod(CodeGenerator.hook("chunkLogits", void.class)
                .addJavadoc("This chunk's logits into {@code dst} from {@code dOff} ({@code [rows, T_OUT, O]}).\n")
                .addParameter(double[].class, "dst").addParameter(int.class, "dOff")
                .addCode(l.build()).build());

        HeadActivation act = plan.headActivation();
        CodeBlock.Builder o = CodeBlock.builder();
        o.addStatement("int n = rows()");
        o.beginControlFlow("for (int t = 0; t < T_OUT; t++)");
        o.beginControlFlow("for (int b = 0; b < n; b++)");
        o.addStatement("int src = (t * n + $L) * O", position());
        o.addStatement("int dstOff = dOff + (b * T_OUT + t) * O");
        if (act == HeadActivation.SOFTMAX) {
            rowMax(o, lg, "src");
            o.addStatement("double sum = 0");
            o.beginControlFlow("for (int j = 0; j < O; j++)");
            o.addStatement("double e = Math.exp($L[src + j] - max)", lg);
            o.addStatement("dst[dstOff + j] = e");
            o.addStatement("sum += e");
            o.endControlFlow();
            o.beginControlFlow("for (int j = 0; j < O; j++)");
            o.addStatement("dst[dstOff + j] /= sum");
            o.endControlFlow();
        } else {
            String expr = switch (act) {
                case SIGMOID -> "1 / (1 + Math.exp(-z))";
                case TANH -> "Math.tanh(z)";
                default -> "z";
            };
            o.beginControlFlow("for (int j = 0; j < O; j++)");
            o.addStatement("double z = $L[src + j]", lg);
            o.addStatement("dst[dstOff + j] = $L", expr);
            o.endControlFlow();
        }
        o.endControlFlow();
        o.endControlFlow();
        type.addMethod(CodeGenerator.hook("chunkOutputs", void.class)
                .addJavadoc("This chunk's head outputs after the activation ($L) into {@code dst} from {@code dOff}.\n",
                        act.keyword())
                .addParameter(double[].class, "dst").addParameter(int.class, "dOff")
                .addCode(o.build()).build());

        CodeBlock.Builder s = CodeBlock.builder();
        s.addStatement("int n = rows()");
        if (plan.takesLengths()) {
            finalStatesInOrder(s);
        } else {
            s.addStatement("int off = 0");
            List<LayerPlan> dirs = stack.directions();
            for (LayerPlan lp : dirs) {
                s.beginControlFlow("for (int k = 0; k < n * $L; k++)", lp.h());
                s.addStatement("hOut[off + row0 * $L + k] = $L[k]", lp.h(), finalName(lp, "h"));
                if (lp.has("c")) {
                    s.beginControlFlow("if (cOut != null)");
                    s.addStatement("cOut[off + row0 * $L + k] = $L[k]", lp.h(), finalName(lp, "c"));
                    s.endControlFlow();
                }
                s.endControlFlow();
                if (lp != dirs.get(dirs.size() - 1)) {
                    s.addStatement("off += total * $L", lp.h());
                }
            }
        }
        type.addMethod(CodeGenerator.hook("chunkFinalStates", void.class)
                .addJavadoc("This chunk's final states into rows {@code row0..} of {@code [L, total, H]} blocks.\n")
                .addParameter(double[].class, "hOut").addParameter(double[].class, "cOut").addParameter(int.class, "row0")
                .addParameter(int.class, "total").addCode(s.build()).build());
    }
}
