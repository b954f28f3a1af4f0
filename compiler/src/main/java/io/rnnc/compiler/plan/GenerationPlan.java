package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import java.util.List;
import java.util.Optional;

/**
 * What the code generator emits for one model, decided once: the named constants, every parameter's
 * offset constant, every buffer with its size and layout, and the per-stack, per-layer step plans.
 * The emitter reads only this and the model. Build one with {@link Planner#plan(Model)}.
 *
 * @param encoder    seq2seq: the encoder stack's plan
 * @param stack      the single stack, or the decoder
 * @param logitsBuf  {@code [T_OUT, n, O]} head output before its activation, time-major
 * @param dLogitsBuf {@code [T_OUT, n, O]} d loss / d logits
 * @param generation one-step buffers of the generation API (generative modes only)
 */
public record GenerationPlan(Model model, List<Constant> constants, List<ParamOffset> offsets, List<Buffer> buffers,
                             Optional<StackPlan> encoder, StackPlan stack, String fcWeight, String fcBias,
                             String logitsBuf, String dLogitsBuf, Optional<GenerationBuffers> generation) {

    public GenerationPlan {
        constants = List.copyOf(constants);
        offsets = List.copyOf(offsets);
        buffers = List.copyOf(buffers);
    }

    public boolean float64() {
        return model.precision() == Precision.FLOAT64;
    }

    /** Stacks in forward order: encoder (if any), then the main/decoder stack. */
    public List<StackPlan> stacks() {
        return encoder.map(e -> List.of(e, stack)).orElse(List.of(stack));
    }

    public Constant constant(String name) {
        return constants.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no constant " + name));
    }

    public String offsetOf(String paramName) {
        return offsets.stream().filter(o -> o.param().name().equals(paramName)).map(ParamOffset::constant)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no parameter " + paramName));
    }
}
