package io.rnnc.compiler.codegen;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;

/** The models tests share: the seed model and sample-like specs. */
final class SampleSpecs {

    static final String SEED_SPEC = """
            model MnistRnn {
              input 28            // one image row per step
              sequence 28 many_to_one
              rnn 100
              rnn 100
              dense 10 softmax
              loss cross_entropy
              optimizer adam lr=1e-3
              batch 64
              seed 42
            }
            """;

    private SampleSpecs() {
    }

    /** PyTorch's MNIST RNN: 2 x rnn 100 (tanh), 28 steps of 28 pixels, dense 10 softmax, cross-entropy, Adam 1e-3. */
    static Model seedModel() {
        return TestModels.builder("MnistRnn").pkg("io.rnnc.samples.mnist").features(28).steps(28)
                .layer(CellType.RNN_TANH, 100).layer(CellType.RNN_TANH, 100)
                .head(10, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(64).seed(42).source(SEED_SPEC).build();
    }

    /** A character-level LSTM language model over embedded tokens. */
    static Model charLstm() {
        return TestModels.builder("CharLstm").pkg("io.rnnc.samples.chars").mode(SequenceMode.MANY_TO_MANY)
                .embedded(65, 32).steps(64).layer(CellType.LSTM, 256).layer(CellType.LSTM, 256)
                .head(65, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(32).clipNorm(5).build();
    }

    /** GRU over one-hot tokens, classification. */
    static Model gruTokens() {
        return TestModels.builder("GruTokens").pkg("io.rnnc.samples.tok").tokens(40).steps(50)
                .layer(CellType.GRU, 128).layer(CellType.GRU, 64)
                .head(5, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(16).build();
    }

    /** one_to_many with feedback, as the DigitDrawer sample. */
    static Model digitDrawer() {
        return TestModels.builder("DigitDrawer").pkg("io.rnnc.samples.draw").mode(SequenceMode.ONE_TO_MANY)
                .features(10).steps(28).layer(CellType.LSTM, 128)
                .head(28, HeadActivation.SIGMOID, LossKind.BCE).batch(32).build();
    }

    /** seq2seq, as the Spell2Sound sample. */
    static Model spell2Sound() {
        return TestModels.builder("Spell2Sound").pkg("io.rnnc.samples.s2s").mode(SequenceMode.SEQ2SEQ)
                .encoder(io.rnnc.compiler.model.InputSpec.embedded(30, 16, io.rnnc.compiler.model.SourcePos.NONE), 16)
                .embedded(45, 16).steps(16).layer(CellType.GRU, 128).layer(CellType.GRU, 128)
                .head(45, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(32).build();
    }

    /** one_to_one, as the Xor sample. */
    static Model xor() {
        return TestModels.builder("Xor").pkg("io.rnnc.samples.xor").mode(SequenceMode.ONE_TO_ONE).features(2).steps(1)
                .layer(CellType.RNN_TANH, 8).head(1, HeadActivation.SIGMOID, LossKind.BCE).batch(4).build();
    }

    /** The large spec of issue 4: 8 layers of 1024, 1000 steps (generated and compiled, never trained). */
    static Model large(CellType cell) {
        var b = TestModels.builder("Large" + cell.fixtureName().replace("_", "")).pkg("gen.large")
                .mode(SequenceMode.MANY_TO_MANY).features(64).steps(1000)
                .head(100, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(8);
        for (int l = 0; l < 8; l++) {
            b.layer(cell, 1024);
        }
        return b.build();
    }
}
