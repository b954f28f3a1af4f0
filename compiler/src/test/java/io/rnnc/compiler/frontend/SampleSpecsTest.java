package io.rnnc.compiler.frontend;

import static io.rnnc.compiler.frontend.Specs.assertParam;
import static io.rnnc.compiler.frontend.Specs.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample specs in samples/ parse to exactly the networks they describe. */
class SampleSpecsTest {

    private static Model sample(String path) {
        return only(Rnnc.parse(Specs.SAMPLES.resolve(path)));
    }

    @Test
    void everySampleParsesCleanlyWithItsFileNameAsPurpose() {
        List<Path> files = Specs.sampleFiles();
        // the MNIST three, the four language examples (specs/), and the eight specs of the sample folders (issue 15)
        assertEquals(15, files.size(), files::toString);
        for (Path f : files) {
            ParseResult r = Rnnc.parse(f);
            assertFalse(r.hasErrors(), r::render);
            assertTrue(r.diagnostics().isEmpty(), r::render);
            assertEquals(1, r.models().size(), f::toString);
            assertTrue(r.models().get(0).packageName().startsWith("io.rnnc.samples"), f::toString);
        }
    }

    @Test
    void seedModel() {
        Model m = sample("mnist/mnist_rnn.rnn");
        assertEquals("io.rnnc.samples.mnist.MnistRnn", m.qualifiedName());
        assertEquals(SequenceMode.MANY_TO_ONE, m.mode());
        assertTrue(m.encoder().isEmpty());
        assertEquals(InputKind.FEATURES, m.stack().input().kind());
        assertEquals(28, m.stack().input().size());
        assertEquals(28, m.stack().steps());
        assertEquals(2, m.stack().layers().size());
        for (int l = 0; l < 2; l++) {
            assertEquals(CellType.RNN_TANH, m.stack().layers().get(l).cell());
            assertEquals(100, m.stack().layers().get(l).hidden());
        }
        assertEquals(28, m.stack().layers().get(0).inputWidth());
        assertEquals(100, m.stack().layers().get(1).inputWidth());
        assertEquals(10, m.head().outputs());
        assertEquals(HeadActivation.SOFTMAX, m.head().activation());
        assertEquals(LossKind.CROSS_ENTROPY, m.loss());
        assertEquals(OptimizerSpec.Kind.ADAM, m.optimizer().kind());
        assertEquals(0.001, m.optimizer().lr());
        assertEquals(0.9, m.optimizer().beta1());
        assertEquals(0.999, m.optimizer().beta2());
        assertEquals(1e-8, m.optimizer().eps());
        assertEquals(0.0, m.optimizer().weightDecay());
        assertTrue(m.clip().isEmpty());
        assertEquals(64, m.batch());
        assertEquals(0L, m.seed());
        assertEquals(Precision.FLOAT32, m.precision());
        assertEquals(List.of("rnn.weight_ih_l0 [100, 28]", "rnn.weight_hh_l0 [100, 100]", "rnn.bias_ih_l0 [100]",
                        "rnn.bias_hh_l0 [100]", "rnn.weight_ih_l1 [100, 100]", "rnn.weight_hh_l1 [100, 100]",
                        "rnn.bias_ih_l1 [100]", "rnn.bias_hh_l1 [100]", "fc.weight [10, 100]", "fc.bias [10]"),
                m.parameters().stream().map(ParamSpec::toString).toList());
        assertEquals(2800 + 10000 + 200 + 10000 + 10000 + 200 + 1000 + 10, m.parameterCount());
        // PyTorch's default init: U(-1/sqrt(hidden), 1/sqrt(hidden)) everywhere, hidden = 100 for fc too.
        for (ParamSpec p : m.parameters()) {
            assertEquals(ParamSpec.Init.UNIFORM, p.init());
            assertEquals(0.1, p.bound(), 1e-15, p.name());
        }
        // Positions point into the file; the source quotes the model block.
        assertEquals(5, m.pos().line());
        assertEquals(7, m.pos().column());
        assertTrue(m.source().startsWith("model MnistRnn {") && m.source().endsWith("}"), m.source());
        assertEquals(8, m.stack().layers().get(0).pos().line());
    }

    @Test
    void lstmTwin() {
        Model m = sample("mnist/mnist_lstm.rnn");
        assertEquals("io.rnnc.samples.mnist.MnistLstm", m.qualifiedName());
        assertEquals(CellType.LSTM, m.stack().layers().get(1).cell());
        assertParam(m, "rnn.weight_ih_l0", 400, 28);
        assertParam(m, "rnn.weight_hh_l0", 400, 100);
        assertParam(m, "rnn.bias_ih_l1", 400);
        assertParam(m, "fc.weight", 10, 100);
        assertEquals(11200 + 40000 + 800 + 40000 + 40000 + 800 + 1010, m.parameterCount());
    }

    @Test
    void gruTwin() {
        Model m = sample("mnist/mnist_gru.rnn");
        assertEquals("io.rnnc.samples.mnist.MnistGru", m.qualifiedName());
        assertEquals(CellType.GRU, m.stack().layers().get(0).cell());
        assertParam(m, "rnn.weight_ih_l0", 300, 28);
        assertParam(m, "rnn.weight_hh_l1", 300, 100);
        assertEquals(8400 + 30000 + 600 + 30000 + 30000 + 600 + 1010, m.parameterCount());
    }

    @Test
    void charLstm() {
        Model m = sample("specs/char_lstm.rnn");
        assertEquals("io.rnnc.samples.CharLstm", m.qualifiedName());
        assertEquals(SequenceMode.MANY_TO_MANY, m.mode());
        assertEquals(InputKind.TOKENS_EMBED, m.stack().input().kind());
        assertEquals(96, m.stack().input().vocab());
        assertEquals(32, m.stack().input().embed());
        assertEquals(100, m.outputSteps());
        assertEquals(List.of(CellType.LSTM, CellType.GRU), m.stack().layers().stream().map(l -> l.cell()).toList());
        assertParam(m, "embedding.weight", 96, 32);
        assertEquals(ParamSpec.Init.NORMAL, m.parameter("embedding.weight").orElseThrow().init());
        assertParam(m, "rnn.weight_ih_l0", 1024, 32);
        assertParam(m, "rnn.weight_hh_l0", 1024, 256);
        assertParam(m, "rnn.weight_ih_l1", 384, 256);
        assertParam(m, "rnn.weight_hh_l1", 384, 128);
        assertParam(m, "fc.weight", 96, 128);
        assertEquals(2e-3, m.optimizer().lr());
        assertEquals("embedding.weight", m.parameters().get(0).name());
    }

    @Test
    void digitDrawerFeedsItsOutputBack() {
        Model m = sample("specs/digit_drawer.rnn");
        assertEquals(SequenceMode.ONE_TO_MANY, m.mode());
        assertEquals(28, m.outputSteps());
        assertEquals(10 + 28, m.stack().layers().get(0).inputWidth());
        assertParam(m, "rnn.weight_ih_l0", 512, 38);
        assertParam(m, "fc.weight", 28, 128);
        assertEquals(HeadActivation.SIGMOID, m.head().activation());
        assertEquals(LossKind.BCE, m.loss());
        assertEquals(OptimizerSpec.adamDefaults(m.optimizer().pos()), m.optimizer());
    }

    @Test
    void spell2SoundIsAnEncoderDecoder() {
        Model m = sample("specs/spell_to_sound.rnn");
        assertEquals(SequenceMode.SEQ2SEQ, m.mode());
        assertEquals("encoder.", m.encoder().orElseThrow().prefix());
        assertEquals("decoder.", m.stack().prefix());
        assertEquals("decoder.", m.head().prefix());
        assertEquals(24, m.encoder().orElseThrow().steps());
        assertEquals(24, m.outputSteps());
        assertParam(m, "encoder.embedding.weight", 30, 32);
        assertParam(m, "encoder.rnn.weight_ih_l0", 512, 32);
        assertParam(m, "encoder.rnn.weight_hh_l0", 512, 128);
        assertParam(m, "decoder.embedding.weight", 72, 32);
        assertParam(m, "decoder.rnn.weight_ih_l0", 512, 32);
        assertParam(m, "decoder.fc.weight", 72, 128);
        assertParam(m, "decoder.fc.bias", 72);
        assertEquals(0.002, m.optimizer().lr());
    }

    @Test
    void xorOnOneLine() {
        Model m = sample("specs/xor.rnn");
        assertEquals(SequenceMode.ONE_TO_ONE, m.mode());
        assertEquals(1, m.stack().steps());
        assertParam(m, "rnn.weight_ih_l0", 8, 2);
        assertParam(m, "rnn.weight_hh_l0", 8, 8);
        assertParam(m, "fc.weight", 1, 8);
        assertEquals(OptimizerSpec.Kind.SGD, m.optimizer().kind());
        assertEquals(0.5, m.optimizer().lr());
        assertEquals(0.9, m.optimizer().momentum());
        assertEquals(0.0, m.optimizer().weightDecay());
        assertEquals(4, m.pos().line());
    }

    @Test
    void issueSeedModelWithEveryStatement() {
        String spec = """
                model MnistRnn {
                    input 28
                    sequence 28 many_to_one
                    rnn 100 relu
                    rnn 100
                    dense 10 softmax
                    loss cross_entropy
                    optimizer adam lr=0.01 beta1=0.8 beta2=0.99 eps=1e-6 weight_decay=0.0001
                    clip norm 5.0
                    batch 32
                    seed 42
                    precision float64
                }
                """;
        Model m = only(Rnnc.parse("seed.rnn", spec));
        assertEquals("", m.packageName());
        assertEquals(CellType.RNN_RELU, m.stack().layers().get(0).cell());
        assertEquals(CellType.RNN_TANH, m.stack().layers().get(1).cell());
        assertEquals(new OptimizerSpec(OptimizerSpec.Kind.ADAM, 0.01, 0.8, 0.99, 1e-6, 1e-4, 0.0,
                m.optimizer().pos()), m.optimizer());
        assertEquals(ClipSpec.Kind.NORM, m.clip().orElseThrow().kind());
        assertEquals(5.0, m.clip().orElseThrow().threshold());
        assertEquals(32, m.batch());
        assertEquals(42L, m.seed());
        assertEquals(Precision.FLOAT64, m.precision());
        assertEquals(spec.strip(), m.source());
    }
}
