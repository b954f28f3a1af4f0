package io.rnnc.compiler.frontend;

import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ModelAssembler;
import io.rnnc.compiler.model.ModelAssembler.StackDecl;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import java.util.Optional;

/**
 * One {@code model Name { ... }} from its {@link Ast} to a {@link Model}: places and checks each
 * statement ({@link PlacementChecks}, {@link StatementChecks}), checks them against each other
 * ({@link ModelChecks}), then fills in PyTorch's defaults and assembles the model
 * ({@link ModelAssembler}). A model with any error is not built.
 */
final class ModelBuilder implements FrontEnd.ModelStage {

    /** torch's defaults for what a spec leaves out. */
    static final int DEFAULT_BATCH = 64;
    static final long DEFAULT_SEED = 0L;

    private final Reporter reporter;
    private final PlacementChecks placement;
    private final ModelChecks checks;

    /** @param source the text the AST's lexemes index into */
    ModelBuilder(Reporter reporter, String source) {
        this.reporter = reporter;
        this.placement = new PlacementChecks(reporter, new StatementChecks(reporter, source));
        this.checks = new ModelChecks(reporter);
    }

    /** Builds one model, or reports why not. */
    @Override
    public Optional<Model> build(String packageName, Ast.ModelDecl decl) {
        int errorsBefore = reporter.errorCount();
        String name = decl.name() == null ? "?" : decl.name().text();
        boolean seq2seq = decl.body().stream().anyMatch(s -> s instanceof Ast.Block);
        Scope top = new Scope("model '" + name + "'", decl.keyword().pos(), true);
        Scope.Settings settings = new Scope.Settings();
        Scope encoder = null;
        Scope decoder = null;

        for (Ast.Statement st : decl.body()) {
            if (st instanceof Ast.Block b) {
                boolean isEncoder = b.keyword() == StatementKeyword.ENCODER;
                Scope previous = isEncoder ? encoder : decoder;
                if (previous != null) {
                    placement.duplicate(b.word(), previous.opener);
                    continue;
                }
                Scope scope = new Scope("'" + b.word().text() + "'", b.word().pos(), false);
                for (Ast.SimpleStatement s : b.statements()) {
                    placement.statement(s, scope, settings, isEncoder ? PlacementChecks.Place.ENCODER
                            : PlacementChecks.Place.DECODER);
                }
                if (isEncoder) {
                    encoder = scope;
                } else {
                    decoder = scope;
                }
            } else {
                placement.statement((Ast.SimpleStatement) st, top, settings,
                        seq2seq ? PlacementChecks.Place.SEQ2SEQ_MODEL : PlacementChecks.Place.MODEL);
            }
        }
        if (decl.damaged()) {
            return Optional.empty(); // syntax errors inside: "missing" checks would only add noise
        }
        SourcePos modelPos = decl.pos();
        Scope head;
        if (seq2seq) {
            checks.encoderDecoder(name, modelPos, encoder, decoder, settings);
            head = decoder;
        } else {
            checks.singleStack(top, modelPos);
            head = top;
        }
        checks.loss(name, modelPos, top, head, settings, seq2seq);
        if (reporter.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        return assemble(packageName, name, decl, seq2seq ? encoder : null, head, settings);
    }

    /** Defaults filled in, sizes derived; only the parameter count can still be refused here. */
    private Optional<Model> assemble(String packageName, String name, Ast.ModelDecl decl, Scope encoder, Scope main,
                                     Scope.Settings settings) {
        SourcePos modelPos = decl.pos();
        SequenceMode mode = encoder != null ? SequenceMode.SEQ2SEQ : main.mode;
        Optional<StackDecl> encoderDecl = Optional.ofNullable(encoder).map(ModelBuilder::stackDecl);
        StackDecl mainDecl = stackDecl(main);
        long parameters = ModelAssembler.parameterCount(mode, encoderDecl, mainDecl, main.outputs);
        if (parameters > Limits.MAX_PARAMETERS) {
            reporter.error(modelPos, "model '" + name + "' has " + parameters
                            + " parameters, more than one Java array holds",
                    "at most " + Limits.MAX_PARAMETERS + " parameters: use narrower layers or a smaller vocabulary");
            return Optional.empty();
        }
        OptimizerSpec optimizer = settings.optimizer != null ? settings.optimizer : OptimizerSpec.adamDefaults(modelPos);
        return Optional.of(ModelAssembler.assemble(packageName, name, mode, encoderDecl, mainDecl, main.outputs,
                main.activation, main.densePos, settings.loss, optimizer, Optional.ofNullable(settings.clip),
                settings.batch == null ? DEFAULT_BATCH : settings.batch,
                settings.seed == null ? DEFAULT_SEED : settings.seed,
                settings.precision == null ? Precision.FLOAT32 : settings.precision, decl.source(), modelPos));
    }

    private static StackDecl stackDecl(Scope s) {
        return new StackDecl(s.input, s.steps, s.layers, s.dropout == null ? 0 : s.dropout, s.stateful,
                s.seen.get(StatementKeyword.INPUT));
    }
}
