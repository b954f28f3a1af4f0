package io.rnnc.compiler.plan;

/**
 * A {@code static final int} of the generated class: a size ({@code B}, {@code T}, {@code H0}, ...) or
 * a parameter's first element in the flat store ({@code W_IH0}).
 *
 * @param comment what the constant means, emitted as its Javadoc
 */
public record Constant(String name, long value, String comment) {
}
