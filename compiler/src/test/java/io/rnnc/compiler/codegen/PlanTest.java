package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.plan.Buffer;
import io.rnnc.compiler.plan.Constant;
import io.rnnc.compiler.plan.GenerationPlan;
import io.rnnc.compiler.plan.LayerPlan;
import io.rnnc.compiler.plan.ParamOffset;
import io.rnnc.compiler.plan.Planner;
import io.rnnc.compiler.plan.Size;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The plan's values: sizes that evaluate as they read, offsets named from structure, buffers by cell. */
class PlanTest {

    @Test
    void sizesEvaluateWithJavasPrecedenceAndPrintTheSameExpression() {
        Size a = new Constant("A", 2, null).size();
        Size b = new Constant("B2", 3, null).size();
        Size c = new Constant("C", 4, null).size();
        Size sumFirst = a.plus(b.times(c));
        assertEquals(14, sumFirst.value(), "A + B2 * C with 2, 3, 4");
        assertEquals("A + B2 * C", sumFirst.toString());
        Size productOfSum = a.plus(b).times(c);
        assertEquals(20, productOfSum.value());
        assertEquals("(A + B2) * C", productOfSum.toString());
        assertEquals("(A + 1) * B2 * C", a.plus(1).times(b).times(c).toString());
        assertEquals(36, a.plus(1).times(b).times(c).value());
    }

    @Test
    void offsetsAreNamedFromTheNetworksStructureInStateDictOrder() {
        GenerationPlan plan = Planner.plan(SampleSpecs.spell2Sound());
        List<ParamOffset> offsets = plan.offsets();
        assertEquals(plan.model().parameters().size(), offsets.size());
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(plan.model().parameters().get(i), offsets.get(i).param(), "state_dict order");
        }
        assertEquals("ENC_EMB", constantOf(plan, "encoder.embedding.weight"));
        assertEquals("ENC_W_IH0", constantOf(plan, "encoder.rnn.weight_ih_l0"));
        assertEquals("DEC_B_HH0", constantOf(plan, "decoder.rnn.bias_hh_l0"));
        assertEquals("DEC_FC_W", constantOf(plan, "decoder.fc.weight"));
    }

    private static String constantOf(GenerationPlan plan, String param) {
        return plan.offsets().stream().filter(o -> o.param().name().equals(param)).findFirst().orElseThrow().constant();
    }

    @Test
    void eachLayerHoldsTheBuffersItsCellDeclares() {
        assertEquals(Set.of("h", "gates", "dh", "dhNext"), stems(CellType.RNN_TANH));
        assertEquals(Set.of("h", "c", "gates", "tc", "dh", "dhNext", "dcNext"), stems(CellType.LSTM));
        assertEquals(Set.of("h", "gates", "hn", "rec", "dRec", "dh", "dhNext"), stems(CellType.GRU));
    }

    private static Set<String> stems(CellType cell) {
        var model = TestModels.builder("P" + cell.fixtureName().replace("_", "")).features(3).steps(4).layer(cell, 5)
                .head(2, io.rnnc.compiler.model.HeadActivation.SOFTMAX, io.rnnc.compiler.model.LossKind.CROSS_ENTROPY)
                .batch(40).build();
        LayerPlan lp = Planner.plan(model).stack().layers().get(0);
        assertEquals(cell, lp.cell().type());
        return lp.buffers().keySet();
    }

    @Test
    void trainingBuffersArePerChunkAndGenerationBuffersAreNot() {
        GenerationPlan plan = Planner.plan(SampleSpecs.charLstm());
        Set<String> shared = plan.buffers().stream().filter(b -> !b.perChunk()).map(Buffer::name)
                .collect(Collectors.toSet());
        // samples/specs/char_lstm.rnn: an LSTM layer 0 (h and c), a GRU layer 1 (h and the recurrent side apart)
        assertTrue(shared.containsAll(Set.of("genH0", "genC0", "genGates0", "genH1", "genRec1")), shared::toString);
        assertFalse(shared.contains("genC1"), "a GRU layer carries no c");
        assertTrue(shared.stream().allMatch(n -> n.startsWith("gen") || n.equals("stateTmp")), shared::toString);
        Buffer h0 = plan.buffers().stream().filter(b -> b.name().equals("h0")).findFirst().orElseThrow();
        assertTrue(h0.perChunk());
        assertEquals("(T + 1) * CHUNK * H0", h0.size().toString());
        long expected = (plan.constant("T").value() + 1) * plan.constant("CHUNK").value() * plan.constant("H0").value();
        assertEquals(expected, h0.elements());
        assertEquals((100 + 1) * plan.constant("CHUNK").value() * 256, h0.elements(), "T = 100, H0 = 256 in the sample");
        assertFalse(plan.generation().orElseThrow().beams(), "a token language model has no beam search");
    }
}
