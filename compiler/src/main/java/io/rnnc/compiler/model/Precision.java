package io.rnnc.compiler.model;

/** Element type of parameters and activations; float64 exists for gradient checking. */
public enum Precision {
    FLOAT32, FLOAT64;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
