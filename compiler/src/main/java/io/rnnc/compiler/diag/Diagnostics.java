package io.rnnc.compiler.diag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The diagnostics of one run, in report order, together with the source texts they point into so that
 * they can be rendered with the offending line and a caret ({@link #render()}).
 */
public final class Diagnostics {

    private final List<Diagnostic> all;
    private final Map<String, String> sources;

    private Diagnostics(List<Diagnostic> all, Map<String, String> sources) {
        this.all = List.copyOf(all);
        this.sources = Collections.unmodifiableMap(new HashMap<>(sources));
    }

    /** No diagnostics at all. */
    public static Diagnostics empty() {
        return new Diagnostics(List.of(), Map.of());
    }

    /**
     * @param all     diagnostics in the order they are reported
     * @param sources the text of each file, by the file name the diagnostics' positions carry
     */
    public static Diagnostics of(List<Diagnostic> all, Map<String, String> sources) {
        return new Diagnostics(all, sources);
    }

    /** Every diagnostic, errors and warnings, in report order. */
    public List<Diagnostic> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    public boolean hasErrors() {
        return errorCount() > 0;
    }

    public int errorCount() {
        return (int) all.stream().filter(Diagnostic::isError).count();
    }

    public int warningCount() {
        return all.size() - errorCount();
    }

    /** The source text a file name refers to, or "" when it is unknown (the file could not be read). */
    public String source(String file) {
        return sources.getOrDefault(file, "");
    }

    /** Both collections, this one's diagnostics first. */
    public Diagnostics plus(Diagnostics other) {
        List<Diagnostic> merged = new ArrayList<>(all);
        merged.addAll(other.all);
        Map<String, String> texts = new HashMap<>(sources);
        texts.putAll(other.sources);
        return new Diagnostics(merged, texts);
    }

    /** All diagnostics in the compiler text form; "" when there are none. */
    public String render() {
        DiagnosticRenderer renderer = new DiagnosticRenderer(this::source);
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : all) {
            out.append(renderer.render(d));
        }
        return out.toString();
    }

    /** {@code 2 errors, 1 warning}; {@code no problems} when empty. */
    public String summary() {
        int errors = errorCount();
        int warnings = warningCount();
        if (errors == 0 && warnings == 0) {
            return "no problems";
        }
        List<String> parts = new ArrayList<>();
        if (errors > 0) {
            parts.add(errors + (errors == 1 ? " error" : " errors"));
        }
        if (warnings > 0) {
            parts.add(warnings + (warnings == 1 ? " warning" : " warnings"));
        }
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return render();
    }
}
