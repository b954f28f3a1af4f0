package io.rnnc.compiler.plan;

/** Offset constants of one layer's four parameters: {@code W_IH0}, {@code W_HH0}, {@code B_IH0}, {@code B_HH0}. */
public record LayerParams(String wIh, String wHh, String bIh, String bHh) {
}
