package io.rnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.plan.GenerationBuffers;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.init.Rng;
import javax.lang.model.element.Modifier;

/**
 * Emits the generation API ({@link SequenceGenerator}) of the generative modes: a one-step forward of
 * the (decoder) stack over up to B rows, token feeding, greedy / temperature picking, greedy and
 * sampled generation, beam search, and value generation for one_to_many with a non-softmax head.
 */
final class GenerationEmitter {

    private final GenerationPlan plan;
    private final Model model;
    private final Num num;
    private final TypeSpec.Builder type;
    private final StackPlan stack;

    GenerationEmitter(GenerationPlan plan, Num num, TypeSpec.Builder type) {
        this.plan = plan;
        this.model = plan.model();
        this.num = num;
        this.type = type;
        this.stack = plan.stack();
    }

    private boolean seq2seq() {
        return model.mode() == SequenceMode.SEQ2SEQ;
    }

    private boolean oneToMany() {
        return model.mode() == SequenceMode.ONE_TO_MANY;
    }

    private boolean tokensOut() {
        return model.loss() == LossKind.CROSS_ENTROPY;
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

    /** genStep(n): one step of every layer for n rows from the genH/genC state, then the head into genLogits. */
    private void step(GenerationBuffers gb) {
        CodeBlock.Builder c = CodeBlock.builder();
        for (LayerPlan lp : stack.layers()) {
            int l = lp.index();
            String G = lp.g();
            String H = lp.h();
            String IN = lp.in();
            String gates = gb.gates().get(l);
            String h = gb.h().get(l);
            c.add("// layer $L: gates = x W_ih^T + b_ih + b_hh$L\n", l, lp.cell() == CellType.GRU ? " (n block: b_in only)" : "");
            if (l == 0 && stack.inputKind() == InputKind.TOKENS) {
                c.beginControlFlow("for (int r = 0; r < n; r++)");
                c.addStatement("int tok = $L[r]", gb.tok());
                c.addStatement("int o = r * $L", G);
                bias(c, lp, gates, "=", "w[" + lp.wIh() + " + j * " + IN + " + tok] + ");
                c.endControlFlow();
            } else {
                String x = l == 0 ? gb.x() : gb.h().get(l - 1);
                c.addStatement(gemm("(false, true, n, $L, $L, $L, 0, $L, w, $L, $L, false, $L, 0, $L)"),
                        CodeGenerator.GEMM, G, IN, x, IN, lp.wIh(), IN, gates, G);
                c.beginControlFlow("for (int r = 0; r < n; r++)");
                c.addStatement("int o = r * $L", G);
                bias(c, lp, gates, "+=", "");
                c.endControlFlow();
            }
            String rec = lp.cell() == CellType.GRU ? gb.rec().get(l) : gates;
            boolean acc = lp.cell() != CellType.GRU;
            if (num.isFloat()) {
                c.addStatement("$T.sgemm(n, $L, 0, $L, $L, $L, $L, 0, $L)", CodeGenerator.GEMM, h, H, lp.packedFwd(), acc,
                        rec, G);
            } else {
                c.addStatement("$T.dgemm(false, true, n, $L, $L, $L, 0, $L, w, $L, $L, $L, $L, 0, $L)", CodeGenerator.GEMM,
                        G, H, h, H, lp.wHh(), H, acc, rec, G);
            }
            String t = num.t();
            switch (lp.cell()) {
                case RNN_TANH -> {
                    c.beginControlFlow("for (int k = 0; k < n * $L; k++)", H);
                    c.addStatement("$L[k] = $T.tanh($L[k])", h, CodeGenerator.ACT, gates);
                    c.endControlFlow();
                }
                case RNN_RELU -> {
                    c.beginControlFlow("for (int k = 0; k < n * $L; k++)", H);
                    c.addStatement("$L[k] = Math.max($L, $L[k])", h, num.lit(0), gates);
                    c.endControlFlow();
                }
                case LSTM -> {
                    rows(c, H, G);
                    c.addStatement("$L i = $T.sigmoid($L[ga])", t, CodeGenerator.ACT, gates);
                    c.addStatement("$L f = $T.sigmoid($L[ga + $L])", t, CodeGenerator.ACT, gates, H);
                    c.addStatement("$L g = $T.tanh($L[ga + 2 * $L])", t, CodeGenerator.ACT, gates, H);
                    c.addStatement("$L o = $T.sigmoid($L[ga + 3 * $L])", t, CodeGenerator.ACT, gates, H);
                    c.addStatement("$L cNew = f * $L[k] + i * g", t, gb.c().get(l));
                    c.addStatement("$L[k] = cNew", gb.c().get(l));
                    c.addStatement("$L[k] = o * $T.tanh(cNew)", h, CodeGenerator.ACT);
                    c.endControlFlow().endControlFlow();
                }
                case GRU -> {
                    rows(c, H, G);
                    c.addStatement("$L rg = $T.sigmoid($L[ga] + $L[ga])", t, CodeGenerator.ACT, gates, rec);
                    c.addStatement("$L z = $T.sigmoid($L[ga + $L] + $L[ga + $L])", t, CodeGenerator.ACT, gates, H, rec, H);
                    c.addStatement("$L hn = $L[ga + 2 * $L] + w[$L + 2 * $L + j]", t, rec, H, lp.bHh(), H);
                    c.addStatement("$L nn = $T.tanh($L[ga + 2 * $L] + rg * hn)", t, CodeGenerator.ACT, gates, H);
                    c.addStatement("$L[k] = ($L - z) * nn + z * $L[k]", h, num.lit(1), h);
                    c.endControlFlow().endControlFlow();
                }
                default -> throw new IllegalStateException();
            }
        }
        LayerPlan top = stack.top();
        c.add("// head: genLogits = h_top fc.weight^T + fc.bias\n");
        c.addStatement(gemm("(false, true, n, O, $L, $L, 0, $L, w, $L, $L, false, $L, 0, O)"), CodeGenerator.GEMM,
                top.h(), gb.h().get(top.index()), top.h(), plan.fcWeight(), top.h(), gb.logits());
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.beginControlFlow("for (int j = 0; j < O; j++)");
        c.addStatement("$L[r * O + j] += w[$L + j]", gb.logits(), plan.fcBias());
        c.endControlFlow();
        c.endControlFlow();
        type.addMethod(MethodSpec.methodBuilder("genStep").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Generation: one step of every layer for rows 0..n-1 (the same cell equations as the "
                        + "layer forward methods), then the head into $L.\n", gb.logits())
                .addParameter(int.class, "n").addCode(c.build()).build());
    }

    private static void rows(CodeBlock.Builder c, String H, String G) {
        c.beginControlFlow("for (int r = 0; r < n; r++)");
        c.beginControlFlow("for (int j = 0; j < $L; j++)", H);
        c.addStatement("int ga = r * $L + j", G);
        c.addStatement("int k = r * $L + j", H);
    }

    private static void bias(CodeBlock.Builder c, LayerPlan lp, String gates, String op, String extra) {
        if (lp.cell() == CellType.GRU) {
            c.beginControlFlow("for (int j = 0; j < 2 * $L; j++)", lp.h());
            c.addStatement("$L[o + j] $L $Lw[$L + j] + w[$L + j]", gates, op, extra, lp.bIh(), lp.bHh());
            c.endControlFlow();
            c.beginControlFlow("for (int j = 2 * $L; j < $L; j++)", lp.h(), lp.g());
            c.addStatement("$L[o + j] $L $Lw[$L + j]", gates, op, extra, lp.bIh());
            c.endControlFlow();
        } else {
            c.beginControlFlow("for (int j = 0; j < $L; j++)", lp.g());
            c.addStatement("$L[o + j] $L $Lw[$L + j] + w[$L + j]", gates, op, extra, lp.bIh(), lp.bHh());
            c.endControlFlow();
        }
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
                    " at step ", " is outside the vocabulary 0.." + (enc.stack().input().vocab() - 1));
            c.endControlFlow();
            c.addStatement("$L[t] = prompt[t]", enc.tokenBuf());
            if (enc.inputKind() == InputKind.TOKENS_EMBED) {
                String E = enc.layers().get(0).in();
                c.addStatement("$T.arraycopy(w, $L + prompt[t] * $L, $L, t * $L, $L)", System.class, enc.embedding(), E,
                        enc.inputBuf(), E, E);
            }
            c.endControlFlow();
            for (LayerPlan lp : enc.layers()) {
                c.addStatement("$T.fill($L, 0, $L, $L)", CodeGenerator.ARRAYS, lp.hBuf(), lp.h(), num.lit(0));
                if (lp.cBuf() != null) {
                    c.addStatement("$T.fill($L, 0, $L, $L)", CodeGenerator.ARRAYS, lp.cBuf(), lp.h(), num.lit(0));
                }
            }
            for (LayerPlan lp : enc.layers()) {
                c.addStatement("$LForward(1)", lp.name());
            }
            c.add("// every row starts from the encoder's final states\n");
            c.beginControlFlow("for (int r = 0; r < n; r++)");
            for (int l = 0; l < enc.layers().size(); l++) {
                LayerPlan e = enc.layers().get(l);
                c.addStatement("$T.arraycopy($L, T_IN * $L, $L, r * $L, $L)", System.class, e.hBuf(), e.h(),
                        gb.h().get(l), e.h(), e.h());
                if (e.cBuf() != null) {
                    c.addStatement("$T.arraycopy($L, T_IN * $L, $L, r * $L, $L)", System.class, e.cBuf(), e.h(),
                            gb.c().get(l), e.h(), e.h());
                }
            }
            c.endControlFlow();
        } else {
            for (LayerPlan lp : stack.layers()) {
                c.addStatement("$T.fill($L, 0, n * $L, $L)", CodeGenerator.ARRAYS, gb.h().get(lp.index()), lp.h(), num.lit(0));
                if (lp.cBuf() != null) {
                    c.addStatement("$T.fill($L, 0, n * $L, $L)", CodeGenerator.ARRAYS, gb.c().get(lp.index()), lp.h(),
                            num.lit(0));
                }
            }
            if (oneToMany()) {
                c.beginControlFlow("if (features == null || features.length != I)");
                c.addStatement("throw new $T($S + (features == null ? 0 : features.length))",
                        IllegalArgumentException.class, "the input vector must have I = " + stack.stack().input().size()
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
                    " is outside the input vocabulary 0.." + (stack.stack().input().vocab() - 1));
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
                model.name() + " (" + model.mode().keyword() + ", " + model.head().activation().keyword() + " head) "
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
        if (!gb.beams()) {
            unsupported(m, "beam search (seq2seq and one_to_many softmax models have one)");
            type.addMethod(m.build());
            return;
        }
        String lg = gb.logits();
        m.beginControlFlow("if (width < 1 || width > B)");
        m.addStatement("throw new $T($S + width + $S)", IllegalArgumentException.class, "beam width ",
                " is outside 1..B = " + model.batch());
        m.endControlFlow();
        m.addStatement("int steps = Math.min(out.length, T_OUT)");
        m.addStatement("genStart(width, prompt, features)");
        m.addStatement("genFeed(0, $L)", seq2seq() ? "START_TOKEN" : "-1");
        m.addStatement("int live = 1");
        m.addStatement("$L[0] = 0", gb.beamScore());
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
        m.addStatement("double s = $L[r] + $L[o + j] - lse", gb.beamScore(), lg);
        m.beginControlFlow("if (found == width && s <= $L[found - 1])", gb.candScore());
        m.addStatement("continue");
        m.endControlFlow();
        m.addStatement("int at = found < width ? found++ : found - 1");
        m.beginControlFlow("while (at > 0 && $L[at - 1] < s)", gb.candScore());
        m.addStatement("$L[at] = $L[at - 1]", gb.candScore(), gb.candScore());
        m.addStatement("$L[at] = $L[at - 1]", gb.candParent(), gb.candParent());
        m.addStatement("$L[at] = $L[at - 1]", gb.candToken(), gb.candToken());
        m.addStatement("at--");
        m.endControlFlow();
        m.addStatement("$L[at] = s", gb.candScore());
        m.addStatement("$L[at] = r", gb.candParent());
        m.addStatement("$L[at] = j", gb.candToken());
        m.endControlFlow();
        m.endControlFlow();
        m.addComment("candidates that end are finished (they keep their slot); the others stay live");
        m.addStatement("int next = 0");
        m.beginControlFlow("for (int i = 0; i < found; i++)");
        m.addStatement("int p = $L[i]", gb.candParent());
        m.beginControlFlow("if ($L[i] == endToken)", gb.candToken());
        m.beginControlFlow("if ($L[i] > bestDone)", gb.candScore());
        m.addStatement("bestDone = $L[i]", gb.candScore());
        m.addStatement("$T.arraycopy($L, p * T_OUT, out, 0, t)", System.class, gb.beamHist());
        m.addStatement("out[t] = endToken");
        m.addStatement("bestLen = t + 1");
        m.endControlFlow();
        m.addStatement("continue");
        m.endControlFlow();
        m.addStatement("$T.arraycopy($L, p * T_OUT, $L, next * T_OUT, t)", System.class, gb.beamHist(), gb.histTmp());
        m.addStatement("$L[next * T_OUT + t] = $L[i]", gb.histTmp(), gb.candToken());
        m.addComment("compact in place: next <= i, and slot i was read above");
        m.addStatement("$L[next] = $L[i]", gb.candScore(), gb.candScore());
        m.addStatement("$L[next] = p", gb.candParent());
        m.addStatement("$L[next] = $L[i]", gb.candToken(), gb.candToken());
        m.addStatement("next++");
        m.endControlFlow();
        m.beginControlFlow("if (next == 0 || $L[0] <= bestDone)", gb.candScore());
        m.addComment("no live beam can beat the best finished one: scores only fall");
        m.addStatement("break");
        m.endControlFlow();
        m.addStatement("live = next");
        m.addComment("live beam i continues parent candParent[i]: gather the states through one scratch buffer");
        for (LayerPlan lp : stack.layers()) {
            int l = lp.index();
            reorder(m, gb, gb.h().get(l), lp.h());
            if (gb.c().get(l) != null) {
                reorder(m, gb, gb.c().get(l), lp.h());
            }
        }
        m.addStatement("$T.arraycopy($L, 0, $L, 0, live * T_OUT)", System.class, gb.histTmp(), gb.beamHist());
        m.addStatement("$T.arraycopy($L, 0, $L, 0, live)", System.class, gb.candScore(), gb.beamScore());
        m.addStatement("len = t + 1");
        m.beginControlFlow("for (int i = 0; i < live; i++)");
        m.addStatement("genFeed(i, $L[i])", gb.candToken());
        m.endControlFlow();
        m.endControlFlow();
        m.beginControlFlow("if (len == steps && len > 0 && $L[0] > bestDone)", gb.beamScore());
        m.addStatement("$T.arraycopy($L, 0, out, 0, len)", System.class, gb.beamHist());
        m.addStatement("return len");
        m.endControlFlow();
        m.addStatement("return bestLen");
        type.addMethod(m.build());
    }

    private static void reorder(MethodSpec.Builder m, GenerationBuffers gb, String state, String width) {
        m.beginControlFlow("for (int i = 0; i < live; i++)");
        m.addStatement("$T.arraycopy($L, $L[i] * $L, $L, i * $L, $L)", System.class, state, gb.candParent(), width,
                gb.stateTmp(), width, width);
        m.endControlFlow();
        m.addStatement("$T.arraycopy($L, 0, $L, 0, live * $L)", System.class, gb.stateTmp(), state, width);
    }

    private void values(GenerationBuffers gb) {
        MethodSpec.Builder m = publicOverride("generateValues", void.class).addParameter(double[].class, "features")
                .addParameter(double[].class, "out");
        if (!oneToMany() || tokensOut()) {
            unsupported(m, "value generation (one_to_many models with a sigmoid, tanh or linear head have one)");
            type.addMethod(m.build());
            return;
        }
        HeadActivation act = model.head().activation();
        String a = switch (act) {
            case SIGMOID -> "1 / (1 + Math.exp(-z))";
            case TANH -> "Math.tanh(z)";
            default -> "z";
        };
        m.beginControlFlow("if (out.length < T_OUT * O)");
        m.addStatement("throw new $T($S + out.length)", IllegalArgumentException.class,
                "out must hold T_OUT * O = " + model.outputSteps() * model.head().outputs() + " values, has ");
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
