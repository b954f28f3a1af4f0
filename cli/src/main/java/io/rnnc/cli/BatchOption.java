package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import picocli.CommandLine.Option;

/** {@code --batch B}: samples per step, at most the batch the model is sized for (a picocli mixin). */
final class BatchOption {

    @Option(names = "--batch", paramLabel = "B", description = "samples per step (default: the spec's batch)")
    Integer batch;

    /** The batch to use with {@code model}; a user error if it is not from 1 to the spec's batch. */
    int resolve(Model model) {
        int b = batch == null ? model.batch() : batch;
        Flags.positive("--batch", b);
        if (b > model.batch()) {
            throw new UserException("--batch " + b + " is larger than model " + model.name() + " is sized for ("
                    + model.batch() + "); raise 'batch' in the spec");
        }
        return b;
    }
}
