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
import io.rnnc.runtime.generate.StepModel;
import io.rnnc.runtime.generate.ValueHead;
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
        type.addSuperinterface(StepModel.class);
        drivers(gb);
        start(gb);
        feed(gb);
        step(gb);
        plumbing(gb);
    }

    private String gemm(String fmt) {
        return "$T." + num.gemm() + fmt;
    }

    /**
     * step(n): one step of every layer for n rows from the genH/genC state, then the head into genLogits. Each
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
            LayerEmitter le = new LayerEmitter(num, stack, lp, false);
            c.add("// layer $L\n", l);
            String x = l == 0 ? gb.x() : gb.of(l - 1, "h");
            le.inputProjection(c, "n", gates, x, "0", gb.tok(), stack.oneHot(lp));
            if (lp.cell().recurrentApart()) {
                c.add("// $L = h_{t-1} W_hh^T   [n × $L] · [$L × $L]\n", arrays.get("rec"), lp.h(), lp.h(), lp.g());
                le.recurrentProduct(c, "n", h, "0", arrays.get("rec"), "0", false);
            } else {
                c.add("// $L += h_{t-1} W_hh^T   [n × $L] · [$L × $L]\n", gates, lp.h(), lp.h(), lp.g());
                le.recurrentProduct(c, "n", h, "0", gates, "0", true);
            }
            Map<String, String> base = new HashMap<>();
            arrays.keySet().forEach(k -> base.put(k, "0"));
            lp.cell().forward(c, new Step(arrays, base, base, lp.h(), lp.gs(), lp.hs(), lp.params().bHh(), lp.table(),
                    num.isFloat(), "n"));
        }
        LayerPlan top = stack.top();
        c.add("// head: genLogits = h_top fc.weight^T + fc.bias (the training head's product and bias order)\n");
        if (num.isFloat()) {
            c.addStatement("$T.sgemm(n, $L, 0, $L, $L, false, $L, 0, O)", CodeGenerator.GEMM, gb.of(top.index(), "h"),
                    top.h(), HeadEmitter.FC_PACKED, gb.logits());
        } else {
            c.addStatement(gemm("(false, true, n, O, $L, $L, 0, $L, w, $L, $L, false, $L, 0, O)"), CodeGenerator.GEMM,
                    top.h(), gb.of(top.index(), "h"), top.h(), plan.fcWeight(), top.h(), gb.logits());
        }
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.beginControlFlow("for (int j = 0; j < O; j++)");
        c.addStatement("$L[r * O + j] += w[$L + j]", gb.logits(), plan.fcBias());
        c.endControlFlow();
        c.endControlFlow();
        type.addMethod(CodeGenerator.override("step", void.class)
                .addJavadoc("Generation: one step of every layer for rows 0..n-1 (the layer forward methods' code for one"
                        + " step), then the head into $L.\n", gb.logits())
                .addParameter(int.class, "n").addCode(c.build()).build());
    }

    /** start(n, prompt, features): the initial state of rows 0..n-1 (the encoder's final state, or zero). */
    private void start(GenerationBuffers gb) {
        CodeBlock.Builder c = CodeBlock.builder();
        if (seq2seq()) {
            StackPlan enc = plan.encoder().orElseThrow();
            c.beginControlFlow("if (prompt == null || prompt.length < 1 || prompt.length > T_IN)");
            c.addStatement("throw new $T($S + (prompt == null ? 0 : prompt.length))", IllegalArgumentException.class,
                    "the source must have 1..T_IN = 1.." + enc.stepCount() + " token ids, got ");
            c.endControlFlow();
            c.add("// encode the source as a batch of one row of its own length, with the training forward methods\n");
            c.addStatement("$L.uniform(1, prompt.length)", LayerEmitter.LENGTH_ORDER);
            c.beginControlFlow("for (int t = 0; t < T_IN; t++)");
            c.addStatement("int id = t < prompt.length ? prompt[t] : 0");
            c.beginControlFlow("if (id < 0 || id >= $L)", enc.vocab());
            c.addStatement("throw new $T($S + id + $S + t + $S)", IllegalArgumentException.class, "token id ",
                    " at step ", " is outside the vocabulary 0.." + (enc.vocabSize() - 1));
            c.endControlFlow();
            c.addStatement("$L[t] = id", enc.tokenBuf());
            if (enc.inputKind() == InputKind.TOKENS_EMBED) {
                String E = enc.layers().get(0).in();
                c.addStatement("$T.arraycopy(w, $L + id * $L, $L, t * $L, $L)", System.class, enc.embedding(), E,
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
        type.addMethod(CodeGenerator.override("start", void.class)
                .addJavadoc("Generation: checks the prompt or features; rows 0..n-1 get the initial state.\n")
                .addParameter(int.class, "n").addParameter(int[].class, "prompt").addParameter(double[].class, "features")
                .addCode(c.build()).build());
    }

    /** feedToken(r, id): the next step's input of row r is token id (one_to_many: its one-hot as feedback). */
    private void feed(GenerationBuffers gb) {
        CodeBlock.Builder c = CodeBlock.builder();
        if (oneToMany()) {
            c.beginControlFlow("if (id < -1 || id >= O)");
            c.addStatement("throw new $T($S + id + $S)", IllegalArgumentException.class, "token id ",
                    " is outside the output vocabulary 0.." + (plan.constant("O").value() - 1));
            c.endControlFlow();
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
        type.addMethod(CodeGenerator.override("feedToken", void.class)
                .addJavadoc("Generation: row r's next input is token id$L.\n", oneToMany() ? " (-1: no feedback)" : "")
                .addParameter(int.class, "r").addParameter(int.class, "id").addCode(c.build()).build());
    }

    /** StepModel's plumbing: O, B, the logits of the last step, and reordering state rows. */
    private void plumbing(GenerationBuffers gb) {
        type.addMethod(CodeGenerator.override("outputs", int.class).addStatement("return O").build());
        type.addMethod(CodeGenerator.override("maxRows", int.class).addStatement("return B").build());
        type.addMethod(CodeGenerator.override("logits", void.class).addParameter(int.class, "n")
                .addParameter(double[].class, "dst")
                .beginControlFlow("for (int i = 0; i < n * O; i++)")
                .addStatement("dst[i] = $L[i]", gb.logits())
                .endControlFlow().build());
        MethodSpec.Builder m = CodeGenerator.override("reorder", void.class).addParameter(int[].class, "parents")
                .addParameter(int.class, "n");
        m.addComment("row i takes row parents[i]'s states, gathered through one scratch buffer");
        for (LayerPlan lp : stack.layers()) {
            for (CellState st : lp.cell().states()) {
                String state = gb.of(lp.index(), st.stem());
                m.beginControlFlow("for (int i = 0; i < n; i++)");
                m.addStatement("$T.arraycopy($L, parents[i] * $L, $L, i * $L, $L)", System.class, state, lp.h(),
                        gb.stateTmp(), lp.h(), lp.h());
                m.endControlFlow();
                m.addStatement("$T.arraycopy($L, 0, $L, 0, n * $L)", System.class, gb.stateTmp(), state, lp.h());
            }
        }
        type.addMethod(m.build());
        if (oneToMany() && !tokensOut()) {
            type.addMethod(CodeGenerator.override("feedValues", void.class).addParameter(int.class, "r")
                    .addParameter(double[].class, "values").addParameter(int.class, "offset")
                    .addComment("the step's outputs are the next step's feedback")
                    .beginControlFlow("for (int j = 0; j < O; j++)")
                    .addStatement("$L[r * IN0 + I + j] = $Lvalues[offset + j]", gb.x(), num.cast())
                    .endControlFlow().build());
        }
    }

    private void unsupported(MethodSpec.Builder m, String what) {
        m.addStatement("throw new $T($S)", UnsupportedOperationException.class,
                plan.model().name() + " (" + plan.mode().keyword() + ", " + plan.headActivation().keyword() + " head) "
                        + "has no " + what);
    }

    /** The SequenceGenerator methods, delegated to the runtime's Sampler and BeamSearch over this StepModel. */
    private void drivers(GenerationBuffers gb) {
        String first = seq2seq() ? "START_TOKEN" : "-1";
        MethodSpec.Builder g = CodeGenerator.override("generate", int.class).addParameter(int[].class, "prompt")
                .addParameter(double[].class, "features").addParameter(double.class, "temperature")
                .addParameter(Rng.class, "rng").addParameter(int.class, "endToken").addParameter(int[].class, "out");
        if (!tokensOut()) {
            unsupported(g, "token generation: use generateValues");
        } else if (seq2seq() || oneToMany()) {
            g.addStatement("return sampler.generate(prompt, features, $L, T_OUT, temperature, rng, endToken, out)", first);
        } else {
            g.addStatement("return sampler.continuePrompt(prompt, temperature, rng, endToken, out)");
        }
        type.addMethod(g.build());
        MethodSpec.Builder b = CodeGenerator.override("beamSearch", int.class).addParameter(int[].class, "prompt")
                .addParameter(double[].class, "features").addParameter(int.class, "width")
                .addParameter(int.class, "endToken").addParameter(int[].class, "out");
        if (gb.beams()) {
            b.addStatement("return beams.search(prompt, features, $L, width, endToken, out)", first);
        } else {
            unsupported(b, "beam search (seq2seq and one_to_many softmax models have one)");
        }
        type.addMethod(b.build());
        MethodSpec.Builder v = CodeGenerator.override("generateValues", void.class)
                .addParameter(double[].class, "features").addParameter(double[].class, "out");
        if (oneToMany() && !tokensOut()) {
            HeadActivation act = plan.headActivation();
            ValueHead head = switch (act) {
                case SIGMOID -> ValueHead.SIGMOID;
                case TANH -> ValueHead.TANH;
                case LINEAR -> ValueHead.LINEAR;
                case SOFTMAX -> throw new IllegalStateException("a softmax head generates tokens");
            };
            v.addStatement("sampler.values(features, T_OUT, $T.$L, out)", ValueHead.class, head.name());
        } else {
            unsupported(v, "value generation (one_to_many models with a sigmoid, tanh or linear head have one)");
        }
        type.addMethod(v.build());
    }
}
