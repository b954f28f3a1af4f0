package io.rnnc.compiler.plan;

/**
 * A {@code static final int} of the generated class: a size ({@code B}, {@code T}, {@code H0}, ...).
 *
 * @param comment what the constant means (null where the name says it), emitted as a short comment
 */
public record Constant(String name, long value, String comment) {

    public Size size() {
        return Size.of(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
