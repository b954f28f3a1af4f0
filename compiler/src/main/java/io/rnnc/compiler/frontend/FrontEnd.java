package io.rnnc.compiler.frontend;

import io.rnnc.compiler.InternalCompilerError;
import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.diag.Diagnostics;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The whole front end for one file, stage by stage: text to parse tree ({@link SpecParser}), parse tree
 * to {@link Ast} ({@link AstBuilder}), file-level rules ({@link FileChecks}), then each model from its
 * AST to a {@link Model} ({@link ModelBuilder}). Bad input of any kind gives diagnostics; a failure of a
 * stage itself is a bug in rnnc and surfaces as an {@link InternalCompilerError}, never as a diagnostic.
 */
public final class FrontEnd {

    /** The last stage: one model's AST to a model, reporting what is wrong with it. */
    interface ModelStage {
        Optional<Model> build(String packageName, Ast.ModelDecl decl);
    }

    private FrontEnd() {
    }

    /**
     * Parses and validates {@code text}; positions in diagnostics carry {@code fileName}.
     *
     * @throws InternalCompilerError if a stage fails, which is a bug in rnnc whatever the input
     */
    public static ParseResult parse(String fileName, String text) {
        return parse(fileName, text, ModelBuilder::new);
    }

    /** As {@link #parse(String, String)} with the last stage given: tests inject a failing one here. */
    static ParseResult parse(String fileName, String text, BiFunction<Reporter, String, ModelStage> modelStage) {
        Reporter reporter = new Reporter();
        List<Model> models = new ArrayList<>();
        // One line terminator ('\n') so ANTLR's line numbers and the renderer's lines always agree.
        String source = text.replace("\r\n", "\n").replace('\r', '\n');
        if (source.startsWith("\uFEFF")) {
            source = " " + source.substring(1); // a BOM: keep columns, drop the character
        }
        try {
            if (source.length() > Limits.MAX_SOURCE_CHARS) {
                reporter.error(new SourcePos(fileName, 1, 1, 1), "file is too large for a spec (" + source.length()
                                + " characters)", "a spec is at most " + Limits.MAX_SOURCE_CHARS
                                + " characters; is this the right file?");
            } else if (source.isBlank()) {
                reporter.warning(new SourcePos(fileName, 1, 1, 1), "no models in this file",
                        "a spec holds 'model Name { ... }' blocks");
            } else {
                run(fileName, source, reporter, modelStage.apply(reporter, source), models);
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Nesting is bounded by the grammar (one block level), so no valid or invalid spec recurses
            // deeply: whatever fails here is ours, not the spec's.
            throw new InternalCompilerError(fileName, e);
        }
        Map<String, String> sources = new HashMap<>();
        sources.put(fileName, source);
        return new ParseResult(models, Diagnostics.of(reporter.sorted(), sources));
    }

    private static void run(String file, String text, Reporter reporter, ModelStage modelStage, List<Model> models) {
        Ast.SpecFile spec = new AstBuilder(file, text).build(SpecParser.parse(file, text, reporter));
        FileChecks fileChecks = new FileChecks(reporter);
        for (Ast.TopLevel item : spec.items()) {
            if (item instanceof Ast.PackageDecl p) {
                fileChecks.packageDecl(p);
            } else if (item instanceof Ast.ModelDecl m) {
                fileChecks.modelName(m);
                int before = reporter.errorCount();
                Optional<Model> model = modelStage.build(fileChecks.packageName(), m);
                if (reporter.errorCount() == before) {
                    model.ifPresent(models::add);
                }
            }
        }
        if (!fileChecks.sawModel() && reporter.errorCount() == 0) {
            reporter.warning(new SourcePos(file, 1, 1, 1), "no models in this file",
                    "a spec holds 'model Name { ... }' blocks");
        }
        if (reporter.errorCount() > 0) {
            models.clear(); // callers generate nothing from a file with errors
        }
    }
}
