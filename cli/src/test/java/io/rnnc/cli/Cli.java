package io.rnnc.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    static Path shared() {
        return Path.of(System.getProperty("rnnc.shared", "../../shared"));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
