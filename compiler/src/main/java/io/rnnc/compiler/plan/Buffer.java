package io.rnnc.compiler.plan;

/**
 * An activation or scratch array of the generated class, allocated once for the spec's batch.
 *
 * @param name     field name
 * @param ints     an {@code int[]} (token ids) rather than the model's element type
 * @param size     the element count as a constant expression over the plan's constants, e.g. {@code "(T + 1) * B * H0"}
 * @param elements the same count evaluated
 * @param shape    the layout, e.g. {@code "[T + 1, B, H0], slot 0 = initial state"}
 */
public record Buffer(String name, boolean ints, String size, long elements, String shape) {
}
