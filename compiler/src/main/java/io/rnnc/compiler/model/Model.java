package io.rnnc.compiler.model;

import java.util.List;
import java.util.Optional;

/**
 * One validated network, immutable. The code generator reads only this, never the parse tree.
 *
 * @param packageName Java package of the generated class ("" for none)
 * @param name        the generated class's simple name
 * @param encoder     the encoder stack (seq2seq only)
 * @param stack       the single stack, or the decoder stack in seq2seq
 * @param parameters  every trainable tensor in PyTorch state_dict order, with offsets into one flat store
 * @param batch       largest batch the generated class is sized for
 * @param source      the model's spec text, quoted in the generated Javadoc
 */
public record Model(String packageName, String name, SequenceMode mode, Optional<Stack> encoder, Stack stack,
                    DenseHead head, LossKind loss, OptimizerSpec optimizer, Optional<ClipSpec> clip,
                    int batch, long seed, Precision precision, List<ParamSpec> parameters, String source,
                    SourcePos pos) {

    /** Trainable scalars one model may have: the flat parameter store is one Java array. */
    public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

    /**
     * What code generation may rely on without checking: the stacks chain (layer 0 reads the input, plus
     * the head's outputs fed back in one_to_many; layer l reads layer l-1), the head sits on the top layer,
     * the loss suits the head (cross_entropy on softmax, bce on sigmoid), each mode has the shape it needs
     * (one_to_one has one step, one_to_many reads features, seq2seq has a token-reading encoder whose
     * layers match the decoder's, a decoder head over the decoder's vocabulary and cross_entropy), names
     * carry their stack's prefix, and the parameters are unique, contiguous from 0 and fit one Java array.
     */
    public Model {
        Invariants.present(packageName, "package name");
        Invariants.require(name != null && !name.isEmpty(), "a model needs a name");
        Invariants.present(mode, "mode");
        Invariants.present(encoder, "encoder (Optional)");
        Invariants.present(stack, "stack");
        Invariants.present(head, "head");
        Invariants.present(loss, "loss");
        Invariants.present(optimizer, "optimizer");
        Invariants.present(clip, "clip (Optional)");
        Invariants.present(precision, "precision");
        Invariants.present(source, "source");
        Invariants.present(pos, "pos");
        Invariants.positive(batch, "batch");
        parameters = List.copyOf(parameters);
        String where = "model " + name + ": ";
        boolean seq2seq = mode == SequenceMode.SEQ2SEQ;
        Invariants.require(encoder.isPresent() == seq2seq, where + "an encoder exists exactly in seq2seq, mode", mode);
        Invariants.require(stack.prefix().equals(seq2seq ? "decoder." : ""), where + "stack prefix", stack.prefix());
        Invariants.require(encoder.map(e -> e.prefix().equals("encoder.")).orElse(true), where + "encoder prefix");
        Invariants.require(head.prefix().equals(stack.prefix()), where + "head prefix", head.prefix(), "in stack",
                stack.prefix());
        Invariants.require(head.inputWidth() == stack.top().outputWidth(), where + "head reads", head.inputWidth(),
                "values but the top layer has", stack.top().outputWidth());
        int feedback = mode == SequenceMode.ONE_TO_MANY ? head.outputs() : 0;
        Invariants.require(stack.layers().get(0).inputWidth() == stack.input().width() + feedback,
                where + "layer 0 reads", stack.layers().get(0).inputWidth(), "values per step, expected",
                stack.input().width() + feedback);
        encoder.ifPresent(e -> Invariants.require(e.layers().get(0).inputWidth() == e.input().width(),
                where + "encoder layer 0 reads", e.layers().get(0).inputWidth(), "values, its input has",
                e.input().width()));
        Invariants.require(loss != LossKind.CROSS_ENTROPY || head.activation() == HeadActivation.SOFTMAX,
                where + "cross_entropy needs a softmax head, not", head.activation());
        Invariants.require(loss != LossKind.BCE || head.activation() == HeadActivation.SIGMOID,
                where + "bce needs a sigmoid head, not", head.activation());
        Invariants.require(mode != SequenceMode.ONE_TO_ONE || stack.steps() == 1, where + "one_to_one has 1 step, not",
                stack.steps());
        Invariants.require(mode != SequenceMode.ONE_TO_MANY || !stack.input().isTokens(),
                where + "one_to_many reads features");
        if (seq2seq) {
            Stack enc = encoder.get();
            Invariants.require(enc.input().isTokens() && stack.input().isTokens(), where + "seq2seq reads tokens");
            Invariants.require(head.outputs() == stack.input().vocab(), where + "the decoder head has", head.outputs(),
                    "outputs for a vocabulary of", stack.input().vocab());
            Invariants.require(loss == LossKind.CROSS_ENTROPY, where + "seq2seq trains with cross_entropy, not", loss);
            Invariants.require(enc.layers().size() == stack.layers().size(), where + "encoder and decoder layer counts",
                    enc.layers().size(), stack.layers().size());
            for (int l = 0; l < enc.layers().size(); l++) {
                Layer e = enc.layers().get(l);
                Layer d = stack.layers().get(l);
                Invariants.require(e.hidden() == d.hidden() && e.cell().keyword().equals(d.cell().keyword()),
                        where + "encoder layer", l, e.cell(), e.hidden(), "cannot seed decoder layer", d.cell(),
                        d.hidden());
            }
        }
        long offset = 0;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ParamSpec p : parameters) {
            Invariants.require(names.add(p.name()), where + "parameter", p.name(), "appears twice");
            Invariants.require(p.offset() == offset, where + "parameter", p.name(), "starts at", p.offset(),
                    "instead of", offset);
            offset += p.size();
        }
        Invariants.require(offset >= 1 && offset <= MAX_PARAMETERS, where + offset
                + " parameters; one model has 1 to", MAX_PARAMETERS);
    }

    /** Steps of the output sequence: 1 for one_to_one and many_to_one, else the (decoder) stack's T. */
    public int outputSteps() {
        return switch (mode) {
            case ONE_TO_ONE, MANY_TO_ONE -> 1;
            case ONE_TO_MANY, MANY_TO_MANY, SEQ2SEQ -> stack.steps();
        };
    }

    /** Total trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (ParamSpec p : parameters) {
            n += p.size();
        }
        return n;
    }

    public Optional<ParamSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Fully-qualified name of the generated class. */
    public String qualifiedName() {
        return packageName.isEmpty() ? name : packageName + "." + name;
    }
}
