package io.rnnc.compiler.frontend;

import io.rnnc.compiler.frontend.Ast.KnownStatement;
import io.rnnc.compiler.model.SourcePos;

/**
 * Where each statement of one model may stand and in what order: model-wide settings outside blocks,
 * stack statements inside them in an encoder-decoder model, each keyword once per scope, layers below
 * the head and at most {@link Limits#MAX_LAYERS}. Hands each well-placed statement to
 * {@link StatementChecks} and records its meaning in its {@link Scope}.
 */
final class PlacementChecks {

    /** Where a statement sits, which decides what it may say. */
    enum Place { MODEL, SEQ2SEQ_MODEL, ENCODER, DECODER }

    private final Reporter reporter;
    private final StatementChecks statements;

    PlacementChecks(Reporter reporter, StatementChecks statements) {
        this.reporter = reporter;
        this.statements = statements;
    }

    /** One simple statement of {@code scope}. */
    void statement(Ast.SimpleStatement st, Scope scope, Scope.Settings settings, Place where) {
        if (!(st instanceof KnownStatement s)) {
            statements.unknown((Ast.UnknownStatement) st);
            return;
        }
        if (s.damaged()) {
            return; // its syntax error is reported already
        }
        StatementKeyword kw = s.keyword();
        String word = s.word().text();
        SourcePos at = s.word().pos();
        boolean inBlock = where == Place.ENCODER || where == Place.DECODER;
        if (inBlock && kw.isModelWide()) {
            reporter.error(at, "'" + word + "' inside " + scope.label,
                    "'" + word + "' applies to the whole model: move it out of the block");
            return;
        }
        if (where == Place.SEQ2SEQ_MODEL && !kw.isModelWide()) {
            String what = kw.isLayer() ? "layers" : "'" + word + "'";
            reporter.error(at, what + " of an encoder-decoder model belong" + (kw.isLayer() ? "" : "s")
                    + " inside 'encoder { }' or 'decoder { }'", "move it into the block it describes");
            return;
        }
        if (where == Place.ENCODER && kw == StatementKeyword.DENSE) {
            reporter.error(at, "the encoder has no 'dense' head",
                    "the head goes in 'decoder { }'; the encoder only hands its final states over");
            return;
        }
        if (kw.isLayer()) {
            scope.layerStatements++;
        } else {
            SourcePos first = scope.seen.get(kw);
            if (first != null) {
                duplicate(s.word(), first);
                return;
            }
            scope.seen.put(kw, at);
        }
        statements.check(s, scope.label, inBlock).ifPresent(d -> record(d, at, scope, settings));
    }

    private void record(Declaration d, SourcePos at, Scope scope, Scope.Settings settings) {
        // Java 17: no pattern switch yet; the sealed interface keeps this list complete by review.
        if (d instanceof Declaration.Input i) {
            scope.input = i.input();
        } else if (d instanceof Declaration.Sequence q) {
            scope.steps = q.steps();
            scope.mode = q.mode();
            scope.stateful = q.stateful();
            scope.sequencePos = at;
        } else if (d instanceof Declaration.Layer l) {
            layer(l, at, scope);
        } else if (d instanceof Declaration.Dense h) {
            if (scope.layerStatements == 0) {
                reporter.error(at, "expected a layer (" + String.join(", ", Vocabulary.CELLS) + ") before 'dense'",
                        "the head sits on top of the recurrent layers, e.g. 'lstm 128' then 'dense " + h.outputs() + "'");
            }
            scope.outputs = h.outputs();
            scope.activation = h.activation();
            scope.densePos = at;
        } else if (d instanceof Declaration.Dropout p) {
            scope.dropout = p.p();
            scope.dropoutPos = at;
        } else if (d instanceof Declaration.Loss l) {
            settings.loss = l.loss();
            settings.lossPos = at;
        } else if (d instanceof Declaration.Optimizer o) {
            settings.optimizer = o.optimizer();
        } else if (d instanceof Declaration.Clip c) {
            settings.clip = c.clip();
        } else if (d instanceof Declaration.Batch b) {
            settings.batch = b.size();
        } else if (d instanceof Declaration.Seed s) {
            settings.seed = s.seed();
        } else if (d instanceof Declaration.ElementType p) {
            settings.precision = p.precision();
        } else {
            throw new IllegalStateException("declaration without a place: " + d);
        }
    }

    private void layer(Declaration.Layer l, SourcePos at, Scope scope) {
        if (scope.layers.size() >= Limits.MAX_LAYERS) {
            reporter.error(at, "too many layers in " + scope.label, "at most " + Limits.MAX_LAYERS + " layers per stack");
            return;
        }
        if (scope.densePos != null) {
            reporter.error(at, "layer after the 'dense' head",
                    "layers stack in the order written and the head sits on top: move this layer above 'dense'",
                    Reporter.note(scope.densePos, "'dense' declared here"));
            return;
        }
        scope.layers.add(l.layer());
    }

    /** A keyword stated twice in one scope, or a second encoder/decoder block. */
    void duplicate(Ast.Lexeme second, SourcePos first) {
        reporter.error(second.pos(), "duplicate '" + second.text() + "'",
                "a model states '" + second.text() + "' once: remove one", Reporter.note(first, "first declared here"));
    }
}
