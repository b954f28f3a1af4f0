package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * float64 gradient checks for issue 5: every sequence mode x every cell, with one-hot and embedded
 * tokens (seq2seq gradients flow from the decoder through the handed-over states into the encoder).
 */
class GradientCheckModesTest {

    private static double worstSeen;
    private static String worstWhere = "";

    enum Shape { M2O_ONE_HOT, M2M_EMBED, O2O, O2M_SOFTMAX, O2M_SIGMOID, S2S_EMBED, S2S_ONE_HOT }

    static List<Arguments> specs() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (Shape s : Shape.values()) {
                out.add(Arguments.of(cell, s));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("specs")
    void analyticGradientsMatchFiniteDifferences(CellType cell, Shape shape) {
        var b = TestModels.builder("Gm" + cell.fixtureName().replace("_", "") + shape.ordinal()).float64().batch(3)
                .seed(cell.ordinal() * 31 + shape.ordinal());
        int layers = 1 + (cell.ordinal() + shape.ordinal()) % 2;
        for (int l = 0; l < layers; l++) {
            b.layer(cell, l == 0 ? 4 : 3);
        }
        switch (shape) {
            case M2O_ONE_HOT -> b.mode(SequenceMode.MANY_TO_ONE).tokens(5).steps(4)
                    .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case M2M_EMBED -> b.mode(SequenceMode.MANY_TO_MANY).embedded(6, 3).steps(4)
                    .head(6, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case O2O -> b.mode(SequenceMode.ONE_TO_ONE).features(3).steps(1).head(2, HeadActivation.SIGMOID, LossKind.BCE);
            case O2M_SOFTMAX -> b.mode(SequenceMode.ONE_TO_MANY).features(3).steps(4)
                    .head(3, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case O2M_SIGMOID -> b.mode(SequenceMode.ONE_TO_MANY).features(2).steps(3)
                    .head(2, HeadActivation.SIGMOID, LossKind.BCE);
            case S2S_EMBED -> b.mode(SequenceMode.SEQ2SEQ).encoder(InputSpec.embedded(5, 3, SourcePos.NONE), 4)
                    .embedded(4, 2).steps(3).head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case S2S_ONE_HOT -> b.mode(SequenceMode.SEQ2SEQ).encoder(InputSpec.tokens(5, SourcePos.NONE), 3)
                    .tokens(4).steps(4).head(4, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            default -> throw new IllegalStateException();
        }
        Model model = b.build();
        RnnModel net = TestModels.instantiate(model);
        Batch batch = GradCheck.randomBatch(net.info(), 3, model.seed() + 9);
        GradCheck.Result r = GradCheck.check(model, net, batch, 0);
        record(model.name() + " (" + cell.fixtureName() + " " + shape + "): " + r, r.worst());
        assertTrue(r.worst() <= GradientCheckTest.LIMIT, model.name() + ": " + r);
    }

    static synchronized void record(String line, double worst) {
        System.out.println("GRADCHECK " + line);
        if (worst > worstSeen) {
            worstSeen = worst;
            worstWhere = line;
        }
    }

    @AfterAll
    static void summary() {
        System.out.println(String.format(Locale.ROOT, "GRADCHECK worst overall %.3g: %s", worstSeen, worstWhere));
    }
}
