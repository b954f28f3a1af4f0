package io.rnnc.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.TypeName;
import io.rnnc.compiler.model.Precision;

/** The element type generated code computes in, and the spellings that depend on it. */
record Num(Precision precision) {

    boolean isFloat() {
        return precision == Precision.FLOAT32;
    }

    /** {@code float} or {@code double}. */
    String t() {
        return isFloat() ? "float" : "double";
    }

    TypeName type() {
        return isFloat() ? TypeName.FLOAT : TypeName.DOUBLE;
    }

    TypeName array() {
        return ArrayTypeName.of(type());
    }

    /** {@code sgemm} or {@code dgemm}. */
    String gemm() {
        return isFloat() ? "sgemm" : "dgemm";
    }

    /** A literal of the element type: {@code 1f} / {@code 1.0}. */
    String lit(int v) {
        return isFloat() ? v + "f" : v + ".0";
    }

    /** The narrowing cast a double expression needs to become the element type ("" for double). */
    String cast() {
        return isFloat() ? "(float) " : "";
    }
}
