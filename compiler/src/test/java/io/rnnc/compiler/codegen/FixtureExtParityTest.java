package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch parity on every fixture of testdata/pytorch/fixtures-ext (issue 5): token inputs, embeddings,
 * one_to_one, one_to_many with feedback, seq2seq, SGD with momentum, Adam with weight decay.
 */
class FixtureExtParityTest {

    static List<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(Fixture.fixtureSet("fixtures-ext"))) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().toList();
            // an empty or half-copied folder must fail here, not pass with fewer parity checks
            assertEquals(9, dirs.size(), "fixtures in " + Fixture.fixtureSet("fixtures-ext"));
            return dirs;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesPyTorch(Path dir) {
        String summary = new ParityCheck(new Fixture(dir)).run();
        System.out.println("PARITY " + summary);
    }
}
