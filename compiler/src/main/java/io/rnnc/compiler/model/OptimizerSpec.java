package io.rnnc.compiler.model;

/**
 * The optimizer with every setting resolved (PyTorch's defaults filled in).
 * For SGD, beta1/beta2/eps are unused (0); for Adam, momentum is unused (0).
 */
public record OptimizerSpec(Kind kind, double lr, double beta1, double beta2, double eps,
                            double weightDecay, double momentum, SourcePos pos) {

    public enum Kind {
        ADAM, SGD;

        /** The word after {@code optimizer} in a spec. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** torch.optim.Adam defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0. */
    public static OptimizerSpec adamDefaults(SourcePos pos) {
        return new OptimizerSpec(Kind.ADAM, 1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, pos);
    }
}
