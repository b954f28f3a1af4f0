package io.rnnc.compiler.frontend;

import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one scope (a single-stack model, or an encoder/decoder block) states, as {@link PlacementChecks}
 * collects it. A statement whose arguments had an error is in {@link #seen} (so it is not also reported
 * missing) but its value stays null.
 */
final class Scope {

    /** How messages name the scope: {@code model 'Xor'}, {@code 'encoder'}. */
    final String label;
    /** 'model', 'encoder' or 'decoder'. */
    final SourcePos opener;
    /** The model itself rather than an encoder/decoder block. */
    final boolean isModel;
    /** Each non-layer keyword's first statement. */
    final Map<StatementKeyword, SourcePos> seen = new EnumMap<>(StatementKeyword.class);
    InputSpec input;
    Integer steps;
    SequenceMode mode;
    SourcePos sequencePos;
    /** 'sequence T MODE stateful'. */
    boolean stateful;
    /** The layers whose statements were valid, in order. */
    final List<LayerDecl> layers = new ArrayList<>();
    /** Every layer statement, valid or not. */
    int layerStatements;
    /** The stack's 'dropout P' (null if none). */
    Double dropout;
    SourcePos dropoutPos;
    Integer outputs;
    HeadActivation activation;
    SourcePos densePos;

    Scope(String label, SourcePos opener, boolean isModel) {
        this.label = label;
        this.opener = opener;
        this.isModel = isModel;
    }

    /** Every layer statement gave a layer, so the layers pair up with their statements. */
    boolean allLayersValid() {
        return layers.size() == layerStatements;
    }

    /** Model-wide settings, stated once outside any block. */
    static final class Settings {
        LossKind loss;
        SourcePos lossPos;
        OptimizerSpec optimizer;
        ClipSpec clip;
        Integer batch;
        Long seed;
        Precision precision;
    }
}
