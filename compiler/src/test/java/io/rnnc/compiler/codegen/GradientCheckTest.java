package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
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
 * float64 gradient checks (issue 4): every cell, 1-3 layers of different widths, many_to_one and
 * many_to_many, all three losses; analytic vs central differences on every parameter element.
 */
class GradientCheckTest {

    static final double LIMIT = 1e-6;
    private static final List<HeadActivation> MSE_HEADS = List.of(
            HeadActivation.LINEAR, HeadActivation.TANH, HeadActivation.SIGMOID, HeadActivation.SOFTMAX);
    private static double worstSeen;
    private static String worstWhere = "";

    static List<Arguments> specs() {
        List<Arguments> out = new ArrayList<>();
        int combination = 0;
        for (CellType cell : CellType.values()) {
            for (SequenceMode mode : List.of(SequenceMode.MANY_TO_ONE, SequenceMode.MANY_TO_MANY)) {
                for (LossKind loss : LossKind.values()) {
                    // 1-3 layers, rotating so that every loss meets every depth
                    HeadActivation act = switch (loss) {
                        case CROSS_ENTROPY -> HeadActivation.SOFTMAX;
                        case BCE -> HeadActivation.SIGMOID;
                        // mse on the logits and on each activated output (softmax as Keras does)
                        case MSE -> MSE_HEADS.get(combination % MSE_HEADS.size());
                    };
                    out.add(Arguments.of(cell, mode, loss, act, 1 + (combination + loss.ordinal()) % 3));
                }
                combination++;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} layers={4}")
    @MethodSource("specs")
    void analyticGradientsMatchFiniteDifferences(CellType cell, SequenceMode mode, LossKind loss, HeadActivation act,
                                                 int layers) {
        int[] widths = {5, 3, 4};
        var b = TestModels.builder("Gc" + cell.fixtureName().replace("_", "") + mode.ordinal() + loss.ordinal()
                        + act.ordinal())
                .float64().mode(mode).features(3).steps(4).head(3, act, loss).batch(4)
                .seed(cell.ordinal() * 100 + mode.ordinal() * 10 + loss.ordinal());
        for (int l = 0; l < layers; l++) {
            b.layer(cell, widths[l]);
        }
        Model model = b.build();
        RnnModel net = TestModels.instantiate(model);
        // three of four rows: the short-batch path must give exact gradients too
        Batch batch = GradCheck.randomBatch(net.info(), 3, model.seed() + 5);
        GradCheck.Result r = GradCheck.check(model, net, batch, 0);
        record(model.name() + ": " + r, r.worst());
        assertTrue(r.worst() <= LIMIT, model.name() + ": " + r);
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
