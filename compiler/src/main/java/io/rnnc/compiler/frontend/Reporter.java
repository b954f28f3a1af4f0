package io.rnnc.compiler.frontend;

import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.diag.Severity;
import io.rnnc.compiler.model.SourcePos;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the diagnostics of one file as the front end finds them. */
final class Reporter {

    /** Beyond this many diagnostics a file is reported as hopeless rather than listed in full. */
    static final int MAX_DIAGNOSTICS = 100;

    private final List<Diagnostic> found = new ArrayList<>();
    private int errors;

    void error(SourcePos pos, String message, String hint, Diagnostic.Related... related) {
        found.add(new Diagnostic(Severity.ERROR, pos, message, hint, List.of(related)));
        errors++;
    }

    void warning(SourcePos pos, String message, String hint, Diagnostic.Related... related) {
        found.add(new Diagnostic(Severity.WARNING, pos, message, hint, List.of(related)));
    }

    int errorCount() {
        return errors;
    }

    /** Diagnostics sorted by place (stable, so one place keeps discovery order), capped. */
    List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(found);
        out.sort(Comparator.comparingInt((Diagnostic d) -> d.pos().line()).thenComparingInt(d -> d.pos().column()));
        if (out.size() > MAX_DIAGNOSTICS) {
            int dropped = out.size() - MAX_DIAGNOSTICS;
            SourcePos at = out.get(MAX_DIAGNOSTICS).pos();
            out = new ArrayList<>(out.subList(0, MAX_DIAGNOSTICS));
            out.add(new Diagnostic(Severity.ERROR, at, "too many problems; " + dropped + " more not shown",
                    "fix the ones above first", List.of()));
        }
        return out;
    }

    static Diagnostic.Related note(SourcePos pos, String note) {
        return new Diagnostic.Related(pos, note);
    }
}
