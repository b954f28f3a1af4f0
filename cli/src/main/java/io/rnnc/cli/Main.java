package io.rnnc.cli;

import io.rnnc.compiler.driver.RnncVersion;
import io.rnnc.compiler.InternalCompilerError;
import io.rnnc.compiler.javac.GeneratedCodeException;
import io.rnnc.runtime.io.RnncIoException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rnnc} command. Exit codes: 0 success, 1 user error (bad spec, data, checkpoint, flag:
 * one message saying what and where), 2 internal error (a bug in rnnc: a short message and a plea to
 * report it).
 */
@Command(name = "rnnc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compiles .rnn specs into specialised Java classes, and trains, runs, benchmarks and verifies them.",
        subcommands = {CheckCommand.class, CompileCommand.class, SummaryCommand.class, TrainCommand.class,
                PredictCommand.class, EvalCommand.class, GenerateCommand.class, ExportCommand.class, PackageCommand.class,
                BenchCommand.class, VerifyCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 user error (spec, data, flags), 2 internal error.",
                "Start with: rnnc train samples/mnist/mnist_rnn.rnn --data samples/mnist/data --epochs 2"})
public final class Main implements java.util.concurrent.Callable<Integer> {

    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int INTERNAL_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command given: the usage, on stderr, and exit 1. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USER_ERROR;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command with the given streams; returns the exit code. Tests call this. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(new CommandLine(new Main()), out, err, args);
    }

    /** Standard input of the command running on this thread (tests give their own). */
    private static final ThreadLocal<java.io.InputStream> STDIN = ThreadLocal.withInitial(() -> System.in);

    /** As {@link #run(PrintStream, PrintStream, String...)} with {@code in} as standard input. */
    public static int run(java.io.InputStream in, PrintStream out, PrintStream err, String... args) {
        STDIN.set(in);
        try {
            return run(out, err, args);
        } finally {
            STDIN.remove();
        }
    }

    static java.io.InputStream stdin() {
        return STDIN.get();
    }

    /** Runs {@code cl} (the rnnc command, or in tests one with an extra subcommand) with rnnc's error handling. */
    static int run(CommandLine cl, PrintStream out, PrintStream err, String... args) {
        System.setProperty("java.awt.headless", "true");
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        cl.setOut(o);
        cl.setErr(e);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            e.println("rnnc: " + ex.getMessage());
            CommandLine sub = ex.getCommandLine();
            e.println("Try 'rnnc" + (sub == cl ? "" : " " + sub.getCommandName()) + " --help'.");
            return USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex, e));
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError oom) {
            e.println("rnnc: out of memory; try a smaller --batch, or give Java more memory (JAVA_OPTS=-Xmx4g)");
            code = USER_ERROR;
        } catch (RuntimeException | Error bug) {
            // picocli hands only Exceptions to the handler; an Error (a stack overflow, a failed class
            // initialisation, an assertion) from a command, or a failure in picocli itself, lands here
            code = internalError(bug, e);
        }
        o.flush();
        e.flush();
        return code;
    }

    static int handle(Exception ex, PrintWriter err) {
        if (ex instanceof UserException || ex instanceof RnncIoException) {
            err.println("rnnc: " + ex.getMessage());
            return USER_ERROR;
        }
        if (ex instanceof GeneratedCodeException) {
            err.println("rnnc: " + ex.getMessage());
            return INTERNAL_ERROR;
        }
        return internalError(ex, err);
    }

    /** Anything unexpected is a bug in rnnc, never the user's: exit 2, what and where, and a plea to report it. */
    static int internalError(Throwable ex, PrintWriter err) {
        if (ex instanceof InternalCompilerError ice) {
            // its message already names the spec and the cause; the place is the cause's
            Throwable cause = ice.getCause() == null ? ice : ice.getCause();
            StackTraceElement where = cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : null;
            err.println("rnnc: " + ice.getMessage() + (where == null ? "" : " (at " + where + ")"));
            err.flush();
            return INTERNAL_ERROR;
        }
        StackTraceElement where = ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : null;
        err.println("rnnc: internal error: " + ex + (where == null ? "" : " at " + where));
        err.println("This is a bug in rnnc. Please report it with the command line and the spec.");
        err.flush();
        return INTERNAL_ERROR;
    }

    /** The compiler's version, as the Maven plugin logs it ("dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rnnc " + RnncVersion.current() + " (Java " + Runtime.version() + ")"};
        }
    }
}
