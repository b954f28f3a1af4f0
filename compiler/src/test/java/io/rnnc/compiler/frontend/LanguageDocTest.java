package io.rnnc.compiler.frontend;

import static io.rnnc.compiler.frontend.Specs.assertParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.Stack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/language.md true: every ```rnn example parses without a diagnostic, and each model it
 * defines has the sizes the text promises (checked here per model, and its parameter count against an
 * independent count from the PyTorch formulas).
 */
class LanguageDocTest {

    private static final Pattern FENCE = Pattern.compile("(?m)^```rnn\\n(.*?)^```", Pattern.DOTALL);

    /** What each documented model must be; a documented model missing here fails the test. */
    private static final Map<String, Consumer<Model>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("MnistRnn", m -> {
            assertEquals(SequenceMode.MANY_TO_ONE, m.mode());
            assertParam(m, "rnn.weight_ih_l0", 100, 28);
            assertParam(m, "rnn.weight_ih_l1", 100, 100);
            assertParam(m, "fc.weight", 10, 100);
            assertEquals(34210, m.parameterCount());
            assertEquals(64, m.batch());
        });
        EXPECTED.put("SineLstm", m -> {
            assertEquals("com.example.nets.SineLstm", m.qualifiedName());
            assertEquals(SequenceMode.MANY_TO_MANY, m.mode());
            assertParam(m, "rnn.weight_ih_l0", 128, 1);
            assertEquals(OptimizerSpec.adamDefaults(m.optimizer().pos()), m.optimizer());
        });
        EXPECTED.put("SineGru", m -> {
            assertEquals("com.example.nets.SineGru", m.qualifiedName());
            assertParam(m, "rnn.weight_hh_l0", 96, 32);
            assertEquals(0.01, m.optimizer().lr());
            assertEquals(HeadActivation.LINEAR, m.head().activation());
        });
        EXPECTED.put("TokenTagger", m -> {
            assertParam(m, "embedding.weight", 5000, 64);
            assertParam(m, "rnn.weight_ih_l0", 384, 64);
            assertEquals(40, m.outputSteps());
        });
        EXPECTED.put("OneHotChars", m -> {
            assertTrue(m.parameter("embedding.weight").isEmpty());
            assertParam(m, "rnn.weight_ih_l0", 192, 40);
        });
        EXPECTED.put("Xor", m -> {
            assertEquals(SequenceMode.ONE_TO_ONE, m.mode());
            assertEquals(1, m.stack().steps());
            assertParam(m, "rnn.weight_ih_l0", 8, 2);
            assertEquals(OptimizerSpec.Kind.SGD, m.optimizer().kind());
            assertEquals(0.9, m.optimizer().momentum());
        });
        EXPECTED.put("DigitDrawer", m -> {
            assertEquals(SequenceMode.ONE_TO_MANY, m.mode());
            assertParam(m, "rnn.weight_ih_l0", 512, 38);
            assertEquals(28, m.outputSteps());
        });
        EXPECTED.put("Sentiment", m -> {
            assertEquals(SequenceMode.MANY_TO_ONE, m.mode());
            assertParam(m, "embedding.weight", 20000, 100);
            assertParam(m, "rnn.weight_ih_l0", 192, 100);
            assertEquals(1, m.outputSteps());
        });
        EXPECTED.put("CharLstm", m -> {
            assertParam(m, "rnn.weight_ih_l0", 1024, 32);
            assertParam(m, "rnn.weight_ih_l1", 384, 256);
            assertParam(m, "fc.weight", 96, 128);
        });
        EXPECTED.put("Stacked", m -> {
            assertEquals(List.of(CellType.RNN_RELU, CellType.LSTM, CellType.GRU),
                    m.stack().layers().stream().map(Layer::cell).toList());
            assertParam(m, "rnn.weight_ih_l1", 256, 64);
            assertParam(m, "rnn.weight_ih_l2", 96, 64);
            assertParam(m, "fc.weight", 4, 32);
        });
        EXPECTED.put("Tagger", m -> {
            assertEquals(SequenceMode.MANY_TO_MANY, m.mode());
            assertTrue(m.stack().layers().get(0).bidirectional());
            assertParam(m, "rnn.weight_ih_l0", 512, 64);
            assertParam(m, "rnn.weight_ih_l0_reverse", 512, 64);
            assertParam(m, "rnn.bias_hh_l0_reverse", 512);
            assertParam(m, "rnn.weight_ih_l1", 192, 256);
            assertParam(m, "fc.weight", 17, 64);
        });
        EXPECTED.put("DeepChar", m -> {
            assertEquals(0.2, m.stack().dropout());
            assertEquals(2, m.stack().layers().size());
        });
        EXPECTED.put("Shakespeare", m -> {
            assertTrue(m.stack().stateful());
            assertEquals(SequenceMode.MANY_TO_MANY, m.mode());
        });
        EXPECTED.put("Forecast", m -> {
            assertEquals(HeadActivation.TANH, m.head().activation());
            assertEquals(LossKind.MSE, m.loss());
            assertParam(m, "fc.weight", 1, 64);
        });
        EXPECTED.put("AdamTuned", m -> assertEquals(new OptimizerSpec(OptimizerSpec.Kind.ADAM, 0.0005, 0.85, 0.995,
                1e-7, 0.0001, 0.0, m.optimizer().pos()), m.optimizer()));
        EXPECTED.put("SgdMomentum", m -> assertEquals(new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.1, 0, 0, 0,
                0.0005, 0.9, m.optimizer().pos()), m.optimizer()));
        EXPECTED.put("Clipped", m -> {
            assertEquals(ClipSpec.Kind.NORM, m.clip().orElseThrow().kind());
            assertEquals(5.0, m.clip().orElseThrow().threshold());
        });
        EXPECTED.put("ClippedByValue", m -> {
            assertEquals(ClipSpec.Kind.VALUE, m.clip().orElseThrow().kind());
            assertEquals(1.0, m.clip().orElseThrow().threshold());
        });
        EXPECTED.put("GradCheck", m -> {
            assertEquals(Precision.FLOAT64, m.precision());
            assertEquals(2, m.batch());
            assertEquals(42L, m.seed());
        });
        EXPECTED.put("Spell2Sound", m -> {
            assertEquals(SequenceMode.SEQ2SEQ, m.mode());
            assertParam(m, "encoder.embedding.weight", 30, 32);
            assertParam(m, "decoder.rnn.weight_hh_l0", 512, 128);
            assertParam(m, "decoder.fc.weight", 72, 128);
        });
    }

    @Test
    void everyExampleParsesToTheModelTheDocDescribes() {
        String doc = Specs.read(Specs.DOCS.resolve("language.md"));
        Matcher m = FENCE.matcher(doc);
        List<String> seen = new ArrayList<>();
        int examples = 0;
        while (m.find()) {
            examples++;
            String example = m.group(1);
            ParseResult r = Rnnc.parse("language.md#" + examples, example);
            assertFalse(r.hasErrors(), () -> example + "\n" + r.render());
            assertTrue(r.diagnostics().isEmpty(), () -> example + "\n" + r.render());
            assertFalse(r.models().isEmpty(), example);
            for (Model model : r.models()) {
                Consumer<Model> check = EXPECTED.get(model.name());
                assertNotNull(check, "the doc's model " + model.name() + " has no expectations in this test");
                check.accept(model);
                assertEquals(independentCount(model), model.parameterCount(), model.name());
                seen.add(model.name());
            }
        }
        assertTrue(examples >= 15, "only " + examples + " examples");
        assertEquals(new TreeSet<>(EXPECTED.keySet()), new TreeSet<>(seen), "doc and test disagree");
        assertEquals(seen.size(), new TreeSet<>(seen).size(), "model names repeat across the doc");
    }

    /** PyTorch's parameter count, written out independently of ModelAssembler. */
    private static long independentCount(Model m) {
        long n = 0;
        List<Stack> stacks = new ArrayList<>();
        m.encoder().ifPresent(stacks::add);
        stacks.add(m.stack());
        for (Stack s : stacks) {
            long in = switch (s.input().kind()) {
                case FEATURES -> s.input().size();
                case TOKENS -> s.input().vocab();
                case TOKENS_EMBED -> s.input().embed();
            };
            if (s.input().embed() > 0) {
                n += (long) s.input().vocab() * s.input().embed();
            }
            if (m.mode() == SequenceMode.ONE_TO_MANY) {
                in += m.head().outputs();
            }
            for (Layer l : s.layers()) {
                int gates = switch (l.cell()) {
                    case RNN_TANH, RNN_RELU -> 1;
                    case LSTM -> 4;
                    case GRU -> 3;
                };
                int directions = l.bidirectional() ? 2 : 1; // PyTorch: a second full set per direction
                n += (long) directions * gates * l.hidden() * (in + l.hidden() + 2);
                in = (long) directions * l.hidden();
            }
        }
        n += (long) m.head().outputs() * (m.stack().top().hidden() + 1);
        return n;
    }
}
