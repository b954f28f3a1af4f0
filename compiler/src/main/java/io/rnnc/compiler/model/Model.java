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

    public Model {
        parameters = List.copyOf(parameters);
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
