package io.rnnc.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.cell.CellState;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.plan.Buffer;
import io.rnnc.compiler.plan.Constant;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.PackedWeights;
import io.rnnc.compiler.plan.ParamOffset;
import io.rnnc.compiler.plan.Planner;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.init.Init;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.kernel.PackedFloatMatrix;
import io.rnnc.runtime.optim.Adam;
import io.rnnc.runtime.optim.Clipping;
import io.rnnc.runtime.optim.Sgd;
import io.rnnc.runtime.parallel.WorkerPool;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Generates one specialised Java class per {@link Model}: every size a constant, fused forward and
 * backpropagation-through-time loops per layer, the head and loss fused, clipping and the optimizer
 * over one flat parameter store. The same model always gives the same bytes.
 */
public final class CodeGenerator {

    static final ClassName GEMM = LayerEmitter.GEMM;
    static final ClassName ARRAYS = LayerEmitter.ARRAYS;

    private final GenerationPlan plan;
    private final Model model;
    private final Num num;
    private final TypeSpec.Builder type;
    private final MethodSpec.Builder chunkConstructor = MethodSpec.constructorBuilder();

    private CodeGenerator(GenerationPlan plan) {
        this.plan = plan;
        this.model = plan.model();
        this.num = new Num(plan.precision());
        this.type = TypeSpec.classBuilder(model.name()).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(RnnModel.class);
    }

    /** Generates the model's class. */
    public static GeneratedSource generate(Model model) {
        return generate(Planner.plan(model));
    }

    /** Generates the class a plan describes. */
    public static GeneratedSource generate(GenerationPlan plan) {
        check(plan.model());
        CodeGenerator g = new CodeGenerator(plan);
        TypeSpec spec = g.build();
        String text = compactJavadoc(JavaFile.builder(plan.model().packageName(), spec).skipJavaLangImports(true)
                .indent("    ").build().toString());
        return new GeneratedSource(plan.model().qualifiedName(), text);
    }

    /** One-sentence Javadoc (JavaPoet always writes three lines) on one line: {@code /** text *}{@code /}. */
    private static final Pattern ONE_LINE_DOC = Pattern.compile("(?m)^( *)/\\*\\*\n\\1 \\* ([^\n]*)\n\\1 \\*/$");

    /** A blank line JavaPoet puts between two field declarations of the class. */
    private static final Pattern BETWEEN_FIELDS = Pattern.compile(
            "(?m)^(    [^ \n][^\n]*;)\n\n(?=    (?:/\\*\\*[^\n]*\\*/\n    )?(?:(?:public|private|static|final) )+[^\n(]*[=;])");

    /** Field comments on one line, and fields without blank lines between them: the class reads as a table. */
    static String compactJavadoc(String source) {
        String s = ONE_LINE_DOC.matcher(source).replaceAll("$1/** $2 */");
        return BETWEEN_FIELDS.matcher(s).replaceAll("$1\n");
    }

    private static void check(Model model) {
        HeadActivation act = model.head().activation();
        if (model.loss() == LossKind.CROSS_ENTROPY && act != HeadActivation.SOFTMAX) {
            throw new IllegalArgumentException(model.name() + ": cross_entropy needs a softmax head, not " + act.keyword());
        }
        if (model.loss() == LossKind.BCE && act != HeadActivation.SIGMOID) {
            throw new IllegalArgumentException(model.name() + ": bce needs a sigmoid head, not " + act.keyword());
        }
    }

    private boolean seq2seq() {
        return plan.mode() == SequenceMode.SEQ2SEQ;
    }

    private TypeSpec build() {
        type.addJavadoc("$L", classDoc());
        constants();
        fields();
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("A model initialised as PyTorch would be with the spec's seed ($L).\n", model.seed())
                .addStatement("this(null)")
                .addStatement("initialize(SEED)")
                .addStatement("setThreads(defaultThreads())").build());
        type.addMethod(chunkConstructor.build());
        apiMethods();
        new InputEmitter(plan, num, type).emit();
        passes();
        for (StackPlan s : plan.stacks()) {
            for (LayerPlan lp : s.layers()) {
                LayerEmitter le = new LayerEmitter(num, s, lp);
                type.addMethod(le.forward());
                type.addMethod(le.backward());
            }
        }
        new HeadEmitter(plan, num, type).emit();
        new GenerationEmitter(plan, num, type).emit();
        return type.build();
    }

    private String classDoc() {
        String spec = model.source().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("*/", "*&#47;");
        StringBuilder d = new StringBuilder();
        d.append("Generated by rnnc from this spec — do not edit:\n<pre>\n").append(spec.strip()).append("\n</pre>\n");
        d.append("<p>").append(plan.mode().keyword()).append(", ").append(plan.precision().keyword())
                .append(", ").append(model.parameterCount()).append(" parameters. Activation buffers are time-major ")
                .append("({@code [T, n, width]}, n = live batch rows), so one step's block is contiguous; h and c ")
                .append("buffers keep the initial state in slot 0. Not thread-safe: one instance per thread.\n");
        if (plan.mode() == SequenceMode.ONE_TO_MANY || seq2seq()) {
            d.append("<p>Training and {@link #forward} are teacher-forced from the batch's targets");
            d.append(seq2seq() ? " (decoder input d_0 = 0, the reserved start token; d_t = y_{t-1})" : "");
            d.append("; the generate methods feed back the model's own outputs.\n");
        }
        return d.toString();
    }

    private void constants() {
        type.addField(FieldSpec.builder(String.class, "SPEC", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The spec this class was generated from.\n").initializer("$S", model.source()).build());
        for (Constant c : plan.constants()) {
            FieldSpec.Builder f = FieldSpec.builder(int.class, c.name(), Modifier.STATIC, Modifier.FINAL);
            if (c.comment() != null) {
                f.addJavadoc("$L\n", c.comment());
            }
            type.addField(f.initializer("$L", c.value()).build());
        }
        for (ParamOffset o : plan.offsets()) {
            ParamSpec p = o.param();
            type.addField(FieldSpec.builder(int.class, o.constant(), Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("$L $L\n", p.name(), p.shape())
                    .initializer("$L", p.offset()).build());
        }
        OptimizerSpec opt = plan.optimizer();
        dconst("LR", opt.lr(), null);
        if (opt.kind() == OptimizerSpec.Kind.ADAM) {
            dconst("BETA1", opt.beta1(), null);
            dconst("BETA2", opt.beta2(), null);
            dconst("EPS", opt.eps(), "outside the square root, as PyTorch");
        } else {
            dconst("MOMENTUM", opt.momentum(), "SGD: dampening 0, no Nesterov");
        }
        dconst("WEIGHT_DECAY", opt.weightDecay(), "L2, added to the clipped gradient");
        plan.clip().ifPresent(c -> dconst("CLIP", c.threshold(),
                c.kind() == io.rnnc.compiler.model.ClipSpec.Kind.NORM
                        ? "global L2 norm limit (clip_grad_norm_)" : "element limit (clip_grad_value_)"));
        type.addField(FieldSpec.builder(long.class, "SEED", Modifier.STATIC, Modifier.FINAL)
                .initializer("$LL", model.seed()).build());

        TypeName tensorList = ParameterizedTypeName.get(List.class, TensorInfo.class);
        CodeBlock.Builder tensors = CodeBlock.builder().add("$T.of(", List.class);
        for (int i = 0; i < plan.offsets().size(); i++) {
            ParamOffset o = plan.offsets().get(i);
            String shape = o.param().shape().stream().map(String::valueOf).collect(Collectors.joining(", "));
            tensors.add(i == 0 ? "\n" : ",\n").add("new $T($S, new int[] {$L}, $L)", TensorInfo.class,
                    o.param().name(), shape, o.constant());
        }
        tensors.add(")");
        type.addField(FieldSpec.builder(tensorList, "TENSORS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Every trainable tensor in PyTorch state_dict order.\n").initializer(tensors.build()).build());

        StackPlan first = plan.stacks().get(0);
        InputKind kind = first.inputKind();
        String inputKind = switch (kind) {
            case FEATURES -> "features";
            case TOKENS -> "tokens";
            case TOKENS_EMBED -> "tokens_embed";
        };
        int inputSteps = switch (plan.mode()) {
            case ONE_TO_ONE, ONE_TO_MANY -> 1;
            default -> first.stepCount();
        };
        String cells = plan.stack().layers().stream().map(l -> "\"" + l.cell().type().fixtureName() + "\"")
                .collect(Collectors.joining(", "));
        String hidden = plan.stack().layers().stream().map(l -> String.valueOf(l.hidden()))
                .collect(Collectors.joining(", "));
        type.addField(FieldSpec.builder(ModelInfo.class, "INFO", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("What this model is, for generic drivers.\n")
                .initializer("new $T($S, $S, $S, $L, $L, $L, $L, O, $T.of($L), $T.of($L), $S, $S, $S, B, $S, TENSORS, SPEC)",
                        ModelInfo.class, model.name(), plan.mode().keyword(), inputKind,
                        kind == InputKind.FEATURES ? first.inputSize() : 0,
                        kind == InputKind.FEATURES ? 0 : first.vocabSize(), inputSteps,
                        model.outputSteps(), List.class, cells, List.class, hidden,
                        plan.headActivation().keyword(), plan.loss().keyword(),
                        plan.optimizer().kind().name().toLowerCase(Locale.ROOT), plan.precision().keyword())
                .build());
    }

    private void dconst(String name, double value, String doc) {
        FieldSpec.Builder f = FieldSpec.builder(double.class, name, Modifier.STATIC, Modifier.FINAL);
        if (doc != null) {
            f.addJavadoc("$L\n", doc);
        }
        type.addField(f.initializer("$L", doubleLiteral(value)).build());
    }

    static String doubleLiteral(double v) {
        String s = Double.toString(v);
        return s.contains(".") || s.contains("E") || s.contains("N") || s.contains("I") ? s : s + ".0";
    }

    /**
     * Fields, and the private constructor that fills them. The public model is chunk 0; it makes
     * CHUNKS - 1 more instances of its own class for the other chunks of a batch, which share its
     * parameters, packed weights and optimizer state and own their activations and gradients.
     */
    private void fields() {
        ClassName store = num.store();
        ClassName self = ClassName.get(model.packageName(), model.name());
        MethodSpec.Builder k = chunkConstructor;
        k.addModifiers(Modifier.PRIVATE).addParameter(self, "root")
                .addJavadoc("Chunk 0 (the public model) when {@code root} is null, else another chunk of {@code root}.\n");
        k.addStatement("boolean own = root == null");
        field(store, "params", null, "own ? new $T(TENSORS) : root.params", store);
        field(store, "grads", "This chunk's gradients (chunk 0's are the model's: the sum over chunks).",
                "new $T(TENSORS)", store);
        field(num.array(), "w", "Parameters, flat, PyTorch layout.", "params.data");
        field(num.array(), "dw", "d loss / d parameters, same layout.", "grads.data");
        boolean adam = plan.optimizer().kind() == OptimizerSpec.Kind.ADAM;
        if (adam) {
            field(store, "expAvg", null, "own ? new $T(TENSORS) : root.expAvg", store);
            field(store, "expAvgSq", null, "own ? new $T(TENSORS) : root.expAvgSq", store);
            field(ClassName.get(OptimizerState.class), "optimizer", null,
                    "own ? new $T($S, $T.of($S, $S), $T.<$T>of(expAvg, expAvgSq)) : root.optimizer", OptimizerState.class,
                    "adam", List.class, "exp_avg", "exp_avg_sq", List.class, TensorStore.class);
        } else {
            field(store, "momentumBuffer", null, "own ? new $T(TENSORS) : root.momentumBuffer", store);
            field(ClassName.get(OptimizerState.class), "optimizer", null,
                    "own ? new $T($S, $T.of($S), $T.<$T>of(momentumBuffer)) : root.optimizer", OptimizerState.class,
                    "sgd", List.class, "momentum_buffer", List.class, TensorStore.class);
        }
        for (Buffer b : plan.buffers()) {
            String elem = switch (b.kind()) {
                case INT -> "int";
                case DOUBLE -> "double";
                case ELEMENT -> num.t();
            };
            TypeName t = switch (b.kind()) {
                case INT -> TypeName.get(int[].class);
                case DOUBLE -> TypeName.get(double[].class);
                case ELEMENT -> num.array();
            };
            type.addField(FieldSpec.builder(t, b.name(), Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("$L$L\n", b.shape(), b.perChunk() ? "" : " (chunk 0 only)").build());
            if (b.perChunk()) {
                k.addStatement("$L = new $L[$L]", b.name(), elem, b.size().code());
            } else {
                k.addStatement("$L = own ? new $L[$L] : null", b.name(), elem, b.size().code());
            }
        }
        if (num.isFloat()) {
            for (StackPlan s : plan.stacks()) {
                for (LayerPlan lp : s.layers()) {
                    PackedWeights pw = lp.packed().orElseThrow();
                    field(ClassName.get(PackedFloatMatrix.class), pw.recurrentT(), "W_hh^T of " + lp.name()
                            + " [" + lp.h() + " × " + lp.g() + "], packed per update",
                            "own ? $T.allocate($L, $L) : root.$L", PackedFloatMatrix.class, lp.h(), lp.g(), pw.recurrentT());
                    field(ClassName.get(PackedFloatMatrix.class), pw.recurrent(), "W_hh of " + lp.name()
                            + " [" + lp.g() + " × " + lp.h() + "], packed per update",
                            "own ? $T.allocate($L, $L) : root.$L", PackedFloatMatrix.class, lp.g(), lp.h(), pw.recurrent());
                    if (lp.table() != null) {
                        type.addField(FieldSpec.builder(float[].class, lp.table(), Modifier.PRIVATE, Modifier.STATIC,
                                        Modifier.FINAL)
                                .addJavadoc("$L's gate activation per column of a gate row: $L\n", lp.name(),
                                        lp.cell().gateNames())
                                .initializer(lp.cell().activationTable(lp.h(), lp.gs())).build());
                    }
                    if (pw.inputT().isPresent()) {
                        field(ClassName.get(PackedFloatMatrix.class), pw.inputT().get(), "W_ih^T of " + lp.name()
                                + " [" + lp.in() + " × " + lp.g() + "], packed per update",
                                "own ? $T.allocate($L, $L) : root.$L", PackedFloatMatrix.class, lp.in(), lp.g(),
                                pw.inputT().get());
                    }
                }
            }
            field(ClassName.get(PackedFloatMatrix.class), HeadEmitter.FC_PACKED,
                    "fc.weight^T, packed once per update for the head's forward product.",
                    "own ? $T.allocate($L, O) : root.$L", PackedFloatMatrix.class, plan.stack().top().h(),
                    HeadEmitter.FC_PACKED);
        }
        type.addField(FieldSpec.builder(int.class, "rows", Modifier.PRIVATE)
                .addJavadoc("Rows of this chunk in the last forward pass.\n").build());
        type.addField(FieldSpec.builder(int.class, "lossRows", Modifier.PRIVATE)
                .addJavadoc("Rows of the whole batch, which the mean loss divides by.\n").build());
        type.addField(FieldSpec.builder(double.class, "chunkLoss", Modifier.PRIVATE)
                .addJavadoc("This chunk's share of the mean loss of the last step.\n").build());
        type.addField(FieldSpec.builder(int.class, "batchRows", Modifier.PRIVATE)
                .addJavadoc("Rows of the last batch (chunk 0).\n").build());
        field(ClassName.get(Batch.class), "slice", "This chunk's rows of the batch, copied.",
                "$T.forModel(INFO, CHUNK)", Batch.class);
        field(ArrayTypeName.of(self), "chunks", "Chunk c runs rows c·CHUNK ..; chunks[0] is this model (chunk 0 only).",
                "own ? new $T[CHUNKS] : null", self);
        field(ClassName.get(IntConsumer.class), "chunkTask", "Runs one chunk of the current step (chunk 0 only).",
                "own ? this::runChunk : null");
        k.beginControlFlow("if (own)");
        k.addStatement("chunks[0] = this");
        k.beginControlFlow("for (int c = 1; c < CHUNKS; c++)");
        k.addStatement("chunks[c] = new $T(this)", self);
        k.endControlFlow();
        k.endControlFlow();
        type.addField(FieldSpec.builder(Batch.class, "stepBatch", Modifier.PRIVATE)
                .addJavadoc("The batch of the step in progress (chunk 0 only).\n").build());
        type.addField(FieldSpec.builder(int.class, "stepMode", Modifier.PRIVATE)
                .addJavadoc("What the step in progress computes: FORWARD, EVALUATE or TRAIN.\n").build());
        type.addField(FieldSpec.builder(WorkerPool.class, "pool", Modifier.PRIVATE)
                .addJavadoc("Threads that run chunks; null until a step needs more than one.\n").build());
        type.addField(FieldSpec.builder(int.class, "threads", Modifier.PRIVATE).initializer("1")
                .addJavadoc("Threads a step may use.\n").build());
    }

    private void field(TypeName t, String name, String doc, String init, Object... args) {
        FieldSpec.Builder f = FieldSpec.builder(t, name, Modifier.PRIVATE, Modifier.FINAL);
        if (doc != null) {
            f.addJavadoc("$L\n", doc);
        }
        type.addField(f.build());
        chunkConstructor.addStatement("this.$L = " + init, prepend(name, args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private void apiMethods() {
        type.addMethod(override("info", ModelInfo.class).addStatement("return INFO").build());
        type.addMethod(override("parameters", TensorStore.class).addStatement("return params").build());
        type.addMethod(override("gradients", TensorStore.class).addStatement("return grads").build());
        type.addMethod(override("optimizerState", OptimizerState.class).addStatement("return optimizer").build());

        MethodSpec.Builder init = override("initialize", void.class).addParameter(long.class, "seed");
        init.addComment("PyTorch's default initialisation, tensor after tensor in state_dict order");
        init.addStatement("$T rng = new $T(seed)", Rng.class, Rng.class);
        for (ParamSpec p : model.parameters()) {
            if (p.init() == ParamSpec.Init.NORMAL) {
                init.addStatement("$T.normal(params, $S, rng)", Init.class, p.name());
            } else {
                init.addStatement("$T.uniform(params, $S, $L, rng)", Init.class, p.name(), doubleLiteral(p.bound()));
            }
        }
        init.addStatement("optimizer.reset()");
        init.addStatement("parametersChanged()");
        type.addMethod(init.build());

        MethodSpec.Builder changed = override("parametersChanged", void.class);
        if (num.isFloat()) {
            changed.addComment("Repack the weights the forward and step products read");
            for (StackPlan s : plan.stacks()) {
                for (LayerPlan lp : s.layers()) {
                    PackedWeights pw = lp.packed().orElseThrow();
                    changed.addStatement("$L.pack(true, w, $L, $L)", pw.recurrentT(), lp.params().wHh(), lp.h());
                    changed.addStatement("$L.pack(false, w, $L, $L)", pw.recurrent(), lp.params().wHh(), lp.h());
                    if (pw.inputT().isPresent()) {
                        changed.addStatement("$L.pack(true, w, $L, $L)", pw.inputT().get(), lp.params().wIh(), lp.in());
                    }
                }
            }
            changed.addStatement("$L.pack(true, w, $L, $L)", HeadEmitter.FC_PACKED, plan.fcWeight(),
                    plan.stack().top().h());
        } else {
            changed.addComment("float64 products read W_hh in place: nothing is cached");
        }
        type.addMethod(changed.build());

        type.addField(FieldSpec.builder(int.class, "FORWARD", Modifier.STATIC, Modifier.FINAL).initializer("0").build());
        type.addField(FieldSpec.builder(int.class, "EVALUATE", Modifier.STATIC, Modifier.FINAL).initializer("1").build());
        type.addField(FieldSpec.builder(int.class, "TRAIN", Modifier.STATIC, Modifier.FINAL).initializer("2").build());
        type.addMethod(override("computeGradients", double.class).addParameter(Batch.class, "batch")
                .addStatement("int k = runChunks(batch, TRAIN)")
                .addComment("Sum the chunks' gradients in chunk order: the same bits on any number of threads")
                .beginControlFlow("for (int c = 1; c < k; c++)")
                .addStatement("$L g = chunks[c].dw", num.t() + "[]")
                .beginControlFlow("for (int i = 0; i < N_PARAMS; i++)")
                .addStatement("dw[i] += g[i]")
                .endControlFlow()
                .endControlFlow()
                .addStatement("return chunkLosses(k)").build());
        type.addMethod(override("evaluate", double.class).addParameter(Batch.class, "batch")
                .addStatement("return chunkLosses(runChunks(batch, EVALUATE))").build());
        type.addMethod(override("forward", void.class).addParameter(Batch.class, "batch")
                .addStatement("runChunks(batch, FORWARD)").build());
        type.addMethod(MethodSpec.methodBuilder("chunkLosses").addModifiers(Modifier.PRIVATE).returns(double.class)
                .addParameter(int.class, "k")
                .addStatement("double loss = 0")
                .beginControlFlow("for (int c = 0; c < k; c++)")
                .addStatement("loss += chunks[c].chunkLoss")
                .endControlFlow()
                .addStatement("return loss").build());
        type.addMethod(MethodSpec.methodBuilder("runChunks").addModifiers(Modifier.PRIVATE).returns(int.class)
                .addJavadoc("Runs the step on every chunk of the batch, on the pool's threads; returns the chunk count.\n")
                .addParameter(Batch.class, "batch").addParameter(int.class, "mode")
                .addStatement("int n = checkBatch(batch)")
                .addStatement("int k = (n + CHUNK - 1) / CHUNK")
                .addStatement("batchRows = n")
                .addStatement("stepBatch = batch")
                .addStatement("stepMode = mode")
                .beginControlFlow("try")
                .beginControlFlow("if (threads > 1 && k > 1 && pool == null)")
                .addComment("Started on the first step that can use it")
                .addStatement("pool = new $T(threads)", WorkerPool.class)
                .endControlFlow()
                .beginControlFlow("if (threads == 1 || k == 1)")
                .beginControlFlow("for (int c = 0; c < k; c++)")
                .addStatement("runChunk(c)")
                .endControlFlow()
                .nextControlFlow("else")
                .addStatement("pool.run(k, chunkTask)")
                .endControlFlow()
                .nextControlFlow("finally")
                .addStatement("stepBatch = null")
                .endControlFlow()
                .addStatement("return k").build());
        type.addMethod(MethodSpec.methodBuilder("runChunk").addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "c")
                .addStatement("int row0 = c * CHUNK")
                .addStatement("chunks[c].chunkStep(stepBatch, row0, Math.min(CHUNK, batchRows - row0), batchRows, stepMode)")
                .build());
        type.addMethod(MethodSpec.methodBuilder("chunkStep").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Forward (and loss, and backward) of rows {@code row0 .. row0 + n} of a batch of {@code total}.\n")
                .addParameter(Batch.class, "batch").addParameter(int.class, "row0").addParameter(int.class, "n")
                .addParameter(int.class, "total").addParameter(int.class, "mode")
                .addStatement("$T b = batch.size() == n ? batch : sliceRows(batch, row0, n)", Batch.class)
                .addStatement("lossRows = total")
                .addStatement("loadInputs(b, n)")
                .addStatement("forwardPass(n)")
                .beginControlFlow("if (mode != FORWARD)")
                .addStatement("chunkLoss = loss(b, n, mode == TRAIN)")
                .endControlFlow()
                .beginControlFlow("if (mode == TRAIN)")
                .addStatement("backwardPass(n)")
                .endControlFlow().build());
        MethodSpec.Builder sl = MethodSpec.methodBuilder("sliceRows").addModifiers(Modifier.PRIVATE).returns(Batch.class)
                .addJavadoc("Copies rows {@code row0 .. row0 + n} of the batch into this chunk's own batch.\n")
                .addParameter(Batch.class, "batch").addParameter(int.class, "row0").addParameter(int.class, "n")
                .addStatement("slice.setSize(n)");
        for (String a : List.of("features", "tokens", "classes", "targets")) {
            sl.beginControlFlow("if (batch.$L != null && slice.$L != null)", a, a)
                    .addStatement("int per = slice.$L.length / CHUNK", a)
                    .addStatement("$T.arraycopy(batch.$L, row0 * per, slice.$L, 0, n * per)", System.class, a, a)
                    .endControlFlow();
        }
        type.addMethod(sl.addStatement("return slice").build());
        type.addMethod(override("copyLogits", void.class).addParameter(double[].class, "dst")
                .beginControlFlow("for (int c = 0; c * CHUNK < batchRows; c++)")
                .addStatement("chunks[c].chunkLogits(dst, c * CHUNK * T_OUT * O)")
                .endControlFlow().build());
        type.addMethod(override("copyOutputs", void.class).addParameter(double[].class, "dst")
                .addJavadoc("Head outputs after its activation, {@code [n, T_OUT, O]}.\n")
                .beginControlFlow("for (int c = 0; c * CHUNK < batchRows; c++)")
                .addStatement("chunks[c].chunkOutputs(dst, c * CHUNK * T_OUT * O)")
                .endControlFlow().build());
        type.addMethod(override("copyFinalStates", void.class).addParameter(double[].class, "h")
                .addParameter(double[].class, "c")
                .beginControlFlow("for (int k = 0; k * CHUNK < batchRows; k++)")
                .addStatement("chunks[k].chunkFinalStates(h, c, k * CHUNK, batchRows)")
                .endControlFlow().build());
        type.addMethod(override("setThreads", void.class).addParameter(int.class, "threads")
                .beginControlFlow("if (threads < 1)")
                .addStatement("throw new $T($S + threads)", IllegalArgumentException.class,
                        "threads must be at least 1, got ")
                .endControlFlow()
                .addComment("More threads than chunks would idle")
                .addStatement("int use = Math.min(threads, CHUNKS)")
                .beginControlFlow("if (pool != null && pool.threads() != use)")
                .addStatement("pool.close()")
                .addStatement("pool = null")
                .endControlFlow()
                .addStatement("this.threads = use").build());
        type.addMethod(override("threads", int.class).addStatement("return threads").build());
        type.addMethod(MethodSpec.methodBuilder("defaultThreads").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(int.class)
                .addJavadoc("The processors this JVM may use, at most one per chunk of a full batch.\n")
                .addStatement("return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), CHUNKS))").build());

        MethodSpec.Builder update = override("applyUpdate", double.class);
        String clipCall = plan.clip().map(c -> c.kind() == io.rnnc.compiler.model.ClipSpec.Kind.NORM
                ? "byNorm" : "value").orElse("none");
        switch (clipCall) {
            case "byNorm" -> update.addStatement("double norm = $T.byNorm(dw, N_PARAMS, CLIP)", Clipping.class);
            case "value" -> update.addStatement("double norm = $T.norm(dw, N_PARAMS)", Clipping.class)
                    .addStatement("$T.byValue(dw, N_PARAMS, CLIP)", Clipping.class);
            default -> update.addStatement("double norm = $T.norm(dw, N_PARAMS)", Clipping.class);
        }
        update.addStatement("long step = optimizer.step() + 1");
        update.addStatement("optimizer.setStep(step)");
        if (plan.optimizer().kind() == OptimizerSpec.Kind.ADAM) {
            update.addStatement("$T.step(w, dw, expAvg.data, expAvgSq.data, N_PARAMS, step, LR, BETA1, BETA2, EPS, WEIGHT_DECAY)",
                    Adam.class);
        } else {
            update.addStatement("$T.step(w, dw, momentumBuffer.data, N_PARAMS, step, LR, MOMENTUM, WEIGHT_DECAY)", Sgd.class);
        }
        update.addStatement("parametersChanged()");
        update.addStatement("return norm");
        type.addMethod(update.build());

        type.addMethod(MethodSpec.methodBuilder("checkBatch").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(int.class).addParameter(Batch.class, "batch")
                .addStatement("int n = batch.size()")
                .beginControlFlow("if (n > B)")
                .addStatement("throw new $T($S + n + $S + B)", IllegalArgumentException.class, "batch of ",
                        " samples is larger than the model's batch ")
                .endControlFlow()
                .addStatement("return n").build());
    }

    static MethodSpec.Builder override(String name, Class<?> returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
    }

    /** forwardPass and backwardPass: the layers in order, state hand-over for seq2seq. */
    private void passes() {
        MethodSpec.Builder f = MethodSpec.methodBuilder("forwardPass").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Every layer forward, layer by layer (each over all steps), then the head.\n")
                .addParameter(int.class, "n");
        f.addStatement("rows = n");
        for (StackPlan s : plan.stacks()) {
            if (s.zeroInitial()) {
                f.addComment("$Linitial states are zero", s.prefix());
                for (LayerPlan lp : s.layers()) {
                    for (CellState st : lp.cell().states()) {
                        f.addStatement("$T.fill($L, 0, n * $L, $L)", ARRAYS, lp.buf(st.stem()), lp.h(), num.lit(0));
                    }
                }
            } else {
                StackPlan enc = plan.encoder().orElseThrow();
                f.addComment("The encoder's final states (slot T_IN) are the decoder's initial states (slot 0)");
                for (int l = 0; l < s.layers().size(); l++) {
                    LayerPlan d = s.layers().get(l);
                    LayerPlan e = enc.layers().get(l);
                    for (CellState st : d.cell().states()) {
                        f.addStatement("$T.arraycopy($L, $L * n * $L, $L, 0, n * $L)", System.class, e.buf(st.stem()),
                                enc.steps(), e.h(), d.buf(st.stem()), d.h());
                    }
                }
            }
            for (LayerPlan lp : s.layers()) {
                f.addStatement("$LForward(n)", lp.name());
            }
        }
        f.addStatement("headForward(n)");
        type.addMethod(f.build());

        MethodSpec.Builder b = MethodSpec.methodBuilder("backwardPass").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Backpropagation through time from dLogits: head, then layers top-down, then embeddings.\n")
                .addParameter(int.class, "n");
        b.addStatement("headBackward(n)");
        List<StackPlan> stacks = plan.stacks();
        for (int si = stacks.size() - 1; si >= 0; si--) {
            StackPlan s = stacks.get(si);
            if (si == stacks.size() - 1) {
                b.addComment("No gradient flows in from after the last step");
                for (LayerPlan lp : s.layers()) {
                    zeroNext(b, lp);
                }
            } else {
                StackPlan dec = stacks.get(si + 1);
                b.addComment("The decoder's d loss / d initial states flow into the encoder's final states");
                for (int l = 0; l < s.layers().size(); l++) {
                    LayerPlan e = s.layers().get(l);
                    LayerPlan d = dec.layers().get(l);
                    for (CellState st : e.cell().states()) {
                        b.addStatement("$T.arraycopy($L, 0, $L, 0, n * $L)", System.class, d.buf(st.gradStem()),
                                e.buf(st.gradStem()), e.gradStride(st));
                    }
                }
                b.addComment("The encoder's top layer feeds no head");
                b.addStatement("$T.fill($L, 0, $L * n * $L, $L)", ARRAYS, s.top().buf("dh"), s.steps(), s.top().h(), num.lit(0));
            }
            for (int l = s.layers().size() - 1; l >= 0; l--) {
                b.addStatement("$LBackward(n)", s.layers().get(l).name());
            }
            if (s.inputKind() == InputKind.TOKENS_EMBED) {
                b.addComment("$Lembedding: only the rows of tokens in the batch get a gradient", s.prefix());
                b.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, s.embedding(), s.embedding(), s.vocab(),
                        s.layers().get(0).in(), num.lit(0));
                b.beginControlFlow("for (int r = 0; r < $L * n; r++)", s.steps());
                b.addStatement("int row = $L + $L[r] * $L", s.embedding(), s.tokenBuf(), s.layers().get(0).in());
                b.addStatement("int o = r * $L", s.layers().get(0).in());
                b.beginControlFlow("for (int j = 0; j < $L; j++)", s.layers().get(0).in());
                b.addStatement("dw[row + j] += $L[o + j]", s.dInputBuf());
                b.endControlFlow();
                b.endControlFlow();
            }
        }
        type.addMethod(b.build());
    }

    private void zeroNext(MethodSpec.Builder b, LayerPlan lp) {
        for (CellState st : lp.cell().states()) {
            b.addStatement("$T.fill($L, 0, n * $L, $L)", ARRAYS, lp.buf(st.gradStem()), lp.gradStride(st), num.lit(0));
        }
    }
}
