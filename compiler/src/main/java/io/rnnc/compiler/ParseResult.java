package io.rnnc.compiler;

import io.rnnc.compiler.diag.Diagnostics;
import io.rnnc.compiler.model.Model;
import java.util.List;

/**
 * What parsing one spec file gives: the validated models and every diagnostic. When
 * {@link #hasErrors()} is true, {@code models} is empty and nothing may be generated; warnings alone
 * leave the models in place.
 */
public record ParseResult(List<Model> models, Diagnostics diagnostics) {

    public ParseResult {
        models = List.copyOf(models);
    }

    public boolean hasErrors() {
        return diagnostics.hasErrors();
    }

    /** Every diagnostic in the compiler text form (file:line:col: severity: message, source, caret, hint). */
    public String render() {
        return diagnostics.render();
    }
}
