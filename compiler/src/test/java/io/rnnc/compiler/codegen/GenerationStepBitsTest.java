package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.generate.StepModel;
import io.rnnc.runtime.init.Rng;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * The generation step and the training forward are one cell maths: fed the same tokens from the same (zero)
 * state, k generation steps leave exactly the bits the training forward has in h (and c) after step k, for
 * every cell, both precisions, one-hot and embedded tokens, and a batch of several rows.
 */
class GenerationStepBitsTest {

    static final int T = 7;
    static final int V = 9;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (CellType cell : CellType.values()) {
            for (Precision p : Precision.values()) {
                b.add(Arguments.of(cell, p, true));
                b.add(Arguments.of(cell, p, false));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} embedded={2}")
    @MethodSource("cases")
    void generationStepGivesTheTrainingForwardsBits(CellType cell, Precision precision, boolean embedded)
            throws ReflectiveOperationException {
        TestModels.Builder builder = TestModels.builder("Bits" + cell.fixtureName().replace("_", "") + precision.keyword()
                        .replace("float", "F") + (embedded ? "E" : "O"))
                .mode(SequenceMode.MANY_TO_MANY).steps(T).layer(cell, 21).layer(cell, 18)
                .head(V, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(3).seed(17).precision(precision);
        RnnModel net = TestModels.instantiate(embedded ? builder.embedded(V, 5).build() : builder.tokens(V).build());
        int rows = 3;
        Batch batch = Batch.forModel(net.info(), rows);
        Rng rng = new Rng(5);
        for (int i = 0; i < rows * T; i++) {
            batch.tokens[i] = rng.nextInt(V);
        }
        net.forward(batch);

        StepModel gen = (StepModel) net;
        gen.start(rows, null, null);
        String[] states = cell == CellType.LSTM ? new String[] {"h", "c"} : new String[] {"h"};
        int[] widths = {21, 18};
        int compared = 0;
        for (int t = 0; t < T; t++) {
            for (int r = 0; r < rows; r++) {
                gen.feedToken(r, batch.tokens[r * T + t]);
            }
            gen.step(rows);
            compareLogits(net, t, rows);
            for (int l = 0; l < 2; l++) {
                for (String s : states) {
                    Object trained = field(net, s + l);
                    Object generated = field(net, "gen" + s.toUpperCase() + l);
                    int width = widths[l];
                    // training slot t + 1 holds the state after step t, rows time-major
                    double[] want = slice(trained, (t + 1) * rows * width, rows * width);
                    double[] got = slice(generated, 0, rows * width);
                    assertArrayEquals(want, got, 0.0, cell + " " + precision + " layer " + l + " " + s + " step " + t);
                    compared++;
                }
            }
        }
        assertEquals(T * 2 * states.length, compared);
    }

    private static void compareLogits(Object net, int t, int rows) throws ReflectiveOperationException {
        // the head of a many_to_many model runs at every step: logits [T, n, V] time-major, genLogits [rows, V]
        double[] want = slice(field(net, "logits"), t * rows * V, rows * V);
        double[] got = slice(field(net, "genLogits"), 0, rows * V);
        assertArrayEquals(want, got, 0.0, "logits at step " + t);
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    /** The elements as doubles: a float widens exactly, so equal doubles mean equal float bits. */
    private static double[] slice(Object array, int from, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = ((Number) Array.get(array, from + i)).doubleValue();
        }
        return d;
    }

}
