package io.rnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.SequenceGenerator;
import javax.lang.model.element.Modifier;

/**
 * Emits {@code loadInputs}: the batch's batch-major inputs into the time-major layer-0 buffers — features
 * narrowed to the element type, token ids checked, embedding rows gathered, one_to_many's
 * concat(x, teacher-forced feedback), seq2seq's decoder tokens [0, y_0, ..., y_{T-2}].
 */
final class InputEmitter {

    private final GenerationPlan plan;
    private final Num num;
    private final TypeSpec.Builder type;

    InputEmitter(GenerationPlan plan, Num num, TypeSpec.Builder type) {
        this.plan = plan;
        this.num = num;
        this.type = type;
    }

    void emit() {
        CodeBlock.Builder c = CodeBlock.builder();
        if (plan.takesLengths()) {
            c.add("// Rows by length, longest first (the identity without lengths): row k of every step block is chunk row\n");
            c.add("// $L.row(k), so the rows running at step t are the first $L.activeRows(t)\n", LayerEmitter.LENGTH_ORDER,
                    LayerEmitter.LENGTH_ORDER);
            c.addStatement("$L.update(batch, 0, n)", LayerEmitter.LENGTH_ORDER);
            c.addStatement("int[] lengths = batch.lengthsArray()");
        }
        for (StackPlan s : plan.stacks()) {
            boolean decoder = plan.seq2seq() && s == plan.stack();
            if (decoder) {
                decoderTokens(c, s);
            } else if (s.inputKind() == InputKind.FEATURES) {
                features(c, s);
            } else {
                tokens(c, s);
            }
            if (s.inputKind() == InputKind.TOKENS_EMBED) {
                embed(c, s);
            }
        }
        type.addMethod(CodeGenerator.hook("loadInputs", void.class)
                .addJavadoc("Copies the batch's inputs (batch-major) into the time-major layer-0 buffers.\n")
                .addParameter(Batch.class, "batch").addParameter(int.class, "n").addCode(c.build()).build());
    }

    private void require(CodeBlock.Builder c, String field, String what) {
        c.beginControlFlow("if (batch.$L == null)", field);
        c.addStatement("throw new $T($S)", IllegalArgumentException.class,
                plan.model().name() + " reads " + what + "; the batch has no " + field + " array");
        c.endControlFlow();
    }

    private void features(CodeBlock.Builder c, StackPlan s) {
        String T = s.steps();
        String x = s.inputBuf();
        String IN = s.layers().get(0).in();
        require(c, "features", "float features");
        c.addStatement("double[] f = batch.features");
        if (plan.oneToMany()) {
            c.add("// u_t = concat(x, f_t): x [n, I] repeated every step; f_0 = 0, f_t = target of step t-1\n");
            boolean classes = plan.tokensOut();
            if (classes) {
                require(c, "classes", "class targets for the feedback");
                c.addStatement("int[] y = batch.classes");
            } else {
                require(c, "targets", "float targets for the feedback");
                c.addStatement("double[] y = batch.targets");
            }
            c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
            c.beginControlFlow("for (int b = 0; b < n; b++)");
            c.addStatement("int o = (t * n + b) * $L", IN);
            c.beginControlFlow("for (int i = 0; i < I; i++)");
            c.addStatement("$L[o + i] = $Lf[b * I + i]", x, num.cast());
            c.endControlFlow();
            c.addStatement("$T.fill($L, o + I, o + $L, $L)", CodeGenerator.ARRAYS, x, IN, num.lit(0));
            c.beginControlFlow("if (t > 0)");
            if (classes) {
                c.addStatement("int prev = y[b * T_OUT + t - 1]");
                checkClass(c, "prev", "t - 1");
                c.addStatement("$L[o + I + prev] = $L", x, num.lit(1));
            } else {
                c.beginControlFlow("for (int j = 0; j < O; j++)");
                c.addStatement("$L[o + I + j] = $Ly[(b * T_OUT + t - 1) * O + j]", x, num.cast());
                c.endControlFlow();
            }
            c.endControlFlow();
            c.endControlFlow();
            c.endControlFlow();
            return;
        }
        if (plan.takesLengths()) {
            c.add("// x[t, k, :] = features[b, t, :] for chunk row b = $L.row(k); 0 past b's length (padding is never read)\n",
                    LayerEmitter.LENGTH_ORDER);
        } else {
            c.add("// x[t, b, :] = features[b, t, :]\n");
        }
        c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
        if (plan.takesLengths()) {
            c.beginControlFlow("for (int k = 0; k < n; k++)");
            c.addStatement("int b = $L.row(k)", LayerEmitter.LENGTH_ORDER);
            c.addStatement("int dst = (t * n + k) * $L", IN);
            c.beginControlFlow("if (t >= lengths[b])");
            c.addStatement("$T.fill($L, dst, dst + $L, $L)", CodeGenerator.ARRAYS, x, IN, num.lit(0));
            c.addStatement("continue");
            c.endControlFlow();
        } else {
            c.beginControlFlow("for (int b = 0; b < n; b++)");
            c.addStatement("int dst = (t * n + b) * $L", IN);
        }
        c.addStatement("int src = (b * $L + t) * $L", T, IN);
        c.beginControlFlow("for (int i = 0; i < $L; i++)", IN);
        c.addStatement("$L[dst + i] = $Lf[src + i]", x, num.cast());
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
    }

    void checkClass(CodeBlock.Builder c, String var, String step) {
        c.beginControlFlow("if ($L < 0 || $L >= O)", var, var);
        c.addStatement("throw new $T($S + $L + $S + (firstRow() + b) + $S + ($L) + $S)", IllegalArgumentException.class,
                "class id ", var, " at batch row ", ", step ", step, " is outside 0..O-1 (O = " + plan.constant("O").value() + ")");
        c.endControlFlow();
    }

    private void tokens(CodeBlock.Builder c, StackPlan s) {
        String T = s.steps();
        require(c, "tokens", "token ids");
        c.add("// $L[t, b] = tokens[b, t], each id checked against the vocabulary\n", s.tokenBuf());
        c.addStatement("int[] ids = batch.tokens");
        c.beginControlFlow("for (int t = 0; t < $L; t++)", T);
        String k = "b";
        if (plan.takesLengths()) {
            c.add("// in the length order (row k is chunk row b); padding past b's length reads as id 0, unchecked\n");
            k = "k";
            c.beginControlFlow("for (int k = 0; k < n; k++)");
            c.addStatement("int b = $L.row(k)", LayerEmitter.LENGTH_ORDER);
            c.beginControlFlow("if (t >= lengths[b])");
            c.addStatement("$L[t * n + k] = 0", s.tokenBuf());
            c.addStatement("continue");
            c.endControlFlow();
        } else {
            c.beginControlFlow("for (int b = 0; b < n; b++)");
        }
        c.addStatement("int id = ids[b * $L + t]", T);
        c.beginControlFlow("if (id < 0 || id >= $L)", s.vocab());
        c.addStatement("throw new $T($S + id + $S + (firstRow() + b) + $S + t + $S)", IllegalArgumentException.class,
                "token id ", " at batch row ", ", step ", " is outside the vocabulary 0.." + (s.vocabSize() - 1));
        c.endControlFlow();
        c.addStatement("$L[t * n + $L] = id", s.tokenBuf(), k);
        c.endControlFlow();
        c.endControlFlow();
    }

    private void decoderTokens(CodeBlock.Builder c, StackPlan s) {
        String T = s.steps();
        require(c, "classes", "target ids (teacher forcing)");
        c.add("// Decoder input d_0 = the reserved start token, d_t = y[t-1] (teacher forcing)\n");
        c.addStatement("int[] y = batch.classes");
        if (plan.takesLengths()) {
            c.add("// in the source's length order (row k is chunk row b); targets past b's target length read as 0\n");
            c.addStatement("int[] targetLengths = batch.targetLengthsArray()");
            c.beginControlFlow("for (int k = 0; k < n; k++)");
            c.addStatement("int b = $L.row(k)", LayerEmitter.LENGTH_ORDER);
        } else {
            c.beginControlFlow("for (int b = 0; b < n; b++)");
        }
        String k = plan.takesLengths() ? "k" : "b";
        c.addStatement("$L[$L] = $T.START_TOKEN", s.tokenBuf(), k, SequenceGenerator.class);
        c.beginControlFlow("for (int t = 1; t < $L; t++)", T);
        if (plan.takesLengths()) {
            c.beginControlFlow("if (t - 1 >= targetLengths[b])");
            c.addStatement("$L[t * n + k] = 0", s.tokenBuf());
            c.addStatement("continue");
            c.endControlFlow();
        }
        c.addStatement("int id = y[b * $L + t - 1]", T);
        checkClass(c, "id", "t - 1");
        c.addStatement("$L[t * n + $L] = id", s.tokenBuf(), k);
        c.endControlFlow();
        c.endControlFlow();
    }

    private void embed(CodeBlock.Builder c, StackPlan s) {
        String E = s.layers().get(0).in();
        c.add("// $L[t, b, :] = $Lembedding.weight[token, :]\n", s.inputBuf(), s.prefix());
        c.beginControlFlow("for (int r = 0; r < $L * n; r++)", s.steps());
        c.addStatement("$T.arraycopy(w, $L + $L[r] * $L, $L, r * $L, $L)", System.class, s.embedding(), s.tokenBuf(),
                E, s.inputBuf(), E, E);
        c.endControlFlow();
    }
}
