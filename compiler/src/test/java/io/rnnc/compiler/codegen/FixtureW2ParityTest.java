package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch parity on the fixtures of testdata/pytorch/fixtures-w2 (issue 13) that rnnc builds so far:
 * per-sample lengths in many_to_one, many_to_many (masked cross-entropy and MSE) and seq2seq (source and
 * target lengths), and bidirectional layers (with and without lengths). The padding of x and y holds random garbage in these files, so a match also shows that
 * padding is never read.
 */
class FixtureW2ParityTest {

    /** Every fixture but the two of stateful chunks (w07, w08: chunk{j}.* tensors), which StatefulTest replays. */
    private static final Set<String> BUILT = Set.of("w01_len_lstm_l1_m2o_ce", "w02_len_emb_gru_l2_m2m_ce",
            "w03_len_rnn_tanh_l2_m2m_mse", "w04_bi_lstm_l1_m2o_ce", "w05_bi_len_gru_l2_m2m_ce",
            "w06_bi_len_rnn_relu_l2_m2o_ce", "w09_s2s_len_gru_l1_ce");

    static List<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(Fixture.fixtureSet("fixtures-w2"))) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().toList();
            // an empty or half-copied folder must fail here, not pass with fewer parity checks
            assertEquals(9, dirs.size(), "fixtures in " + Fixture.fixtureSet("fixtures-w2"));
            List<Path> built = dirs.stream().filter(d -> BUILT.contains(d.getFileName().toString())).toList();
            assertEquals(BUILT.size(), built.size(), "fixtures " + BUILT);
            return built;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesPyTorch(Path dir) {
        String summary = new ParityCheck(new Fixture(dir)).run();
        System.out.println("PARITY " + summary);
    }
}
