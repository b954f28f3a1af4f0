package io.rnnc.compiler.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Derives every size of a {@link Model} from what a spec states: each layer's input width and the
 * parameter list in PyTorch state_dict order with PyTorch's default initialisation. The front end
 * calls this after validation; tests call it to build models without parsing.
 */
public final class ModelAssembler {

    /** What a spec states about one stack: its input, steps, and per-layer cell and width. */
    public record StackDecl(InputSpec input, int steps, List<LayerDecl> layers, double dropout, boolean stateful,
                            SourcePos pos) {
        public StackDecl(InputSpec input, int steps, List<LayerDecl> layers, SourcePos pos) {
            this(input, steps, layers, 0, false, pos);
        }

        public StackDecl(InputSpec input, int steps, List<LayerDecl> layers, double dropout, SourcePos pos) {
            this(input, steps, layers, dropout, false, pos);
        }

        public StackDecl {
            layers = List.copyOf(layers);
        }
    }

    /** One stated layer: {@code lstm 128}, or {@code lstm 128 bidirectional}. */
    public record LayerDecl(CellType cell, int hidden, boolean bidirectional, SourcePos pos) {
        public LayerDecl(CellType cell, int hidden, SourcePos pos) {
            this(cell, hidden, false, pos);
        }
    }

    private ModelAssembler() {
    }

    /**
     * @param encoder the encoder declaration for seq2seq, else empty
     * @param stack   the single stack, or the decoder in seq2seq
     */
    public static Model assemble(String packageName, String name, SequenceMode mode, Optional<StackDecl> encoder,
                                 StackDecl stack, int outputs, HeadActivation activation, SourcePos headPos,
                                 LossKind loss, OptimizerSpec optimizer, Optional<ClipSpec> clip, int batch,
                                 long seed, Precision precision, String source, SourcePos pos) {
        Derived d = derive(mode, encoder, stack, outputs);
        DenseHead head = new DenseHead(d.stack.prefix(), outputs, d.stack.top().outputWidth(), activation, headPos);
        return new Model(packageName, name, mode, d.encoder, d.stack, head, loss, optimizer, clip, batch, seed,
                precision, d.parameters, source, pos);
    }

    /**
     * The trainable scalars such a model would have, so a caller can refuse one over
     * {@link Model#MAX_PARAMETERS} before assembling it.
     */
    public static long parameterCount(SequenceMode mode, Optional<StackDecl> encoder, StackDecl stack, int outputs) {
        long n = 0;
        for (ParamSpec p : derive(mode, encoder, stack, outputs).parameters) {
            n += p.size();
        }
        return n;
    }

    private record Derived(Optional<Stack> encoder, Stack stack, List<ParamSpec> parameters) {
    }

    /** The stacks with their layers' input widths, and every parameter in state_dict order. */
    private static Derived derive(SequenceMode mode, Optional<StackDecl> encoder, StackDecl stack, int outputs) {
        boolean seq2seq = mode == SequenceMode.SEQ2SEQ;
        List<ParamSpec> params = new ArrayList<>();
        long[] offset = {0};
        Optional<Stack> encoderStack = encoder.map(e -> stack(seq2seq ? "encoder." : "", e, 0, params, offset));
        int feedback = mode == SequenceMode.ONE_TO_MANY ? outputs : 0;
        Stack main = stack(seq2seq ? "decoder." : "", stack, feedback, params, offset);
        int hidden = main.top().outputWidth();
        double fcBound = 1.0 / Math.sqrt(hidden);
        add(params, offset, main.prefix() + "fc.weight", List.of(outputs, hidden), ParamSpec.Init.UNIFORM, fcBound);
        add(params, offset, main.prefix() + "fc.bias", List.of(outputs), ParamSpec.Init.UNIFORM, fcBound);
        return new Derived(encoderStack, main, params);
    }

    private static Stack stack(String prefix, StackDecl decl, int feedback, List<ParamSpec> params, long[] offset) {
        InputSpec input = decl.input();
        if (input.kind() == InputKind.TOKENS_EMBED) {
            add(params, offset, prefix + "embedding.weight", List.of(input.vocab(), input.embed()),
                    ParamSpec.Init.NORMAL, 1.0);
        }
        List<Layer> layers = new ArrayList<>();
        int width = input.width() + feedback;
        for (int l = 0; l < decl.layers().size(); l++) {
            LayerDecl d = decl.layers().get(l);
            Layer layer = new Layer(l, d.cell(), d.hidden(), width, d.bidirectional(), d.pos());
            layers.add(layer);
            int rows = layer.gateRows();
            double bound = 1.0 / Math.sqrt(d.hidden());
            String p = prefix + "rnn.";
            add(params, offset, p + "weight_ih_l" + l, List.of(rows, width), ParamSpec.Init.UNIFORM, bound);
            add(params, offset, p + "weight_hh_l" + l, List.of(rows, d.hidden()), ParamSpec.Init.UNIFORM, bound);
            add(params, offset, p + "bias_ih_l" + l, List.of(rows), ParamSpec.Init.UNIFORM, bound);
            add(params, offset, p + "bias_hh_l" + l, List.of(rows), ParamSpec.Init.UNIFORM, bound);
            if (d.bidirectional()) { // PyTorch lists a layer's reverse direction right after its forward one
                add(params, offset, p + "weight_ih_l" + l + "_reverse", List.of(rows, width), ParamSpec.Init.UNIFORM, bound);
                add(params, offset, p + "weight_hh_l" + l + "_reverse", List.of(rows, d.hidden()), ParamSpec.Init.UNIFORM,
                        bound);
                add(params, offset, p + "bias_ih_l" + l + "_reverse", List.of(rows), ParamSpec.Init.UNIFORM, bound);
                add(params, offset, p + "bias_hh_l" + l + "_reverse", List.of(rows), ParamSpec.Init.UNIFORM, bound);
            }
            width = layer.outputWidth();
        }
        return new Stack(prefix, input, decl.steps(), layers, decl.dropout(), decl.stateful(), decl.pos());
    }

    private static void add(List<ParamSpec> params, long[] offset, String name, List<Integer> shape,
                            ParamSpec.Init init, double bound) {
        ParamSpec p = new ParamSpec(name, shape, init, bound, offset[0]);
        params.add(p);
        offset[0] += p.size();
    }
}
