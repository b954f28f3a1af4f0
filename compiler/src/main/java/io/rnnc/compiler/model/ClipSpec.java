package io.rnnc.compiler.model;

/** Gradient clipping: by global L2 norm ({@code clip_grad_norm_}) or element-wise by value. */
public record ClipSpec(Kind kind, double threshold, SourcePos pos) {

    public ClipSpec {
        Invariants.present(kind, "clip kind");
        Invariants.require(Double.isFinite(threshold) && threshold > 0, "clip threshold must be finite and > 0, got",
                threshold);
        Invariants.present(pos, "clip pos");
    }
    public enum Kind {
        NORM, VALUE;

        /** The word after {@code clip} in a spec. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
