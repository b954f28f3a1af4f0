package io.rnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.cell.CellState;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.plan.Buffer;
import io.rnnc.compiler.plan.Constant;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.PackedWeights;
import io.rnnc.compiler.plan.ParamOffset;
import io.rnnc.compiler.plan.Planner;
import io.rnnc.compiler.plan.StackPlan;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.generate.BeamSearch;
import io.rnnc.runtime.generate.Sampler;
import io.rnnc.runtime.kernel.PackedFloatMatrix;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.model.Clip;
import io.rnnc.runtime.state.RnnState;
import io.rnnc.runtime.state.StateLayout;
import io.rnnc.runtime.state.StatefulModel;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.model.Dropout;
import io.rnnc.runtime.model.LengthOrder;
import io.rnnc.runtime.model.ModelSettings;
import io.rnnc.runtime.model.Optimizer;
import io.rnnc.runtime.model.TensorInit;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Generates one specialised Java class per {@link Model}: every size a constant, fused forward and
 * backpropagation-through-time loops per layer (each layer's pair side by side), the head and loss fused.
 * The class extends the runtime's {@link ChunkedModel}, which owns what is the same in every model
 * (chunks, threads, slicing, the gradient sum, clipping and the optimizer, initialisation). The same model
 * always gives the same bytes.
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
                .superclass(ChunkedModel.class);
    }

    /** Generates the model's class. */
    public static GeneratedSource generate(Model model) {
        return generate(Planner.plan(model));
    }

    /** Generates the class a plan describes. */
    public static GeneratedSource generate(GenerationPlan plan) {
        CodeGenerator g = new CodeGenerator(plan);
        TypeSpec spec = g.build();
        String text = compactJavadoc(JavaFile.builder(plan.model().packageName(), spec).skipJavaLangImports(true)
                .indent("    ").build().toString());
        return new GeneratedSource(plan.model().qualifiedName(), text);
    }

    /** The chunk's row count in a buffer size expression. */
    private static final Pattern CHUNK_ROWS = Pattern.compile("\\bCHUNK\\b");

    /** One-sentence Javadoc (JavaPoet always writes three lines) on one line. */
    private static final Pattern ONE_LINE_DOC = Pattern.compile("(?m)^( *)/\\*\\*\n\\1 \\* ([^\n]*)\n\\1 \\*/$");

    /** A blank line JavaPoet puts between two field declarations of the class. */
    private static final Pattern BETWEEN_FIELDS = Pattern.compile(
            "(?m)^(    [^ \n][^\n]*;)\n\n(?=    (?:/\\*\\*[^\n]*\\*/\n    )?(?:(?:public|private|static|final) )+[^\n(]*[=;])");

    /** Field comments on one line, and fields without blank lines between them: the class reads as a table. */
    static String compactJavadoc(String source) {
        String s = ONE_LINE_DOC.matcher(source).replaceAll("$1/** $2 */");
        return BETWEEN_FIELDS.matcher(s).replaceAll("$1\n");
    }

    private TypeSpec build() {
        type.addJavadoc("$L", classDoc());
        constants();
        fields();
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("A model initialised as PyTorch would be with the spec's seed ($L).\n", model.seed())
                .addStatement("this(null, null, B)")
                .addStatement("completeConstruction()").build());
        type.addMethod(chunkConstructor.build());
        ClassName self = ClassName.get(model.packageName(), model.name());
        type.addMethod(hook("newChunk", ChunkedModel.class)
                .addStatement("return new $T(this, null, stepRows())", self).build());
        type.addMethod(hook("newSibling", ChunkedModel.class)
                .addJavadoc("A model reading this one's weights in place (sharingWeights()), for steps of at most {@code rows} rows.\n")
                .addParameter(int.class, "rows")
                .addStatement("return new $T(null, this, rows)", self).build());
        packWeights();
        if (plan.takesLengths()) {
            type.addMethod(hook("takesLengths", boolean.class)
                    .addJavadoc("Batches may carry per-sample lengths: each row runs its own steps, padding is never read.\n")
                    .addStatement("return true").build());
        }
        passes();
        for (StackPlan s : plan.stacks()) {
            for (LayerPlan lp : s.directions()) {
                LayerEmitter le = new LayerEmitter(num, s, lp, plan.packed(s));
                type.addMethod(le.forward());
                type.addMethod(le.backward());
            }
        }
        new HeadEmitter(plan, num, type).emit();
        new InputEmitter(plan, num, type).emit();
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
                .append("({@code [T, n, width]}, n = this chunk's rows), so one step's block is contiguous; state ")
                .append("buffers keep the initial state in slot 0. Not thread-safe: one instance per thread.\n");
        if (plan.oneToMany() || plan.seq2seq()) {
            d.append("<p>Training and {@link #forward} are teacher-forced from the batch's targets");
            d.append(plan.seq2seq() ? " (decoder input d_0 = 0, the reserved start token; d_t = y_{t-1})" : "");
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
        // one entry per layer and direction, so that the final states read [L·D, n, H] as PyTorch's h_n
        String cells = plan.stack().directions().stream().map(l -> "\"" + l.cell().type().fixtureName() + "\"")
                .collect(Collectors.joining(", "));
        String hidden = plan.stack().directions().stream().map(l -> String.valueOf(l.hidden()))
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

        OptimizerSpec opt = plan.optimizer();
        CodeBlock optimizer = opt.kind().adamFamily()
                ? CodeBlock.of("$T.$L($L, $L, $L, $L, $L)", Optimizer.class, opt.kind().keyword(), doubleLiteral(opt.lr()),
                        doubleLiteral(opt.beta1()), doubleLiteral(opt.beta2()), doubleLiteral(opt.eps()),
                        doubleLiteral(opt.weightDecay()))
                : CodeBlock.of("$T.sgd($L, $L, $L)", Optimizer.class, doubleLiteral(opt.lr()),
                        doubleLiteral(opt.momentum()), doubleLiteral(opt.weightDecay()));
        CodeBlock clip = plan.clip().map(c -> CodeBlock.of("$T.$L($L)", Clip.class,
                c.kind() == ClipSpec.Kind.NORM ? "byNorm" : "byValue", doubleLiteral(c.threshold())))
                .orElse(CodeBlock.of("$T.NONE", Clip.class));
        CodeBlock.Builder init = CodeBlock.builder().add("$T.of(", List.class);
        for (int i = 0; i < model.parameters().size(); i++) {
            ParamSpec p = model.parameters().get(i);
            init.add(i == 0 ? "\n" : ",\n");
            if (p.init() == ParamSpec.Init.NORMAL) {
                init.add("$T.normal($S)", TensorInit.class, p.name());
            } else {
                init.add("$T.uniform($S, $L)", TensorInit.class, p.name(), doubleLiteral(p.bound()));
            }
        }
        init.add(")");
        type.addField(FieldSpec.builder(ModelSettings.class, "SETTINGS", Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .addJavadoc("Chunking, seed, optimizer ($L), clipping and PyTorch's default initialisation per tensor.\n",
                        opt.kind().adamFamily() ? "lr, beta1, beta2, eps, weight decay"
                                : "lr, momentum, weight decay")
                .initializer("new $T(INFO, CHUNK, $LL, $L, $L, $L)", ModelSettings.class, model.seed(), optimizer, clip,
                        init.build())
                .build());
    }

    static String doubleLiteral(double v) {
        String s = Double.toString(v);
        return s.contains(".") || s.contains("E") || s.contains("N") || s.contains("I") ? s : s + ".0";
    }

    /**
     * Fields, and the private constructor that fills them. The public model is chunk 0; the base class makes
     * the other chunks with {@code newChunk()}, which share its parameters and packed weights and own their
     * activations and gradients, and models sharing its weights with {@code newSibling()}: another chunk 0 that
     * takes the source's packed weights instead of allocating them.
     */
    private void fields() {
        ClassName self = ClassName.get(model.packageName(), model.name());
        MethodSpec.Builder k = chunkConstructor;
        k.addModifiers(Modifier.PRIVATE).addParameter(self, "root").addParameter(self, "source").addParameter(int.class, "rows")
                .addJavadoc("Chunk 0 (a public model) when {@code root} is null, else another chunk of {@code root}; a chunk 0\n"
                        + "reading {@code source}'s weights, read-only, when {@code source} is not null (sharingWeights()). A step\n"
                        + "runs at most {@code rows} rows: B, or fewer in a model sharing weights for small batches.\n");
        k.addStatement("super(SETTINGS, root, source, rows)");
        k.addComment("rows each chunk's buffers hold: CHUNK, or rows if fewer");
        k.addStatement("int chunkRows = bufferRows()");
        k.addStatement("boolean own = root == null");
        if (num.isFloat()) {
            k.addComment("whose packed weights this one reads: its root's, its source's, or (null) its own");
            k.addStatement("$T shared = own ? source : root", self);
        }
        String prec = num.isFloat() ? "float" : "double";
        field(num.array(), "w", "Parameters, flat, PyTorch layout (shared by the chunks).", prec + "Parameters()");
        field(num.array(), "dw", "This chunk's d loss / d parameters, same layout.", prec + "Gradients()");
        List<Buffer> scratch = plan.buffers().stream().filter(CodeGenerator::scratch).toList();
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
            boolean scratchBuffer = scratch.contains(b);
            FieldSpec.Builder f = FieldSpec.builder(t, b.name(), Modifier.PRIVATE)
                    .addJavadoc("$L$L\n", b.shape(), b.perChunk() ? scratchBuffer ? " (scratch: see scratchBuffers())" : ""
                            : " (chunk 0 only)");
            if (!scratchBuffer) {
                f.addModifiers(Modifier.FINAL);
            }
            if (b.perChunk()) {
                // sized for the chunk's rows: the layouts are [.., n, ..] over the rows a step runs, n <= rows
                k.addStatement("this.$L = new $L[$L]", b.name(), elem, CHUNK_ROWS.matcher(b.size().code().toString()).replaceAll("chunkRows"));
            } else {
                k.addStatement("$L = own ? new $L[$L] : null", b.name(), elem, b.size().code());
            }
            type.addField(f.build());
        }
        scratchMethods(scratch);
        finalStateFields();
        if (num.isFloat()) {
            for (StackPlan s : plan.stacks()) {
                for (LayerPlan lp : s.directions()) {
                    PackedWeights pw = lp.packed().orElseThrow();
                    packed(pw.recurrentT(), "W_hh^T of " + lp.name(), lp.h(), lp.g());
                    packed(pw.recurrent(), "W_hh of " + lp.name(), lp.g(), lp.h());
                    if (pw.inputT().isPresent()) {
                        packed(pw.inputT().get(), "W_ih^T of " + lp.name(), lp.in(), lp.g());
                    }
                    if (lp.table() != null && !lp.reverse()) {
                        type.addField(FieldSpec.builder(float[].class, lp.table(), Modifier.PRIVATE, Modifier.STATIC,
                                        Modifier.FINAL)
                                .addJavadoc("$L's gate activation per column of a gate row ($L)\n", lp.name(),
                                        lp.cell().gateNames())
                                .initializer(lp.cell().activationTable(lp.h(), lp.gs())).build());
                    }
                }
            }
            packed(HeadEmitter.FC_PACKED, "fc.weight^T", plan.stack().top().out(), "O");
        }
        for (StackPlan s : plan.stacks()) {
            if (s.dropoutField() != null) {
                type.addField(FieldSpec.builder(Dropout.class, s.dropoutField(), Modifier.PRIVATE, Modifier.STATIC,
                                Modifier.FINAL)
                        .addJavadoc("$Ldropout between layers (PyTorch's nn.LSTM(dropout=p)), training only\n",
                                s.role().isEmpty() ? "" : "the " + s.role() + "'s ")
                        .initializer("new $T($L)", Dropout.class, doubleLiteral(s.dropout())).build());
            }
        }
        if (plan.takesLengths()) {
            StackPlan in = plan.stacks().get(0);
            field(ClassName.get(LengthOrder.class), LayerEmitter.LENGTH_ORDER,
                    "This chunk's rows by length, longest first, and the rows running at each step (the identity without lengths)",
                    "new $T(chunkRows, $L)", LengthOrder.class, in.steps());
        }
        stateApi();
        plan.generation().ifPresent(gb -> {
            field(ClassName.get(Sampler.class), "sampler", "Greedy and sampled generation over step() (chunk 0 only)",
                    "own ? new $T(this) : null", Sampler.class);
            if (gb.beams()) {
                field(ClassName.get(BeamSearch.class), "beams", "Beam search over step() (chunk 0 only)",
                        "own ? new $T(this, T_OUT) : null", BeamSearch.class);
            }
        });
    }

    private void packed(String name, String what, String rows, String cols) {
        field(ClassName.get(PackedFloatMatrix.class), name, what + " [" + rows + " × " + cols + "], packed per update",
                "shared == null ? $T.allocate($L, $L) : shared.$L", PackedFloatMatrix.class, rows, cols, name);
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

    static MethodSpec.Builder override(String name, Class<?> returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
    }

    /** A hook of {@link ChunkedModel}: {@code @Override protected}. */
    /**
     * A chunk's buffer that a step writes before it reads it and that nothing reads after the step: every
     * per-chunk activation array but the head's logits ({@code chunkLogits}) and their gradient. The states count:
     * a step starts by writing slot 0, and what {@code chunkFinalStates} reads afterwards is a copy of the final
     * slot ({@link #finalState}). On one thread the chunks of a step share chunk 0's (ChunkedModel.useScratchBuffers).
     */
    private static boolean scratch(Buffer b) {
        return b.perChunk() && b.kind() == Buffer.Kind.ELEMENT && !b.name().equals("logits") && !b.name().equals("dLogits");
    }

    /**
     * The field holding a copy of a state's final slot ({@code [n, H]}, block rows in the chunk's order) for the
     * top stack's direction {@code lp}: the state buffers are scratch, and chunkFinalStates reads after the step.
     */
    static String finalState(LayerPlan lp, CellState st) {
        String b = lp.buf(st.stem());
        return "final" + Character.toUpperCase(b.charAt(0)) + b.substring(1);
    }

    /** The final-state copies' fields (see {@link #finalState}). */
    private void finalStateFields() {
        for (LayerPlan lp : plan.stack().directions()) {
            for (CellState st : lp.cell().states()) {
                field(num.array(), finalState(lp, st), "[n, " + lp.h() + "] this chunk's final " + lp.buf(st.stem())
                        + " (its slot " + (lp.reverse() ? "0" : plan.stack().steps()) + "), kept past the step",
                        "new $L[chunkRows * $L]", num.t(), lp.h());
            }
        }
    }

    /** scratchBuffers() and useScratchBuffers(): the chunk's scratch arrays, and pointing its fields at another set. */
    private void scratchMethods(List<Buffer> scratch) {
        if (scratch.isEmpty()) {
            return;
        }
        type.addMethod(hook("scratchBuffers", Object[].class)
                .addJavadoc("This chunk's own scratch arrays, in the order useScratchBuffers() takes them.\n")
                .addStatement("return new Object[] {$L}", scratch.stream().map(Buffer::name).collect(Collectors.joining(", ")))
                .build());
        MethodSpec.Builder use = hook("useScratchBuffers", void.class).addParameter(Object[].class, "buffers")
                .addJavadoc("Runs this chunk's next step on {@code buffers}: its own, or chunk 0's on one thread.\n");
        String elem = num.t() + "[]";
        for (int i = 0; i < scratch.size(); i++) {
            use.addStatement("$L = ($L) buffers[$L]", scratch.get(i).name(), elem, i);
        }
        type.addMethod(use.build());
    }

    static MethodSpec.Builder hook(String name, Class<?> returns) {
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .returns(returns);
    }

    private void packWeights() {
        if (!num.isFloat()) {
            return; // float64 products read the weights in place: nothing is derived from them
        }
        MethodSpec.Builder changed = hook("packWeights", void.class)
                .addJavadoc("Repacks the weights the products read (after every change: parametersChanged()).\n");
        for (StackPlan s : plan.stacks()) {
            for (LayerPlan lp : s.directions()) {
                PackedWeights pw = lp.packed().orElseThrow();
                changed.addStatement("$L.pack(true, w, $L, $L)", pw.recurrentT(), lp.params().wHh(), lp.h());
                changed.addStatement("$L.pack(false, w, $L, $L)", pw.recurrent(), lp.params().wHh(), lp.h());
                if (pw.inputT().isPresent()) {
                    changed.addStatement("$L.pack(true, w, $L, $L)", pw.inputT().get(), lp.params().wIh(), lp.in());
                }
            }
        }
        changed.addStatement("$L.pack(true, w, $L, $L)", HeadEmitter.FC_PACKED, plan.fcWeight(), plan.stack().top().out());
        type.addMethod(changed.build());
    }

    /**
     * Dropout on layer lp's output: in training the mask is drawn for the step (keyed by seed, optimizer step,
     * layer and each row's global batch row); otherwise it is all ones, so the next layer reads the output's
     * own bits.
     */
    private void dropoutForward(MethodSpec.Builder f, StackPlan s, LayerPlan lp) {
        String mask = lp.buf("mask");
        f.addComment("dropout on layer $L's output (training only); the next layer reads $L", lp.index(), lp.buf("drop"));
        f.beginControlFlow("if (training())");
        if (plan.takesLengths()) {
            f.addStatement("$L.fill($L, settings().seed(), optimizerState().step(), $L, firstRow(), $L.orderArray(), n, $L, $L)",
                    s.dropoutField(), mask, lp.index(), LayerEmitter.LENGTH_ORDER, s.steps(), lp.out());
        } else {
            f.addStatement("$L.fill($L, settings().seed(), optimizerState().step(), $L, firstRow(), n, $L, $L)",
                    s.dropoutField(), mask, lp.index(), s.steps(), lp.out());
        }
        f.nextControlFlow("else");
        f.addStatement("$T.fill($L, 0, $L * n * $L, $L)", ARRAYS, mask, s.steps(), lp.out(), num.lit(1));
        f.endControlFlow();
        f.addStatement("$T.apply($L, $L, $L, $L, $L * n * $L)", Dropout.class, s.outputOf(lp), s.outputOffset(lp), mask,
                lp.buf("drop"), s.steps(), lp.out());
    }

    /**
     * Copies between a given state (start, rows by global batch row) and slot 0 ({@code load}) or the final slot T
     * of every layer's state buffers; block row k is chunk row lengthOrder.row(k).
     */
    private void stateRows(MethodSpec.Builder f, boolean load) {
        StackPlan s = plan.stack();
        if (load) {
            f.addComment("every row starts from the given state: block row k is state row firstRow() + lengthOrder.row(k)");
        } else {
            f.addComment("each row's final state (slot $L, carried there) back into the given state", s.steps());
        }
        String get = num.isFloat() ? "float" : "double";
        f.addStatement("$L[] sh = start.$LH()", num.t(), get);
        boolean cells = s.layers().stream().anyMatch(lp -> lp.has("c"));
        if (cells) {
            f.addStatement("$L[] sc = start.$LC()", num.t(), get);
        }
        f.beginControlFlow("for (int k = 0; k < n; k++)");
        f.addStatement("int row = firstRow() + $L.row(k)", LayerEmitter.LENGTH_ORDER);
        for (LayerPlan lp : s.layers()) {
            String slot = load ? "k * " + lp.h() : "(" + s.steps() + " * n + k) * " + lp.h();
            String at = "start.offset(" + lp.index() + ", 0) + row * " + lp.h();
            for (String st : lp.has("c") ? List.of("h", "c") : List.of("h")) {
                String arr = st.equals("h") ? "sh" : "sc";
                if (load) {
                    f.addStatement("System.arraycopy($L, $L, $L, $L, $L)", arr, at, lp.buf(st), slot, lp.h());
                } else {
                    f.addStatement("System.arraycopy($L, $L, $L, $L, $L)", lp.buf(st), slot, arr, at, lp.h());
                }
            }
        }
        f.endControlFlow();
    }

    /** The step API of a model whose stack can start from a given state ({@link StatefulModel}). */
    private void stateApi() {
        if (!plan.stateApi()) {
            return;
        }
        type.addSuperinterface(StatefulModel.class);
        CodeBlock layers = CodeBlock.join(plan.stack().layers().stream()
                .map(l -> CodeBlock.of("new $T($S, $L, 1)", StateLayout.LayerState.class, l.cell().type().fixtureName(),
                        l.hidden())).toList(), ", ");
        type.addField(FieldSpec.builder(StateLayout.class, "STATE_LAYOUT", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The shape of this model's recurrent state (a state of an equal layout fits).\n")
                .initializer("new $T($S, $S, $T.of($L))", StateLayout.class, model.name(), plan.precision().keyword(),
                        List.class, layers).build());
        field(ClassName.get(Batch.class), "stepBatch", "The one-step batch of step() (chunk 0 only)",
                "own ? $T.forModel(INFO, rows) : null", Batch.class);
        field(TypeName.get(double[].class), "stepOutputs", "step()'s outputs of every position (chunk 0 only)",
                "own ? new double[rows * T_OUT * O] : null");
        if (plan.stack().carried()) {
            field(ClassName.get(RnnState.class), "carried", "The state carried from one training batch to the next, "
                    + "per batch row (shared by the chunks)", "own ? new $T(STATE_LAYOUT, B) : root.carried", RnnState.class);
            type.addMethod(hook("carriedState", RnnState.class)
                    .addJavadoc("Training starts each batch row from the previous training batch's row (stateful).\n")
                    .addStatement("return carried").build());
        }
        type.addMethod(override("stateLayout", StateLayout.class).addStatement("return STATE_LAYOUT").build());
        type.addMethod(override("forward", void.class)
                .addJavadoc("Forward of {@code batch} from rows 0..n-1 of {@code state}, which then holds each row's final state.\n")
                .addParameter(Batch.class, "batch").addParameter(RnnState.class, "state")
                .addStatement("state.checkFits(STATE_LAYOUT, batch.size())")
                .addStatement("forwardFrom(batch, state)").build());
        CodeBlock.Builder st = CodeBlock.builder();
        st.add("// B rows, or the rows an instance sharing weights was made for\n");
        st.beginControlFlow("if (n < 1 || n > stepBatch.capacity())");
        st.addStatement("throw new $T($S + stepBatch.capacity() + $S + n)", IllegalArgumentException.class, "rows must be 1..",
                " (B = " + model.batch() + ", or the rows of an instance sharing weights), got ");
        st.endControlFlow();
        st.addStatement("state.checkFits(STATE_LAYOUT, n)");
        st.addStatement("$T b = stepBatch", Batch.class);
        st.addStatement("b.setSize(n)");
        StackPlan s = plan.stack();
        if (s.inputKind() == InputKind.FEATURES) {
            st.beginControlFlow("if (features == null || features.length < n * I)");
            st.addStatement("throw new $T($S + n + $S)", IllegalArgumentException.class, "step() of " + model.name()
                    + " reads features [n, I]: ", " rows need n * I values");
            st.endControlFlow();
        } else {
            st.beginControlFlow("if (tokens == null || tokens.length < n)");
            st.addStatement("throw new $T($S + n + $S)", IllegalArgumentException.class, "step() of " + model.name()
                    + " reads token ids [n]: ", " rows need n ids");
            st.endControlFlow();
        }
        st.add("// one step: the input at step 0 of a batch whose rows all have length 1\n");
        st.beginControlFlow("for (int r = 0; r < n; r++)");
        if (s.inputKind() == InputKind.FEATURES) {
            st.addStatement("System.arraycopy(features, r * I, b.features, r * T * I, I)");
        } else {
            st.addStatement("b.tokens[r * T] = tokens[r]");
        }
        st.addStatement("b.setLength(r, 1)");
        st.endControlFlow();
        st.addStatement("forwardFrom(b, state)");
        st.addStatement("copyOutputs(stepOutputs)");
        st.beginControlFlow("for (int r = 0; r < n; r++)");
        st.addStatement("System.arraycopy(stepOutputs, r * T_OUT * O, outputs, r * O, O)");
        st.endControlFlow();
        type.addMethod(override("step", void.class)
                .addJavadoc("One time step for rows 0..n-1 from and into {@code state}; the head's outputs after its activation into {@code outputs [n, O]}.\n")
                .addParameter(int[].class, "tokens").addParameter(double[].class, "features").addParameter(int.class, "n")
                .addParameter(RnnState.class, "state").addParameter(double[].class, "outputs").addCode(st.build()).build());
        MethodSpec.Builder reset = override("resetState", void.class)
                .addJavadoc("Zeros the state carried across training batches (a new epoch or stream)$L.\n",
                        plan.stack().carried() ? "" : "; this model carries none");
        if (plan.stack().carried()) {
            reset.addStatement("carried.reset()");
        }
        type.addMethod(reset.build());
    }

    /** forwardPass and backwardPass: the layers in order, state hand-over for seq2seq. */
    private void passes() {
        MethodSpec.Builder f = hook("forwardPass", void.class)
                .addJavadoc("Every layer forward, layer by layer (each over all steps), then the head.\n")
                .addParameter(int.class, "n");
        if (plan.stateApi()) {
            f.addStatement("$T start = stepState()", RnnState.class);
            f.beginControlFlow("if (start != null)");
            stateRows(f, true);
            f.nextControlFlow("else");
        }
        for (StackPlan s : plan.stacks()) {
            if (s.zeroInitial()) {
                f.addComment("$L", s.role().isEmpty() ? "initial states are zero" : "the " + s.role() + "'s initial states are zero");
                for (LayerPlan lp : s.directions()) {
                    for (CellState st : lp.cell().states()) {
                        if (lp.reverse()) { // the reverse direction starts in slot T
                            f.addStatement("$T.fill($L, $L * n * $L, ($L + 1) * n * $L, $L)", ARRAYS, lp.buf(st.stem()),
                                    s.steps(), lp.h(), s.steps(), lp.h(), num.lit(0));
                        } else {
                            f.addStatement("$T.fill($L, 0, n * $L, $L)", ARRAYS, lp.buf(st.stem()), lp.h(), num.lit(0));
                        }
                    }
                }
                if (plan.stateApi()) {
                    f.endControlFlow();
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
                lp.reverseDirection().ifPresent(r -> f.addStatement("$LForward(n)", r.name()));
                if (lp.has("drop")) {
                    dropoutForward(f, s, lp);
                }
            }
        }
        f.addStatement("headForward(n)");
        f.addComment("the final states, kept for chunkFinalStates: the state buffers are scratch (shared by the chunks on one thread)");
        for (LayerPlan lp : plan.stack().directions()) {
            String slot = lp.reverse() ? "0" : plan.stack().steps() + " * n * " + lp.h();
            for (CellState st : lp.cell().states()) {
                f.addStatement("System.arraycopy($L, $L, $L, 0, n * $L)", lp.buf(st.stem()), slot, finalState(lp, st), lp.h());
            }
        }
        if (plan.stateApi()) {
            f.beginControlFlow("if (start != null)");
            stateRows(f, false);
            f.endControlFlow();
        }
        type.addMethod(f.build());

        MethodSpec.Builder b = hook("backwardPass", void.class)
                .addJavadoc("Backpropagation through time from dLogits: head, then layers top-down$L.\n",
                        plan.stacks().stream().anyMatch(s -> s.inputKind() == InputKind.TOKENS_EMBED) ? ", then embeddings" : "")
                .addParameter(int.class, "n");
        b.addStatement("headBackward(n)");
        List<StackPlan> stacks = plan.stacks();
        for (int si = stacks.size() - 1; si >= 0; si--) {
            StackPlan s = stacks.get(si);
            if (si == stacks.size() - 1) {
                b.addComment("No gradient flows in from after the last step");
                for (LayerPlan lp : s.directions()) {
                    for (CellState st : lp.cell().states()) {
                        b.addStatement("$T.fill($L, 0, n * $L, $L)", ARRAYS, lp.buf(st.gradStem()), lp.gradStride(st),
                                num.lit(0));
                    }
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
                b.addStatement("$T.fill($L, 0, $L * n * $L, $L)", ARRAYS, s.top().buf("dh"), s.steps(), s.top().h(),
                        num.lit(0));
            }
            for (int l = s.layers().size() - 1; l >= 0; l--) {
                LayerPlan lp = s.layers().get(l);
                if (lp.has("drop")) {
                    String d = lp.bidirectional() ? lp.buf("dOut") : lp.buf("dh");
                    b.addComment("d loss / d output of layer $L = d loss / d its dropped output times the mask", l);
                    b.addStatement("$T.apply($L, 0, $L, $L * n * $L)", Dropout.class, d, lp.buf("mask"), s.steps(), lp.out());
                }
                if (lp.bidirectional() && !(lp == s.top() && plan.headLastStep())) {
                    LayerPlan r = lp.reverseDirection().orElseThrow();
                    b.addComment("d loss / d [h_fwd_t, h_bwd_t] of layer $L to each direction", l);
                    b.beginControlFlow("for (int r = 0; r < $L * n; r++)", s.steps());
                    b.addStatement("System.arraycopy($L, r * $L, $L, r * $L, $L)", lp.buf("dOut"), lp.out(), lp.buf("dh"),
                            lp.h(), lp.h());
                    b.addStatement("System.arraycopy($L, r * $L + $L, $L, r * $L, $L)", lp.buf("dOut"), lp.out(), lp.h(),
                            r.buf("dh"), lp.h(), lp.h());
                    b.endControlFlow();
                }
                b.addStatement("$LBackward(n)", lp.name());
                lp.reverseDirection().ifPresent(r -> b.addStatement("$LBackward(n)", r.name()));
            }
            if (s.inputKind() == InputKind.TOKENS_EMBED) {
                String e = s.layers().get(0).in();
                b.addComment("$Lembedding: only the rows of tokens in the batch get a gradient",
                        s.role().isEmpty() ? "the " : "the " + s.role() + "'s ");
                b.addStatement("$T.fill(dw, $L, $L + $L * $L, $L)", ARRAYS, s.embedding(), s.embedding(), s.vocab(), e,
                        num.lit(0));
                b.beginControlFlow("for (int r = 0; r < $L * n; r++)", s.steps());
                b.addStatement("int row = $L + $L[r] * $L", s.embedding(), s.tokenBuf(), e);
                b.addStatement("int o = r * $L", e);
                b.beginControlFlow("for (int j = 0; j < $L; j++)", e);
                b.addStatement("dw[row + j] += $L[o + j]", s.dInputBuf());
                b.endControlFlow();
                b.endControlFlow();
            }
        }
        type.addMethod(b.build());
    }
}
