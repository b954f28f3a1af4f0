package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress of eval and generate, on a clock the test moves: quiet for a second, then lines or a bar. */
class TickerTest {

    private long now;

    private String run(Progress.Kind kind, long... secondsAndDone) {
        StringWriter s = new StringWriter();
        now = 0;
        Ticker t = new Ticker(new PrintWriter(s), kind, "eval", 10_000, "samples", () -> now);
        for (int i = 0; i < secondsAndDone.length; i += 2) {
            now = secondsAndDone[i] * 100_000_000L; // tenths of a second
            t.update(secondsAndDone[i + 1]);
        }
        t.finish();
        return s.toString();
    }

    @Test
    void aRunUnderASecondPrintsNothing() {
        assertEquals("", run(Progress.Kind.LINES, 2, 1000, 5, 5000, 9, 10_000));
        assertEquals("", run(Progress.Kind.BAR, 2, 1000, 9, 10_000));
    }

    @Test
    void linesComeEveryTwoSecondsAfterTheFirstAndEndWithDone() {
        String out = run(Progress.Kind.LINES, 5, 1000, 11, 2000, 20, 3000, 31, 4000, 35, 10_000);
        assertEquals("eval: 2,000/10,000 samples (20%), 1.1 s\n"
                + "eval: 4,000/10,000 samples (40%), 3.1 s\n"
                + "eval: 10,000/10,000 samples (100%), 3.5 s, done\n", out);
    }

    @Test
    void aBarRedrawsInPlaceAndNoneIsSilent() {
        String bar = run(Progress.Kind.BAR, 11, 2000, 12, 2500, 14, 3000);
        assertEquals("\reval: 2,000/10,000 samples (20%), 1.1 s   \reval: 3,000/10,000 samples (30%), 1.4 s   "
                + "\reval: 3,000/10,000 samples (30%), 1.4 s, done   \n", bar);
        assertEquals("", run(Progress.Kind.NONE, 11, 2000, 40, 9000));
    }
}
