package io.rnnc.compiler.plan;

import com.palantir.javapoet.CodeBlock;

/**
 * An element count of the generated class: its value, and the Java expression over the class's constants
 * that computes it ({@code (T + 1) * CHUNK * H0}), built by combinators so the two always agree.
 *
 * @param value the evaluated count
 * @param code  the expression
 * @param sum   true if the expression's top operator is {@code +} (it then needs parentheses in a product)
 */
public record Size(long value, CodeBlock code, boolean sum) {

    public static Size literal(long value) {
        return new Size(value, CodeBlock.of("$L", value), false);
    }

    public static Size of(Constant c) {
        return new Size(c.value(), CodeBlock.of("$L", c.name()), false);
    }

    public Size times(Size other) {
        return new Size(Math.multiplyExact(value, other.value),
                CodeBlock.of("$L * $L", operand(this), operand(other)), false);
    }

    public Size times(Constant c) {
        return times(of(c));
    }

    public Size plus(Size other) {
        return new Size(Math.addExact(value, other.value), CodeBlock.of("$L + $L", code, other.code), true);
    }

    public Size plus(long v) {
        return plus(literal(v));
    }

    private static CodeBlock operand(Size s) {
        return s.sum ? CodeBlock.of("($L)", s.code) : s.code;
    }

    @Override
    public String toString() {
        return code.toString();
    }
}
