package io.rnnc.cli;

import io.rnnc.runtime.RnnModel;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --threads N}: the threads a model may use; results do not depend on it (a picocli mixin). */
final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "N",
            description = "threads the model may use (RnnModel.setThreads); results do not depend on it")
    Integer threads;

    /** Checks the flag (a user error if it is below 1); {@code fallback} when it is not given. */
    int asked(int fallback) {
        int n = threads == null ? fallback : threads;
        Flags.positive("--threads", n);
        return n;
    }

    /** Gives {@code net} the threads asked for; says so when the model runs on fewer (or more). */
    static void apply(RnnModel net, int asked, PrintWriter out) {
        net.setThreads(asked);
        if (net.threads() != asked) {
            out.printf(Locale.ROOT, "note: %d thread%s asked; this model runs on %d%n", asked, asked == 1 ? "" : "s",
                    net.threads());
        }
    }
}
