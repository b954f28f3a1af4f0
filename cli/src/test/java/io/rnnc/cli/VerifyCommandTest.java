package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code rnnc verify} on every PyTorch fixture in testdata/pytorch/fixtures and fixtures-ext, with
 * the specs in src/test/resources/fixtures; and the ways it must fail.
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
