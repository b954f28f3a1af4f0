package io.rnnc.compiler.model;

/**
 * The optimizer with every setting resolved (PyTorch's defaults filled in).
 * For SGD, beta1/beta2/eps are unused (0); for Adam and AdamW, momentum is unused (0). AdamW's weight decay is
 * PyTorch's decoupled one ({@code p *= 1 - lr * weight_decay} before the Adam step), Adam's and SGD's the L2 term.
 */
public record OptimizerSpec(Kind kind, double lr, double beta1, double beta2, double eps,
                            double weightDecay, double momentum, SourcePos pos) {

    /** Settings in PyTorch's valid ranges; the ones the kind does not use are 0. */
    public OptimizerSpec {
        Invariants.present(kind, "optimizer kind");
        Invariants.present(pos, "optimizer pos");
        Invariants.require(Double.isFinite(lr) && lr > 0, "lr must be finite and > 0, got", lr);
        Invariants.require(Double.isFinite(weightDecay) && weightDecay >= 0, "weight_decay must be >= 0, got",
                weightDecay);
        if (kind.adamFamily()) {
            Invariants.require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "adam betas must be in [0, 1), got",
                    beta1, beta2);
            Invariants.require(Double.isFinite(eps) && eps >= 0, "adam eps must be >= 0, got", eps);
            Invariants.require(momentum == 0, "adam has no momentum, got", momentum);
        } else {
            Invariants.require(Double.isFinite(momentum) && momentum >= 0, "sgd momentum must be >= 0, got", momentum);
            Invariants.require(beta1 == 0 && beta2 == 0 && eps == 0, "sgd has no betas or eps, got", beta1, beta2, eps);
        }
    }

    public enum Kind {
        ADAM, SGD, ADAMW;

        /** The word after {@code optimizer} in a spec. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Adam or AdamW: betas, eps, two moment buffers. */
        public boolean adamFamily() {
            return this != SGD;
        }
    }

    /** torch.optim.AdamW defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01. */
    public static OptimizerSpec adamwDefaults(SourcePos pos) {
        return new OptimizerSpec(Kind.ADAMW, 1e-3, 0.9, 0.999, 1e-8, 0.01, 0.0, pos);
    }

    /** torch.optim.Adam defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0. */
    public static OptimizerSpec adamDefaults(SourcePos pos) {
        return new OptimizerSpec(Kind.ADAM, 1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, pos);
    }
}
