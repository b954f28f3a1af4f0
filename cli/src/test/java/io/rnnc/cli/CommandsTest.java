package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** check, compile, summary, bench, help and the error paths, through the real entry point. */
class CommandsTest {

    static final String SEED = Cli.spec("samples/mnist/mnist_rnn.rnn");
    static final String BAD = """
            package demo

            model Bad {
                input 28
                sequence 28 many_to_one
                lstn 128
                dense 10 softmax
                loss cross_entropy
            }
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"check", "compile", "summary", "train", "eval", "predict", "generate", "bench", "verify", "version"})
    void everyCommandHasHelp(String command) {
        Cli r = Cli.run(command, "--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Usage: rnnc " + command), r.toString());
        assertEquals("", r.err(), "help prints no warning");
    }

    @Test
    void topLevelHelpListsTheCommandsAndNoCommandIsAUserError() {
        Cli help = Cli.run("--help");
        assertEquals(0, help.exit());
        for (String c : List.of("check", "compile", "summary", "train", "eval", "predict", "generate", "bench", "verify", "version")) {
            assertTrue(help.out().contains("  " + c + " "), c + " missing from\n" + help.out());
        }
        Cli none = Cli.run();
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("Usage: rnnc"), none.toString());
    }

    @Test
    void checkAcceptsTheSampleSpecs() {
        Cli r = Cli.run("check", SEED, Cli.spec("samples/specs/spell_to_sound.rnn"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("mnist_rnn.rnn: ok, 1 model (MnistRnn)"), r.out());
        assertTrue(r.out().contains("spell_to_sound.rnn: ok, 1 model (Spell2Sound)"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void checkReportsErrorsWithTheirPlaceAndExitsOne() throws IOException {
        Path bad = write("bad.rnn", BAD);
        Cli r = Cli.run("check", bad.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(bad + ":6:5: error: unknown cell 'lstn'\n    lstn 128\n    ^~~~\nhint: did you mean 'lstm'?"),
                r.err());
        assertTrue(r.out().contains(bad + ": 2 errors"), r.out());
    }

    @Test
    void checkShowsWarningsButSucceeds() throws IOException {
        Path warned = write("warned.rnn", "model W { input 4  sequence 3 many_to_one  rnn 8  dense 3 sigmoid  loss mse }\n");
        Cli r = Cli.run("check", warned.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains(": warning: 'mse' on a sigmoid head learns slowly"), r.err());
        assertTrue(r.out().contains("ok, 1 model (W), 1 warning"), r.out());
    }

    @Test
    void missingSpecFileIsAUserError() {
        Cli r = Cli.run("summary", tmp.resolve("nope.rnn").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("nope.rnn: error: cannot read '" + tmp.resolve("nope.rnn") + "': no such file"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void compileWritesOneClassPerModelInItsPackage() throws IOException {
        Path out = tmp.resolve("gen");
        Cli r = Cli.run("compile", SEED, Cli.spec("samples/specs/xor.rnn"), "-d", out.toString());
        assertEquals(0, r.exit(), r.toString());
        Path rnn = out.resolve("io/rnnc/samples/mnist/MnistRnn.java");
        Path xor = out.resolve("io/rnnc/samples/Xor.java");
        assertTrue(Files.readString(rnn).contains("public final class MnistRnn"), r.out());
        assertTrue(Files.isRegularFile(xor));
        assertTrue(r.out().contains("wrote " + rnn), r.out());
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(2, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void compileWithBenchmarkEmitsAJmhClass() throws IOException {
        Path out = tmp.resolve("gen");
        Cli r = Cli.run("compile", SEED, "-d", out.toString(), "--benchmark");
        assertEquals(0, r.exit(), r.toString());
        String bench = Files.readString(out.resolve("io/rnnc/samples/mnist/MnistRnnBenchmark.java"));
        assertTrue(bench.contains("public class MnistRnnBenchmark"), bench);
        assertTrue(bench.contains("@Benchmark") && bench.contains("model.trainStep(batch)"), bench);
        assertTrue(bench.contains("5516400 per training step"), bench);
        assertTrue(bench.contains("model.setThreads(threads);"), bench);
        // it compiles, with the model, against the runtime and JMH, warnings as errors
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        StringWriter diagnostics = new StringWriter();
        int javac = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "-proc:none", "-Xlint:all", "-Werror",
                out.resolve("io/rnnc/samples/mnist/MnistRnn.java").toString(),
                out.resolve("io/rnnc/samples/mnist/MnistRnnBenchmark.java").toString());
        assertEquals(0, javac, diagnostics.toString());
        assertTrue(Files.isRegularFile(classes.resolve("io/rnnc/samples/mnist/MnistRnnBenchmark.class")));
    }

    @Test
    void compileWritesNothingWhenAnySpecHasErrors() throws IOException {
        Path bad = write("bad.rnn", BAD);
        Path out = tmp.resolve("gen");
        Cli r = Cli.run("compile", SEED, bad.toString(), "-d", out.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("error: unknown cell 'lstn'"), r.err());
        assertTrue(r.err().contains("rnnc: nothing written: 1 spec has errors"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void compileNeedsAnOutputDirectory() {
        Cli r = Cli.run("compile", SEED);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Missing required option: '--directory=DIR'"), r.err());
        assertTrue(r.err().contains("Try 'rnnc compile --help'."), r.err());
    }

    @Test
    void summaryOfTheSeedModel() {
        Cli r = Cli.run("summary", SEED);
        assertEquals(0, r.exit(), r.toString());
        String s = r.out();
        assertTrue(s.contains("model MnistRnn (io.rnnc.samples.mnist.MnistRnn): many_to_one"), s);
        assertTrue(Pattern.compile("rnn\\.weight_ih_l0\\s+\\[100, 28]\\s+2,800").matcher(s).find(), s);
        assertTrue(Pattern.compile("fc\\.weight\\s+\\[10, 100]\\s+1,000").matcher(s).find(), s);
        assertTrue(Pattern.compile("total\\s+34,210").matcher(s).find(), s);
        // issue 7's reference: 5.52 M matmul FLOPs per sample for a training step
        assertTrue(s.contains("inference 1.84 M, training step 5.52 M"), s);
        assertTrue(s.contains("layer 0            rnn_tanh in 28    hidden 100   13,000 params"), s);
        assertTrue(s.contains("activation memory at batch 64: 2.7 MiB"), s);
    }

    @Test
    void summaryAsksWhichModelWhenASpecHasSeveral() throws IOException {
        Path two = write("two.rnn", """
                model A { input 2  sequence 3 many_to_one  rnn 4  dense 2 softmax  loss cross_entropy }
                model B { input 2  sequence 3 many_to_one  gru 4  dense 2 softmax  loss cross_entropy }
                """);
        Cli r = Cli.run("summary", two.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("holds 2 models (A, B); choose one with --model NAME"), r.err());
        Cli b = Cli.run("summary", two.toString(), "--model", "B");
        assertEquals(0, b.exit(), b.toString());
        assertTrue(b.out().contains("model B "), b.out());
        Cli c = Cli.run("summary", two.toString(), "--model", "C");
        assertEquals(1, c.exit());
        assertTrue(c.err().contains("no model named 'C'; the file has A, B"), c.err());
    }

    @Test
    void benchPrintsTrainAndInferLines() {
        Cli r = Cli.run("bench", Cli.spec("cli/src/test/resources/fixtures/p01_rnn_tanh_l1_m2o_ce.rnn"), "--warmup", "0.2",
                "--seconds", "0.3");
        assertEquals(0, r.exit(), r.toString());
        String allocation = "(, [0-9,]+\\.[0-9] KB allocated per step)?";
        String ofPeak = ", [0-9]+ % of the core's peak";
        assertTrue(Pattern.compile("(?m)^cpu: .+; FMA peak [0-9]+ GFLOP/s per core \\(measured, .+\\)$").matcher(r.out()).find(),
                r.out());
        assertTrue(Pattern.compile("(?m)^train: [0-9,]+ samples/s, [0-9.]+ GFLOP/s" + ofPeak + allocation + "$").matcher(r.out()).find(),
                r.out());
        assertTrue(Pattern.compile("(?m)^infer: [0-9,]+ samples/s, [0-9.]+ GFLOP/s" + ofPeak + allocation + "$").matcher(r.out()).find(),
                r.out());
    }

    @Test
    void benchTakesTheFmaPeakGivenOrNone() {
        String spec = Cli.spec("cli/src/test/resources/fixtures/p01_rnn_tanh_l1_m2o_ce.rnn");
        Cli given = Cli.run("bench", spec, "--warmup", "0", "--seconds", "0.2", "--fma-peak", "150");
        assertEquals(0, given.exit(), given.toString());
        assertTrue(given.out().contains("; FMA peak 150 GFLOP/s per core (given)"), given.out());
        assertTrue(Pattern.compile("(?m)^train: .*, [0-9]+ % of the core's peak").matcher(given.out()).find(), given.out());
        Cli none = Cli.run("bench", spec, "--warmup", "0", "--seconds", "0.2", "--fma-peak", "none");
        assertEquals(0, none.exit(), none.toString());
        assertTrue(Pattern.compile("(?m)^cpu: [^;]+$").matcher(none.out()).find(), none.out());
        assertFalse(none.out().contains("peak"), none.out());
        for (String bad : List.of("fast", "0", "-3", "NaN", "Infinity")) {
            Cli r = Cli.run("bench", spec, "--fma-peak", bad);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("--fma-peak takes auto, none or one core's peak in GFLOP/s (a number above 0), not '"
                    + bad + "'"), r.err());
        }
    }

    @Test
    void ofPeakCountsEveryThreadsCore() {
        assertEquals(", 50 % of the core's peak", BenchCommand.ofPeak(100, 200, 1));
        assertEquals(", 25 % of 2 cores' peak", BenchCommand.ofPeak(100, 200, 2));
        assertEquals("", BenchCommand.ofPeak(100, -1, 1));
    }

    @Test
    void benchWorksForTokenAndEncoderDecoderSpecs() {
        Cli r = Cli.run("bench", Cli.spec("cli/src/test/resources/fixtures/e07_s2s_lstm_l2_ce.rnn"), "--warmup", "0",
                "--seconds", "0.2", "--batch", "2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("E07: batch 2, 1 thread"), r.out());
        assertTrue(r.out().contains("train: "), r.out());
    }

    @Test
    void badFlagsAreUserErrors() {
        Cli unknown = Cli.run("bench", SEED, "--fast");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown option: '--fast'"), unknown.err());
        Cli notNumber = Cli.run("bench", SEED, "--batch", "many");
        assertEquals(1, notNumber.exit(), notNumber.toString());
        assertTrue(notNumber.err().contains("Invalid value for option '--batch': 'many' is not an int"), notNumber.err());
        Cli tooBig = Cli.run("bench", SEED, "--batch", "65");
        assertEquals(1, tooBig.exit(), tooBig.toString());
        assertTrue(tooBig.err().contains("--batch 65 is larger than model MnistRnn is sized for (64)"), tooBig.err());
        Cli unknownCommand = Cli.run("tarin", SEED);
        assertEquals(1, unknownCommand.exit(), unknownCommand.toString());
        assertTrue(unknownCommand.err().contains("Unmatched arguments"), unknownCommand.err());
    }

    @Test
    void internalErrorsExitTwoWithAShortMessage() {
        StringWriter text = new StringWriter();
        int code = Main.handle(new IllegalStateException("boom"), new PrintWriter(text, true));
        assertEquals(2, code);
        assertTrue(text.toString().startsWith("rnnc: internal error: java.lang.IllegalStateException: boom"), text.toString());
        assertTrue(text.toString().contains("This is a bug in rnnc. Please report it"), text.toString());
        assertEquals(2, text.toString().lines().count());
    }

    @Test
    void aCompilerCrashExitsTwoNamingTheSpecOnce() {
        StringWriter text = new StringWriter();
        var crash = new io.rnnc.compiler.InternalCompilerError("x.rnn", new IllegalStateException("boom"));
        int code = Main.handle(crash, new PrintWriter(text, true));
        assertEquals(2, code);
        String first = text.toString().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("rnnc: internal error in rnnc while compiling x.rnn: java.lang.IllegalStateException: boom"),
                first);
        assertFalse(first.contains("InternalCompilerError"), first);
        assertTrue(first.contains("please report it"), first);
    }

    @Test
    void compileWithFailOnWarningWritesNothingForAWarning() throws IOException {
        Path warned = write("warned.rnn", "model W { input 4  sequence 3 many_to_one  rnn 8  dense 3 sigmoid  loss mse }\n");
        Path out = tmp.resolve("gen");
        Cli strict = Cli.run("compile", warned.toString(), "-d", out.toString(), "--fail-on-warning");
        assertEquals(1, strict.exit(), strict.toString());
        assertTrue(strict.err().contains(": warning: 'mse' on a sigmoid head learns slowly"), strict.err());
        assertTrue(strict.err().contains("rnnc: nothing written: 1 spec has warnings and --fail-on-warning is set"),
                strict.err());
        assertFalse(Files.exists(out));
        Cli lenient = Cli.run("compile", warned.toString(), "-d", out.toString());
        assertEquals(0, lenient.exit(), lenient.toString());
        assertTrue(Files.isRegularFile(out.resolve("W.java")));
        Cli again = Cli.run("compile", warned.toString(), "-d", out.toString());
        assertTrue(again.out().contains("nothing to write: the files in " + out + " are up to date"), again.out());
    }

    @Test
    void compileIntoAFileIsAUserError() throws IOException {
        Path file = write("file.txt", "not a directory");
        Cli r = Cli.run("compile", SEED, "-d", file.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("exists and is not a directory"), r.err());
    }

    @Test
    void versionIsTheSameAsDashDashVersion() {
        Cli command = Cli.run("version");
        Cli flag = Cli.run("--version");
        assertEquals(0, command.exit(), command.toString());
        assertEquals(flag.out(), command.out());
        assertTrue(command.out().startsWith("rnnc " + io.rnnc.compiler.driver.RnncVersion.current() + " (Java "),
                command.out());
    }

    /** A command that fails as a bug would, for the tests of the error handling of the real entry point. */
    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        final Throwable failure;

        Boom(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime", "checked", "stackoverflow", "initializer", "assertion"})
    void anUnexpectedFailureInACommandExitsTwoAndAsksForAReport(String kind) {
        Throwable failure = switch (kind) {
            case "runtime" -> new IllegalStateException("front end crashed");
            case "checked" -> new IOException("disk on fire");
            case "stackoverflow" -> new StackOverflowError();
            case "initializer" -> new ExceptionInInitializerError(new ArithmeticException("/ by zero"));
            default -> new AssertionError("plan invariant");
        };
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        picocli.CommandLine cl = new picocli.CommandLine(new Main()).addSubcommand("boom", new Boom(failure));
        int code = Main.run(cl, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), "boom");
        String text = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.startsWith("rnnc: internal error: " + failure.getClass().getName()), text);
        assertTrue(text.contains("This is a bug in rnnc. Please report it"), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }
}
