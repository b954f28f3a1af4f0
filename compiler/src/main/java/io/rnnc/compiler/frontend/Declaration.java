package io.rnnc.compiler.frontend;

import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;

/** What one statement means once {@link StatementChecks} has checked its arguments. */
sealed interface Declaration {

    record Input(InputSpec input) implements Declaration {
    }

    /** @param mode null inside an encoder/decoder block, where the model's mode is seq2seq */
    record Sequence(int steps, SequenceMode mode, boolean stateful) implements Declaration {
        Sequence(int steps, SequenceMode mode) {
            this(steps, mode, false);
        }

    }

    record Layer(LayerDecl layer) implements Declaration {
    }

    record Dropout(double p) implements Declaration {
    }

    record Dense(int outputs, HeadActivation activation) implements Declaration {
    }

    record Loss(LossKind loss) implements Declaration {
    }

    record Optimizer(OptimizerSpec optimizer) implements Declaration {
    }

    record Clip(ClipSpec clip) implements Declaration {
    }

    record Batch(int size) implements Declaration {
    }

    record Seed(long seed) implements Declaration {
    }

    record ElementType(Precision precision) implements Declaration {
    }
}
