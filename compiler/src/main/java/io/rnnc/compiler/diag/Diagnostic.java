package io.rnnc.compiler.diag;

import io.rnnc.compiler.model.SourcePos;
import java.util.List;

/**
 * One problem found in a spec, as data: where (file, line, column, token length), what, and a hint
 * saying what to do. {@code related} points at other places involved (the first of two duplicate
 * statements, the encoder layer a decoder layer must match).
 */
public record Diagnostic(Severity severity, SourcePos pos, String message, String hint, List<Related> related) {

    /** Another place a diagnostic refers to, with a short note ("first declared here"). */
    public record Related(SourcePos pos, String note) {
    }

    public Diagnostic {
        hint = hint == null ? "" : hint;
        related = List.copyOf(related);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
