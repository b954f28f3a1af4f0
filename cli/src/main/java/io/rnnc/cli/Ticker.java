package io.rnnc.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long eval or generate run on stderr (stdout keeps the results, so --json output stays clean): nothing
 * during the first second, so quick runs print nothing; then a line redrawn in place (bar) at most five times a
 * second, or a plain line every two seconds (lines), and a closing line with the time taken.
 */
final class Ticker {

    private static final long QUIET_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final Progress.Kind kind;
    private final String what;
    private final long total;
    private final String unit;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private boolean shown;
    private long done;

    /**
     * @param what  the command, e.g. {@code eval}
     * @param total the units of work, or 0 if unknown
     * @param unit  what is counted, plural ({@code samples}, {@code inputs})
     * @param clock nanoseconds ({@code System::nanoTime}; a test's own)
     */
    Ticker(PrintWriter err, Progress.Kind kind, String what, long total, String unit, LongSupplier clock) {
        this.err = err;
        this.kind = kind;
        this.what = what;
        this.total = total;
        this.unit = unit;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** How progress is shown by default: a bar on a terminal, lines otherwise. */
    static Progress.Kind kind(Progress.Kind asked) {
        return asked != null ? asked : System.console() != null ? Progress.Kind.BAR : Progress.Kind.LINES;
    }

    /** {@code done} units are finished. */
    void update(long done) {
        this.done = done;
        if (kind == Progress.Kind.NONE) {
            return;
        }
        long now = clock.getAsLong();
        if (now - start < QUIET_NANOS || shown && now - lastDraw < (kind == Progress.Kind.BAR ? 200_000_000L : 2_000_000_000L)) {
            return;
        }
        lastDraw = now;
        shown = true;
        String line = line(now);
        if (kind == Progress.Kind.BAR) {
            err.print("\r" + line + "   ");
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the progress: a last line with the time taken, if any progress was shown. */
    void finish() {
        if (!shown) {
            return;
        }
        String line = line(clock.getAsLong()) + ", done";
        err.print(kind == Progress.Kind.BAR ? "\r" + line + "   \n" : line + "\n");
        err.flush();
    }

    private String line(long now) {
        double seconds = (now - start) * 1e-9;
        String count = total > 0 ? String.format(Locale.ROOT, "%,d/%,d %s (%.0f%%)", done, total, unit, 100.0 * done / total)
                : String.format(Locale.ROOT, "%,d %s", done, unit);
        return String.format(Locale.ROOT, "%s: %s, %.1f s", what, count, seconds);
    }
}
