package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.DenseHead;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ModelAssembler;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.ModelAssembler.StackDecl;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.compiler.model.Stack;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The model's records refuse values no validated spec can produce: a bug in rnnc, an IllegalArgumentException. */
class ModelInvariantsTest {

    private static final SourcePos AT = SourcePos.NONE;

    private static Model model(SequenceMode mode, InputSpec input, int steps, int outputs, HeadActivation act,
                               LossKind loss) {
        return ModelAssembler.assemble("p", "M", mode, Optional.empty(),
                new StackDecl(input, steps, List.of(new LayerDecl(CellType.LSTM, 8, AT), new LayerDecl(CellType.GRU, 6,
                        AT)), AT), outputs, act, AT, loss, OptimizerSpec.adamDefaults(AT), Optional.empty(), 4, 0,
                Precision.FLOAT32, "", AT);
    }

    private static Model seq2seq(int decoderVocab, int outputs) {
        List<LayerDecl> layers = List.of(new LayerDecl(CellType.GRU, 8, AT));
        return ModelAssembler.assemble("p", "S", SequenceMode.SEQ2SEQ,
                Optional.of(new StackDecl(InputSpec.embedded(7, 4, AT), 5, layers, AT)),
                new StackDecl(InputSpec.tokens(decoderVocab, AT), 3, layers, AT), outputs, HeadActivation.SOFTMAX, AT,
                LossKind.CROSS_ENTROPY, OptimizerSpec.adamDefaults(AT), Optional.empty(), 4, 0, Precision.FLOAT32, "",
                AT);
    }

    /** The same model with some fields replaced. */
    private static Model with(Model m, SequenceMode mode, Optional<Stack> encoder, Stack stack, DenseHead head,
                              LossKind loss, List<ParamSpec> params) {
        return new Model(m.packageName(), m.name(), mode, encoder, stack, head, loss, m.optimizer(), m.clip(),
                m.batch(), m.seed(), m.precision(), params, m.source(), m.pos());
    }

    private static void refused(String expected, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void assembledModelsSatisfyEveryInvariant() {
        Model m = model(SequenceMode.MANY_TO_ONE, InputSpec.features(3, AT), 5, 4, HeadActivation.SOFTMAX,
                LossKind.CROSS_ENTROPY);
        assertEquals(8, m.stack().layers().get(1).inputWidth());
        Model o2m = model(SequenceMode.ONE_TO_MANY, InputSpec.features(3, AT), 5, 4, HeadActivation.SIGMOID,
                LossKind.BCE);
        assertEquals(3 + 4, o2m.stack().layers().get(0).inputWidth());
        assertEquals(9, seq2seq(9, 9).head().outputs());
    }

    @Test
    void theLossMustSuitTheHead() {
        refused("cross_entropy needs a softmax head", () -> model(SequenceMode.MANY_TO_ONE,
                InputSpec.features(3, AT), 5, 4, HeadActivation.SIGMOID, LossKind.CROSS_ENTROPY));
        refused("bce needs a sigmoid head", () -> model(SequenceMode.MANY_TO_MANY, InputSpec.features(3, AT), 5, 4,
                HeadActivation.LINEAR, LossKind.BCE));
    }

    @Test
    void modesHaveTheShapeTheyNeed() {
        refused("one_to_one has 1 step", () -> model(SequenceMode.ONE_TO_ONE, InputSpec.features(3, AT), 2, 1,
                HeadActivation.SIGMOID, LossKind.BCE));
        refused("one_to_many reads features", () -> model(SequenceMode.ONE_TO_MANY, InputSpec.tokens(5, AT), 4, 5,
                HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY));
        refused("outputs for a vocabulary of 9", () -> seq2seq(9, 8));
        Model m = model(SequenceMode.MANY_TO_ONE, InputSpec.tokens(5, AT), 4, 5, HeadActivation.SOFTMAX,
                LossKind.CROSS_ENTROPY);
        refused("an encoder exists exactly in seq2seq", () -> with(m, SequenceMode.SEQ2SEQ, Optional.empty(),
                m.stack(), m.head(), m.loss(), m.parameters()));
    }

    @Test
    void sizesArePositiveAndLayersChain() {
        refused("layer 0 width must be at least 1", () -> new Layer(0, CellType.GRU, 0, 3, AT));
        refused("token vocabulary must be at least 1", () -> new InputSpec(InputKind.TOKENS, 0, 0, 0, AT));
        refused("feature input has no vocabulary", () -> new InputSpec(InputKind.FEATURES, 3, 5, 0, AT));
        refused("sequence length must be at least 1", () -> new Stack("", InputSpec.features(3, AT), 0,
                List.of(new Layer(0, CellType.LSTM, 4, 3, AT)), AT));
        refused("layer 1 must read layer 0", () -> new Stack("", InputSpec.features(3, AT), 2,
                List.of(new Layer(0, CellType.LSTM, 4, 3, AT), new Layer(1, CellType.LSTM, 4, 5, AT)), AT));
        refused("at least one layer", () -> new Stack("", InputSpec.features(3, AT), 2, List.of(), AT));
        refused("head outputs must be at least 1", () -> new DenseHead("", 0, 4, HeadActivation.LINEAR, AT));
        Model m = model(SequenceMode.MANY_TO_ONE, InputSpec.features(3, AT), 5, 4, HeadActivation.SOFTMAX,
                LossKind.CROSS_ENTROPY);
        refused("head reads 7 values but the top layer has 6", () -> with(m, m.mode(), m.encoder(), m.stack(),
                new DenseHead("", 4, 7, HeadActivation.SOFTMAX, AT), m.loss(), m.parameters()));
    }

    @Test
    void parametersAreUniqueAndContiguous() {
        Model m = model(SequenceMode.MANY_TO_ONE, InputSpec.features(3, AT), 5, 4, HeadActivation.SOFTMAX,
                LossKind.CROSS_ENTROPY);
        List<ParamSpec> gap = new ArrayList<>(m.parameters());
        ParamSpec last = gap.remove(gap.size() - 1);
        gap.add(new ParamSpec(last.name(), last.shape(), last.init(), last.bound(), last.offset() + 1));
        refused("starts at", () -> with(m, m.mode(), m.encoder(), m.stack(), m.head(), m.loss(), gap));
        List<ParamSpec> twice = new ArrayList<>(m.parameters());
        twice.add(new ParamSpec(last.name(), last.shape(), last.init(), last.bound(), m.parameterCount()));
        refused("appears twice", () -> with(m, m.mode(), m.encoder(), m.stack(), m.head(), m.loss(), twice));
        refused("non-empty shape of positive sizes", () -> new ParamSpec("w", List.of(3, 0), ParamSpec.Init.UNIFORM,
                0.1, 0));
    }

    @Test
    void settingsAreInTheirRanges() {
        refused("lr must be finite and > 0", () -> new OptimizerSpec(OptimizerSpec.Kind.ADAM, 0, 0.9, 0.999, 1e-8, 0,
                0, AT));
        refused("adam betas", () -> new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-3, 1, 0.999, 1e-8, 0, 0, AT));
        refused("sgd has no betas", () -> new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.1, 0.9, 0, 0, 0, 0, AT));
        refused("clip threshold", () -> new ClipSpec(ClipSpec.Kind.NORM, 0, AT));
        refused("batch must be at least 1", () -> {
            Model m = model(SequenceMode.MANY_TO_ONE, InputSpec.features(3, AT), 5, 4, HeadActivation.SOFTMAX,
                    LossKind.CROSS_ENTROPY);
            new Model(m.packageName(), m.name(), m.mode(), m.encoder(), m.stack(), m.head(), m.loss(), m.optimizer(),
                    m.clip(), 0, m.seed(), m.precision(), m.parameters(), m.source(), m.pos());
        });
    }
}
