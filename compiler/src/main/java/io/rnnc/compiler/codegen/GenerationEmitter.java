package io.rnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.cell.CellState;
import io.rnnc.compiler.cell.Step;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.plan.GenerationBuffers;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Emits the generation API ({@link SequenceGenerator}) of the generative modes: a one-step forward of
 * the (decoder) stack over up to B rows, token feeding, greedy / temperature picking, greedy and
 * sampled generation, beam search, and value generation for one_to_many with a non-softmax head.
 */
final class GenerationEmitter {

    private final GenerationPlan plan;
    private final Num num;
    private final TypeSpec.Builder type;
    private final StackPlan stack;

    GenerationEmitter(GenerationPlan plan, Num num, TypeSpec.Builder type) {
        this.plan = plan;
        this.num = num;
        this.type = type;
        this.stack = plan.stack();
    }

    private boolean seq2seq() {
        return plan.seq2seq();
    }

    private boolean oneToMany() {
        return plan.oneToMany();
    }

    private boolean tokensOut() {
        return plan.tokensOut();
    }

    void emit() {
        if (plan.generation().isEmpty()) {
            return;
        }
        GenerationBuffers gb = plan.generation().get();
        type.addSuperinterface(SequenceGenerator.class);
        step(gb);
        start(gb);
        if (tokensOut()) {
            feed(gb);
            pick(gb);
        }
        generate(gb);
        beamSearch(gb);
        values(gb);
    }

    private String gemm(String fmt) {
        return "$T." + num.gemm() + fmt;
    }

    /**
     * genStep(n): one step of every layer for n rows from the genH/genC state, then the head into genLogits. Each
     * layer runs the training forward's code for one step (input projection, recurrent product, the cell's step)
     * on one-step buffers laid out like the training ones, so it computes the same bits.
     */
    private void step(GenerationBuffers gb) {
        CodeBlock.Builder c = CodeBlock.builder();
        for (LayerPlan lp : stack.layers()) {
            int l = lp.index();
            Map<String, String> arrays = gb.layers().get(l);
            String gates = arrays.get("gates");
            String h = arrays.get("h");
            LayerEmitter le = new LayerEmitter(num, stack, lp);
            c.add("// layer $L\n", l);
            String x = l == 0 ? gb.x() : gb.of(l - 1, "h");
            le.inputProjection(c, "n", gates, x, "0", gb.tok(), stack.oneHot(lp));
            if (lp.cell().recurrentApart()) {
                le.recurrentProduct(c, h, "0", arrays.get("rec"), "0", false);
            } else {
                le.recurrentProduct(c, h, "0", gates, "0", true);
            }
            Map<String, String> base = new HashMap<>();
            arrays.keySet().forEach(k -> base.put(k, "0"));
            lp.cell().forward(c, new Step(arrays, base, base, lp.h(), lp.gs(), lp.hs(), lp.params().bHh(), lp.table(),
                    num.isFloat()));
        }
        LayerPlan top = stack.top();
        c.add("// head: genLogits = h_top fc.weight^T + fc.bias\n");
        c.addStatement(gemm("(false, true, n, O, $L, $L, 0, $L, w, $L, $L, false, $L, 0, O)"), CodeGenerator.GEMM,
                top.h(), gb.of(top.index(), "h"), top.h(), plan.fcWeight(), top.h(), gb.logits());
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.beginControlFlow("for (int j = 0; j < O; j++)");
        c.addStatement("$L[r * O + j] += w[$L + j]", gb.logits(), plan.fcBias());
        c.endControlFlow();
        c.endControlFlow();
        type.addMethod(MethodSpec.methodBuilder("genStep").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Generation: one step of every layer for rows 0..n-1 (the layer forward methods' code for one"
                        + " step), then the head into $L.\n", gb.logits())
                .addParameter(int.class, "n").addCode(c.build()).build());
    }

    /** genStart(n, prompt, features): the initial state of rows 0..n-1 (the encoder's final state, or zero). */
    private void start(GenerationBuffers gb) {
        CodeBlock.Builder c = CodeBlock.builder();
        if (seq2seq()) {
            StackPlan enc = plan.encoder().orElseThrow();
            c.beginControlFlow("if (prompt == null || prompt.length != T_IN)");
            c.addStatement("throw new $T($S + (prompt == null ? 0 : prompt.length))", IllegalArgumentException.class,
                    "the source must have T_IN = " + enc.stepCount() + " token ids, got ");
            c.endControlFlow();
            c.add("// encode the source as a batch of one row, with the training forward methods\n");
            c.beginControlFlow("for (int t = 0; t < T_IN; t++)");
            c.beginControlFlow("if (prompt[t] < 0 || prompt[t] >= $L)", enc.vocab());
            c.addStatement("throw new $T($S + prompt[t] + $S + t + $S)", IllegalArgumentException.class, "token id ",
                    " at step ", " is outside the vocabulary 0.." + (enc.vocabSize() - 1));
            c.endControlFlow();
            c.addStatement("$L[t] = prompt[t]", enc.tokenBuf());
            if (enc.inputKind() == InputKind.TOKENS_EMBED) {
                String E = enc.layers().get(0).in();
                c.addStatement("$T.arraycopy(w, $L + prompt[t] * $L, $L, t * $L, $L)", System.class, enc.embedding(), E,
                        enc.inputBuf(), E, E);
            }
            c.endControlFlow();
            for (LayerPlan lp : enc.layers()) {
                for (CellState st : lp.cell().states()) {
                    c.addStatement("$T.fill($L, 0, $L, $L)", CodeGenerator.ARRAYS, lp.buf(st.stem()), lp.h(), num.lit(0));
                }
            }
            for (LayerPlan lp : enc.layers()) {
                c.addStatement("$LForward(1)", lp.name());
            }
            c.add("// every row starts from the encoder's final states\n");
            c.beginControlFlow("for (int r = 0; r < n; r++)");
            for (int l = 0; l < enc.layers().size(); l++) {
                LayerPlan e = enc.layers().get(l);
                for (CellState st : e.cell().states()) {
                    c.addStatement("$T.arraycopy($L, T_IN * $L, $L, r * $L, $L)", System.class, e.buf(st.stem()), e.h(),
                            gb.of(l, st.stem()), e.h(), e.h());
                }
            }
            c.endControlFlow();
        } else {
            for (LayerPlan lp : stack.layers()) {
                for (CellState st : lp.cell().states()) {
                    c.addStatement("$T.fill($L, 0, n * $L, $L)", CodeGenerator.ARRAYS, gb.of(lp.index(), st.stem()),
                            lp.h(), num.lit(0));
                }
            }
            if (oneToMany()) {
                c.beginControlFlow("if (features == null || features.length != I)");
                c.addStatement("throw new $T($S + (features == null ? 0 : features.length))",
                        IllegalArgumentException.class, "the input vector must have I = " + stack.inputSize()
                                + " values, got ");
                c.endControlFlow();
                c.add("// u = concat(x, f): x in every row, feedback f_0 = 0\n");
                c.beginControlFlow("for (int r = 0; r < n; r++)");
                c.beginControlFlow("for (int i = 0; i < I; i++)");
                c.addStatement("$L[r * IN0 + i] = $Lfeatures[i]", gb.x(), num.cast());
                c.endControlFlow();
                c.addStatement("$T.fill($L, r * IN0 + I, (r + 1) * IN0, $L)", CodeGenerator.ARRAYS, gb.x(), num.lit(0));
                c.endControlFlow();
            }
        }
        type.addMethod(MethodSpec.methodBuilder("genStart").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Generation: the initial state of rows 0..n-1.\n")
                .addParameter(int.class, "n").addParameter(int[].class, "prompt").addParameter(double[].class, "features")
                .addCode(c.build()).build());
    }

    /** genFeed(r, id): the next step's input of row r is token id (one_to_many: its one-hot as feedback). */
    private void feed(GenerationBuffers gb) {
        CodeBlock.Builder c = CodeBlock.builder();
        if (oneToMany()) {
            c.add("// feedback f = one-hot(id); id -1 means f = 0 (the first step)\n");
            c.addStatement("$T.fill($L, r * IN0 + I, (r + 1) * IN0, $L)", CodeGenerator.ARRAYS, gb.x(), num.lit(0));
            c.beginControlFlow("if (id >= 0)");
            c.addStatement("$L[r * IN0 + I + id] = $L", gb.x(), num.lit(1));
            c.endControlFlow();
        } else {
            String V = stack.vocab();
            c.beginControlFlow("if (id < 0 || id >= $L)", V);
            c.addStatement("throw new $T($S + id + $S)", IllegalArgumentException.class, "token id ",
                    " is outside the input vocabulary 0.." + (stack.vocabSize() - 1));
            c.endControlFlow();
            if (stack.inputKind() == InputKind.TOKENS) {
                c.addStatement("$L[r] = id", gb.tok());
            } else {
                String E = stack.layers().get(0).in();
                c.addStatement("$T.arraycopy(w, $L + id * $L, $L, r * $L, $L)", System.class, stack.embedding(), E,
                        gb.x(), E, E);
            }
        }
        type.addMethod(MethodSpec.methodBuilder("genFeed").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Generation: row r's next input is token id.\n")
                .addParameter(int.class, "r").addParameter(int.class, "id").addCode(c.build()).build());
    }

    /** pick(r, temperature, rng): arg-max of row r's logits, or a sample of softmax(logits / temperature). */
    private void pick(GenerationBuffers gb) {
        String lg = gb.logits();
        CodeBlock.Builder c = CodeBlock.builder();
        c.addStatement("int o = r * O");
        c.addStatement("int best = 0");
        c.addStatement("double max = $L[o]", lg);
        c.beginControlFlow("for (int j = 1; j < O; j++)");
        c.beginControlFlow("if ($L[o + j] > max)", lg);
        c.addStatement("max = $L[o + j]", lg);
        c.addStatement("best = j");
        c.endControlFlow();
        c.endControlFlow();
        c.beginControlFlow("if (temperature <= 0)");
        c.addStatement("return best");
        c.endControlFlow();
        c.addStatement("double sum = 0");
        c.beginControlFlow("for (int j = 0; j < O; j++)");
        c.addStatement("sum += Math.exp(($L[o + j] - max) / temperature)", lg);
        c.endControlFlow();
        c.addStatement("double u = rng.nextDouble() * sum");
        c.beginControlFlow("for (int j = 0; j < O; j++)");
        c.addStatement("u -= Math.exp(($L[o + j] - max) / temperature)", lg);
        c.beginControlFlow("if (u < 0)");
        c.addStatement("return j");
        c.endControlFlow();
        c.endControlFlow();
        c.addStatement("return best");
        type.addMethod(MethodSpec.methodBuilder("pick").addModifiers(Modifier.PRIVATE).returns(int.class)
                .addJavadoc("Generation: arg-max of row r's logits (temperature 0) or a draw from softmax(logits / temperature).\n")
                .addParameter(int.class, "r").addParameter(double.class, "temperature").addParameter(Rng.class, "rng")
                .addCode(c.build()).build());
    }

    private MethodSpec.Builder publicOverride(String name, Class<?> returns) {
        return CodeGenerator.override(name, returns);
    }

    private void unsupported(MethodSpec.Builder m, String what) {
        m.addStatement("throw new $T($S)", UnsupportedOperationException.class,
                plan.model().name() + " (" + plan.mode().keyword() + ", " + plan.headActivation().keyword() + " head) "
                        + "has no " + what);
    }

    private void generate(GenerationBuffers gb) {
        MethodSpec.Builder m = publicOverride("generate", int.class).addParameter(int[].class, "prompt")
                .addParameter(double[].class, "features").addParameter(double.class, "temperature")
                .addParameter(Rng.class, "rng").addParameter(int.class, "endToken").addParameter(int[].class, "out");
        if (!tokensOut()) {
            unsupported(m, "token generation: use generateValues");
            type.addMethod(m.build());
            return;
        }
        m.beginControlFlow("if (temperature > 0 && rng == null)");
        m.addStatement("throw new $T($S)", IllegalArgumentException.class, "sampling (temperature > 0) needs an Rng");
        m.endControlFlow();
        if (seq2seq() || oneToMany()) {
            m.addStatement("genStart(1, prompt, features)");
            m.addStatement("genFeed(0, $L)", seq2seq() ? "START_TOKEN" : "-1");
            m.addStatement("int steps = Math.min(out.length, T_OUT)");
            m.beginControlFlow("for (int t = 0; t < steps; t++)");
            m.addStatement("genStep(1)");
            m.addStatement("int id = pick(0, temperature, rng)");
            m.addStatement("out[t] = id");
            m.beginControlFlow("if (id == endToken)");
            m.addStatement("return t + 1");
            m.endControlFlow();
            m.addStatement("genFeed(0, id)");
            m.endControlFlow();
            m.addStatement("return steps");
        } else {
            m.beginControlFlow("if (prompt == null || prompt.length == 0)");
            m.addStatement("throw new $T($S)", IllegalArgumentException.class, "prime the model with at least one token");
            m.endControlFlow();
            m.addStatement("genStart(1, prompt, features)");
            m.addComment("prime: run the prefix through the stack");
            m.beginControlFlow("for (int id : prompt)");
            m.addStatement("genFeed(0, id)");
            m.addStatement("genStep(1)");
            m.endControlFlow();
            m.beginControlFlow("for (int t = 0; t < out.length; t++)");
            m.addStatement("int id = pick(0, temperature, rng)");
            m.addStatement("out[t] = id");
            m.beginControlFlow("if (id == endToken)");
            m.addStatement("return t + 1");
            m.endControlFlow();
            m.beginControlFlow("if (t + 1 < out.length)");
            m.addStatement("genFeed(0, id)");
            m.addStatement("genStep(1)");
            m.endControlFlow();
            m.endControlFlow();
            m.addStatement("return out.length");
        }
        type.addMethod(m.build());
    }

    private void beamSearch(GenerationBuffers gb) {
        MethodSpec.Builder m = publicOverride("beamSearch", int.class).addParameter(int[].class, "prompt")
                .addParameter(double[].class, "features").addParameter(int.class, "width")
                .addParameter(int.class, "endToken").addParameter(int[].class, "out");
        if (gb.beams().isEmpty()) {
            unsupported(m, "beam search (seq2seq and one_to_many softmax models have one)");
            type.addMethod(m.build());
            return;
        }
        GenerationBuffers.BeamBuffers beams = gb.beams().get();
        String lg = gb.logits();
        m.beginControlFlow("if (width < 1 || width > B)");
        m.addStatement("throw new $T($S + width + $S)", IllegalArgumentException.class, "beam width ",
                " is outside 1..B = " + plan.constant("B").value());
        m.endControlFlow();
        m.addStatement("int steps = Math.min(out.length, T_OUT)");
        m.addStatement("genStart(width, prompt, features)");
        m.addStatement("genFeed(0, $L)", seq2seq() ? "START_TOKEN" : "-1");
        m.addStatement("int live = 1");
        m.addStatement("$L[0] = 0", beams.score());
        m.addStatement("double bestDone = Double.NEGATIVE_INFINITY");
        m.addStatement("int bestLen = 0");
        m.addStatement("int len = 0");
        m.beginControlFlow("for (int t = 0; t < steps; t++)");
        m.addStatement("genStep(live)");
        m.addComment("the best `width` extensions of all live beams, by summed log-probability");
        m.addStatement("int found = 0");
        m.beginControlFlow("for (int r = 0; r < live; r++)");
        m.addStatement("int o = r * O");
        m.addStatement("double max = $L[o]", lg);
        m.beginControlFlow("for (int j = 1; j < O; j++)");
        m.addStatement("max = Math.max(max, $L[o + j])", lg);
        m.endControlFlow();
        m.addStatement("double sum = 0");
        m.beginControlFlow("for (int j = 0; j < O; j++)");
        m.addStatement("sum += Math.exp($L[o + j] - max)", lg);
        m.endControlFlow();
        m.addStatement("double lse = max + Math.log(sum)");
        m.beginControlFlow("for (int j = 0; j < O; j++)");
        m.addStatement("double s = $L[r] + $L[o + j] - lse", beams.score(), lg);
        m.beginControlFlow("if (found == width && s <= $L[found - 1])", beams.candScore());
        m.addStatement("continue");
        m.endControlFlow();
        m.addStatement("int at = found < width ? found++ : found - 1");
        m.beginControlFlow("while (at > 0 && $L[at - 1] < s)", beams.candScore());
        m.addStatement("$L[at] = $L[at - 1]", beams.candScore(), beams.candScore());
        m.addStatement("$L[at] = $L[at - 1]", beams.candParent(), beams.candParent());
        m.addStatement("$L[at] = $L[at - 1]", beams.candToken(), beams.candToken());
        m.addStatement("at--");
        m.endControlFlow();
        m.addStatement("$L[at] = s", beams.candScore());
        m.addStatement("$L[at] = r", beams.candParent());
        m.addStatement("$L[at] = j", beams.candToken());
        m.endControlFlow();
        m.endControlFlow();
        m.addComment("candidates that end are finished (they keep their slot); the others stay live");
        m.addStatement("int next = 0");
        m.beginControlFlow("for (int i = 0; i < found; i++)");
        m.addStatement("int p = $L[i]", beams.candParent());
        m.beginControlFlow("if ($L[i] == endToken)", beams.candToken());
        m.beginControlFlow("if ($L[i] > bestDone)", beams.candScore());
        m.addStatement("bestDone = $L[i]", beams.candScore());
        m.addStatement("$T.arraycopy($L, p * T_OUT, out, 0, t)", System.class, beams.hist());
        m.addStatement("out[t] = endToken");
        m.addStatement("bestLen = t + 1");
        m.endControlFlow();
        m.addStatement("continue");
        m.endControlFlow();
        m.addStatement("$T.arraycopy($L, p * T_OUT, $L, next * T_OUT, t)", System.class, beams.hist(), beams.histTmp());
        m.addStatement("$L[next * T_OUT + t] = $L[i]", beams.histTmp(), beams.candToken());
        m.addComment("compact in place: next <= i, and slot i was read above");
        m.addStatement("$L[next] = $L[i]", beams.candScore(), beams.candScore());
        m.addStatement("$L[next] = p", beams.candParent());
        m.addStatement("$L[next] = $L[i]", beams.candToken(), beams.candToken());
        m.addStatement("next++");
        m.endControlFlow();
        m.beginControlFlow("if (next == 0 || $L[0] <= bestDone)", beams.candScore());
        m.addComment("no live beam can beat the best finished one: scores only fall");
        m.addStatement("break");
        m.endControlFlow();
        m.addStatement("live = next");
        m.addComment("live beam i continues parent candParent[i]: gather the states through one scratch buffer");
        for (LayerPlan lp : stack.layers()) {
            int l = lp.index();
            for (CellState st : lp.cell().states()) {
                reorder(m, beams, gb.of(l, st.stem()), lp.h());
            }
        }
        m.addStatement("$T.arraycopy($L, 0, $L, 0, live * T_OUT)", System.class, beams.histTmp(), beams.hist());
        m.addStatement("$T.arraycopy($L, 0, $L, 0, live)", System.class, beams.candScore(), beams.score());
        m.addStatement("len = t + 1");
        m.beginControlFlow("for (int i = 0; i < live; i++)");
        m.addStatement("genFeed(i, $L[i])", beams.candToken());
        m.endControlFlow();
        m.endControlFlow();
        m.beginControlFlow("if (len == steps && len > 0 && $L[0] > bestDone)", beams.score());
        m.addStatement("$T.arraycopy($L, 0, out, 0, len)", System.class, beams.hist());
        m.addStatement("return len");
        m.endControlFlow();
        m.addStatement("return bestLen");
        type.addMethod(m.build());
    }

    private static void reorder(MethodSpec.Builder m, GenerationBuffers.BeamBuffers beams, String state, String width) {
        m.beginControlFlow("for (int i = 0; i < live; i++)");
        m.addStatement("$T.arraycopy($L, $L[i] * $L, $L, i * $L, $L)", System.class, state, beams.candParent(), width,
                beams.stateTmp(), width, width);
        m.endControlFlow();
        m.addStatement("$T.arraycopy($L, 0, $L, 0, live * $L)", System.class, beams.stateTmp(), state, width);
    }

    private void values(GenerationBuffers gb) {
        MethodSpec.Builder m = publicOverride("generateValues", void.class).addParameter(double[].class, "features")
                .addParameter(double[].class, "out");
        if (!oneToMany() || tokensOut()) {
            unsupported(m, "value generation (one_to_many models with a sigmoid, tanh or linear head have one)");
            type.addMethod(m.build());
            return;
        }
        HeadActivation act = plan.headActivation();
        String a = switch (act) {
            case SIGMOID -> "1 / (1 + Math.exp(-z))";
            case TANH -> "Math.tanh(z)";
            default -> "z";
        };
        m.beginControlFlow("if (out.length < T_OUT * O)");
        m.addStatement("throw new $T($S + out.length)", IllegalArgumentException.class,
                "out must hold T_OUT * O = " + plan.constant("T_OUT").value() * plan.constant("O").value() + " values, has ");
        m.endControlFlow();
        m.addStatement("genStart(1, null, features)");
        m.beginControlFlow("for (int t = 0; t < T_OUT; t++)");
        m.addStatement("genStep(1)");
        m.beginControlFlow("for (int j = 0; j < O; j++)");
        m.addStatement("double z = $L[j]", gb.logits());
        m.addStatement("double a = $L", a);
        m.addStatement("out[t * O + j] = a");
        m.addComment("the step's outputs are the next step's feedback");
        m.addStatement("$L[I + j] = $La", gb.x(), num.cast());
        m.endControlFlow();
        m.endControlFlow();
        type.addMethod(m.build());
    }
}
