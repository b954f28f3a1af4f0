package io.rnnc.compiler.model;

/** The activation of the dense output head. Logits are always kept before it. */
public enum HeadActivation {
    SOFTMAX, SIGMOID, TANH, LINEAR;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
