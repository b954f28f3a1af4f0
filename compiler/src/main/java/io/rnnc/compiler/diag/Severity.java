package io.rnnc.compiler.diag;

/** How bad a diagnostic is: errors stop generation, warnings do not. */
public enum Severity {
    ERROR, WARNING;

    public String label() {
        return this == ERROR ? "error" : "warning";
    }
}
