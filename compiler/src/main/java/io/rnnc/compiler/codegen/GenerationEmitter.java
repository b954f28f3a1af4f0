package io.rnnc.compiler.codegen;

import com.palantir.javapoet.TypeSpec;
import io.rnnc.compiler.plan.GenerationPlan;

/** Emits the generation API of the generative modes (filled in with issue 5). */
final class GenerationEmitter {

    private final GenerationPlan plan;
    private final Num num;
    private final TypeSpec.Builder type;

    GenerationEmitter(GenerationPlan plan, Num num, TypeSpec.Builder type) {
        this.plan = plan;
        this.num = num;
        this.type = type;
    }

    void emit() {
        // generation methods arrive with issue 5
    }
}
