package io.rnnc.compiler.model;

/** Losses, all with PyTorch's mean reduction. */
public enum LossKind {
    /** log-softmax + NLL, mean over positions; targets are class ids. */
    CROSS_ENTROPY,
    /** mean((z - y)^2) over all elements; targets are floats. */
    MSE,
    /** binary_cross_entropy_with_logits, mean over all elements; targets are floats in [0, 1]. */
    BCE;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Class-id targets (int) rather than float targets. */
    public boolean classTargets() {
        return this == CROSS_ENTROPY;
    }
}
