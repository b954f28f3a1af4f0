package io.rnnc.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the real entry point in-process: arguments in, exit code and both streams out. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** As {@link #run} with {@code stdin} as standard input. */
    static Cli runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The repository root (tests run in cli/). */
    static Path root() {
        return Path.of("..").toAbsolutePath().normalize();
    }

    static String spec(String relative) {
        return root().resolve(relative).toString();
    }

    static String mnistData() {
        return root().resolve("samples/mnist/data").toString();
    }

    /**
     * A set of the PyTorch reference fixtures committed in the repository ({@code testdata/pytorch/<set>}:
     * {@code fixtures}, {@code fixtures-ext}, {@code fixtures-w2}), found from any working directory: the
     * system property {@code rnnc.fixtures} if set, else the nearest ancestor holding the folder.
     */
    static Path fixtureSet(String set) {
        String override = System.getProperty("rnnc.fixtures");
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize().resolve(set);
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata/pytorch");
            if (Files.isRegularFile(candidate.resolve("fixtures/index.json"))) {
                return candidate.resolve(set);
            }
        }
        throw new IllegalStateException("no testdata/pytorch/fixtures/index.json in " + start + " or any parent");
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
