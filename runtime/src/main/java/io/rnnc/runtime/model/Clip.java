package io.rnnc.runtime.model;

/**
 * Gradient clipping before the optimizer step, as PyTorch's {@code clip_grad_norm_} (by norm) and
 * {@code clip_grad_value_} (by value), or none.
 *
 * @param kind  what is clipped
 * @param limit the maximum norm, or the largest absolute value (unused for {@link Kind#NONE})
 */
public record Clip(Kind kind, double limit) {

    /** No clipping. */
    public static final Clip NONE = new Clip(Kind.NONE, 0);

    public enum Kind { NONE, NORM, VALUE }

    public Clip {
        if (kind != Kind.NONE && !(limit > 0)) {
            throw new IllegalArgumentException("clip limit must be positive, got " + limit);
        }
    }

    public static Clip byNorm(double maxNorm) {
        return new Clip(Kind.NORM, maxNorm);
    }

    public static Clip byValue(double limit) {
        return new Clip(Kind.VALUE, limit);
    }
}
