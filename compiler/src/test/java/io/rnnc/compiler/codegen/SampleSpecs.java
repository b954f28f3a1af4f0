package io.rnnc.compiler.codegen;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models tests share. The samples are read from the shipped specs under {@code samples/} (one
 * source of truth: a test of "the seed model" tests what users run); the few models that are not
 * samples say so in their names.
 */
final class SampleSpecs {

    private SampleSpecs() {
    }

    /** The seed model, {@code samples/mnist/mnist_rnn.rnn}: PyTorch's MNIST RNN (2 x rnn 100, batch 64). */
    static Model seedModel() {
        return shipped("mnist/mnist_rnn.rnn");
    }

    /** The seed model's LSTM twin, {@code samples/mnist/mnist_lstm.rnn}. */
    static Model mnistLstm() {
        return shipped("mnist/mnist_lstm.rnn");
    }

    /** The seed model's GRU twin, {@code samples/mnist/mnist_gru.rnn}. */
    static Model mnistGru() {
        return shipped("mnist/mnist_gru.rnn");
    }

    /** {@code samples/specs/char_lstm.rnn}: embedded tokens, lstm then gru, many_to_many. */
    static Model charLstm() {
        return shipped("specs/char_lstm.rnn");
    }

    /** {@code samples/specs/digit_drawer.rnn}: one_to_many with feedback, sigmoid + BCE. */
    static Model digitDrawer() {
        return shipped("specs/digit_drawer.rnn");
    }

    /** {@code samples/specs/spell_to_sound.rnn}: seq2seq. */
    static Model spell2Sound() {
        return shipped("specs/spell_to_sound.rnn");
    }

    /** {@code samples/specs/xor.rnn}: one_to_one, SGD with momentum. */
    static Model xor() {
        return shipped("specs/xor.rnn");
    }

    /** Not a sample: GRU layers of two widths over one-hot tokens, classification (no sample reads one-hot tokens). */
    static Model testOnlyGruOverOneHotTokens() {
        return TestModels.builder("GruTokens").pkg("gen.test.tok").tokens(40).steps(50)
                .layer(CellType.GRU, 128).layer(CellType.GRU, 64)
                .head(5, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(16).build();
    }

    /** Not a sample: the large spec of issue 4, 8 layers of 1024, 1000 steps (generated and compiled, never trained). */
    static Model large(CellType cell) {
        var b = TestModels.builder("Large" + cell.fixtureName().replace("_", "")).pkg("gen.large")
                .mode(SequenceMode.MANY_TO_MANY).features(64).steps(1000)
                .head(100, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).batch(8);
        for (int l = 0; l < 8; l++) {
            b.layer(cell, 1024);
        }
        return b.build();
    }

    /** The one model of a shipped spec, {@code samples/<relative>}, parsed as {@code rnnc} would. */
    static Model shipped(String relative) {
        Path file = samples().resolve(relative);
        ParseResult r = Rnnc.parse(file);
        if (r.hasErrors() || r.models().size() != 1) {
            throw new IllegalStateException("the shipped spec " + file + " should hold one valid model:\n" + r.render());
        }
        return r.models().get(0);
    }

    /** {@code samples/} of the repository, found from whatever directory the tests run in. */
    static Path samples() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("samples/mnist/mnist_rnn.rnn"))) {
                return dir.resolve("samples");
            }
        }
        throw new IllegalStateException("no samples/mnist/mnist_rnn.rnn in " + start + " or any parent");
    }
}
