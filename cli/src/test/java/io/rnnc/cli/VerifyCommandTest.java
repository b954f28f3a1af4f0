package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code rnnc verify} on every PyTorch fixture in testdata/pytorch/fixtures, fixtures-ext and fixtures-w2
 * (lengths, bidirectional layers, stateful chunks, seq2seq lengths), with the specs in
 * src/test/resources/fixtures; and the ways it must fail.
 */
class VerifyCommandTest {

    @TempDir
    Path tmp;

    static List<Path> fixtures() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String set : List.of("fixtures", "fixtures-ext")) {
            try (Stream<Path> s = Files.list(Cli.fixtureSet(set))) {
                s.filter(Files::isDirectory).sorted().forEach(all::add);
            }
        }
        assertEquals(17, all.size(), "8 base and 9 extended fixtures");
        return all;
    }

    static String specFor(Path fixture) {
        return Path.of("src/test/resources/fixtures", fixture.getFileName() + ".rnn").toString();
    }

    @Test
    void everyFixtureHasASpec() throws IOException {
        List<Path> fx = fixtures();
        assertEquals(17, fx.size(), "8 fixtures and 9 fixtures-ext: " + fx);
        for (Path f : fx) {
            assertTrue(Files.isRegularFile(Path.of(specFor(f))), "no spec for " + f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void passesEveryPyTorchFixture(Path fixture) {
        Cli r = Cli.run("verify", specFor(fixture), "--against", fixture.resolve("tensors.safetensors").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("result: ok, every group within tolerance"), r.out());
        for (String group : List.of("loss ", "logits ", "h_n ", "grad.* ", "grad_norm ")) {
            assertTrue(r.out().contains("  " + group), group + " not compared:\n" + r.out());
        }
        String opt = r.out().contains("sgd1.*") ? "sgd" : "adam";
        for (String group : List.of(opt + "1.*", opt + "2.*", "loss_after_" + opt + "1")) {
            assertTrue(r.out().contains("  " + group + " "), group + " not compared:\n" + r.out());
        }
    }

    /** The fixtures of issue 13 (fixtures-w2), every one of the nine. */
    static List<Path> fixturesW2() throws IOException {
        try (Stream<Path> s = Files.list(Cli.fixtureSet("fixtures-w2"))) {
            List<Path> all = s.filter(Files::isDirectory).sorted().toList();
            assertEquals(9, all.size(), "the nine fixtures of fixtures-w2: " + all);
            return all;
        }
    }

    @Test
    void everyW2FixtureHasASpec() throws IOException {
        for (Path f : fixturesW2()) {
            assertTrue(Files.isRegularFile(Path.of(specFor(f))), "no spec for " + f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixturesW2")
    void passesEveryW2Fixture(Path fixture) throws IOException {
        String name = fixture.getFileName().toString();
        Cli r = Cli.run("verify", specFor(fixture), "--against", fixture.resolve("tensors.safetensors").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("result: ok, every group within tolerance"), r.out());
        String config = Files.readString(fixture.resolve("config.json"));
        List<String> groups = new ArrayList<>();
        if (config.contains("\"stateful_chunks\": null")) {
            groups.addAll(List.of("loss", "logits", "grad.*", "adam1.*", "loss_after_adam1", "adam2.*"));
            if (!name.contains("_s2s_")) {
                groups.add("h_n"); // seq2seq: PyTorch's decoder h_n reads the padding targets (ReferenceCheck)
            }
        } else {
            // one group per kind over the three chunks, each compared after its chunk's training step
            groups.addAll(List.of("chunk*.loss", "chunk*.logits", "chunk*.h_n", "chunk*.grad.*", "chunk*.adam.*"));
        }
        if (name.contains("_lstm_")) {
            groups.add(groups.contains("h_n") ? "c_n" : "chunk*.c_n");
        }
        for (String group : groups) {
            assertTrue(r.out().matches("(?s).*\n  " + Pattern.quote(group) + " +\\d+ +\\S+ +ok\n.*"),
                    group + " not compared:\n" + r.out());
        }
        if (!groups.contains("loss")) {
            assertTrue(r.out().matches("(?s).*\n  chunk\\*\\.loss +3 .*"), "three chunks:\n" + r.out());
        }
        // Every tensor but the ones the model does not expose (the top layer's output sequence, the encoder's
        // final state) is compared: lengths, _reverse parameters and chunk tensors are all read
        String notCompared = r.out().lines().filter(l -> l.startsWith("  not compared: ")).findFirst().orElse("");
        for (String n : notCompared.substring(Math.min(notCompared.length(), 16)).split(", ")) {
            assertTrue(n.isEmpty() || n.equals("out") || n.equals("enc_h_n"), "not compared: " + n + "\n" + r.out());
        }
    }

    @Test
    void aFileOfStatefulChunksNeedsAModelThatCarriesItsState() throws IOException {
        Path spec = Files.writeString(tmp.resolve("w08_plain.rnn"), "model W08 { input 3  sequence 5 many_to_many  gru 6"
                + "  dense 2 linear  loss mse  optimizer adam lr=0.01 beta1=0.8 beta2=0.99 eps=1e-6  batch 4 }\n");
        Cli r = Cli.run("verify", spec.toString(), "--against",
                Cli.fixtureSet("fixtures-w2").resolve("w08_tbptt_gru_l1_m2m_mse/tensors.safetensors").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("holds stateful chunks"), r.err());
        assertTrue(r.err().contains("model W08 starts every batch from zeros: its spec needs 'sequence 5 many_to_many stateful'"),
                r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
    }

    @Test
    void aStatefulModelAgainstATwoStepFileStartsEachStepFromZeros() throws IOException {
        // p05 is a GRU many_to_many: its two steps are PyTorch's from zero states, whatever the spec carries in training
        Path spec = Files.writeString(tmp.resolve("p05_stateful.rnn"),
                "model P05 { input 4  sequence 5 many_to_many stateful  gru 7  dense 3 linear  loss mse  batch 3 }\n");
        Cli r = Cli.run("verify", spec.toString(), "--against", fixture("p05_gru_l1_m2m_mse"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\n  loss_after_adam1 +1 +\\S+ +ok\n.*"), r.out());
    }

    @Test
    void aDifferentLearningRateFailsTheOptimizerGroups() throws IOException {
        Path spec = Files.writeString(tmp.resolve("p01_lr.rnn"),
                "model P01 { input 5  sequence 6 many_to_one  rnn 8 tanh  dense 3 softmax  loss cross_entropy"
                        + "  optimizer adam lr=0.002  batch 4 }\n");
        Cli r = Cli.run("verify", spec.toString(), "--against", fixture("p01_rnn_tanh_l1_m2o_ce"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\n  logits +1 +\\S+ +ok\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\n  adam1\\.\\* +\\d+ +\\S+ +OVER 1e-05.*"), r.out());
        assertTrue(r.out().contains("result: FAILED"), r.out());
    }

    @Test
    void aDifferentCellFailsTheForwardGroups() throws IOException {
        // p01 is a tanh RNN; the same shapes with relu give other logits
        Path spec = Files.writeString(tmp.resolve("p01_relu.rnn"),
                "model P01 { input 5  sequence 6 many_to_one  rnn 8 relu  dense 3 softmax  loss cross_entropy  batch 4 }\n");
        Cli r = Cli.run("verify", spec.toString(), "--against", fixture("p01_rnn_tanh_l1_m2o_ce"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*\n  logits +1 +\\S+ +OVER.*"), r.out());
    }

    @Test
    void aFileOfAnotherShapeIsAUserErrorNamingEveryMismatch() {
        Cli r = Cli.run("verify", specFor(Path.of("p01_rnn_tanh_l1_m2o_ce")), "--against",
                fixture("p03_lstm_l1_m2o_ce"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("does not match model P01"), r.err());
        assertTrue(r.err().contains("rnn.weight_ih_l0: expected [8, 5], file has [32, 6]"), r.err());
    }

    @Test
    void aFileThatIsNotSafetensorsIsAUserError() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.safetensors"), "not a tensor file");
        Cli r = Cli.run("verify", specFor(Path.of("p01_rnn_tanh_l1_m2o_ce")), "--against", junk.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rnnc: " + junk), r.err());
        assertTrue(r.err().lines().count() <= 3, r.err());
    }

    /** A fixture of the base set. */
    private static String fixture(String name) {
        return Cli.fixtureSet("fixtures").resolve(name).resolve("tensors.safetensors").toString();
    }
}
