package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import java.util.List;
import java.util.Optional;

/**
 * What the code generator emits for one model, decided once: the settings the emitters branch on, the named
 * constants, every parameter's offset constant, every buffer with its size and layout, and the per-stack,
 * per-layer plans. The emitters read their decisions from here; {@code model} gives only the class's name,
 * package, spec text, seed and parameter list. Build one with {@link Planner#plan(Model)}.
 *
 * @param headLastStep true if the head reads only the last step (many_to_one, one_to_one)
 * @param encoder      seq2seq: the encoder stack's plan
 * @param stack        the single stack, or the decoder
 * @param logitsBuf    {@code [T_OUT, n, O]} head output before its activation, time-major
 * @param dLogitsBuf   {@code [T_OUT, n, O]} d loss / d logits
 * @param generation   one-step buffers of the generation API (generative modes only)
 */
public record GenerationPlan(Model model, Precision precision, SequenceMode mode, LossKind loss,
                             HeadActivation headActivation, OptimizerSpec optimizer, Optional<ClipSpec> clip,
                             boolean headLastStep, List<Constant> constants, List<ParamOffset> offsets,
                             List<Buffer> buffers, Optional<StackPlan> encoder, StackPlan stack, String fcWeight,
                             String fcBias, String logitsBuf, String dLogitsBuf, Optional<GenerationBuffers> generation) {

    public GenerationPlan {
        constants = List.copyOf(constants);
        offsets = List.copyOf(offsets);
        buffers = List.copyOf(buffers);
    }

    public boolean float64() {
        return precision == Precision.FLOAT64;
    }

    public boolean seq2seq() {
        return mode == SequenceMode.SEQ2SEQ;
    }

    public boolean oneToMany() {
        return mode == SequenceMode.ONE_TO_MANY;
    }

    /** The head predicts classes (cross-entropy on a softmax): generation picks token ids. */
    public boolean tokensOut() {
        return loss == LossKind.CROSS_ENTROPY;
    }

    /**
     * The batch may carry per-sample lengths (the modes with an input sequence): the generated class keeps a
     * {@code LengthOrder} per chunk and reads its rows in that order.
     */
    public boolean takesLengths() {
        return mode == SequenceMode.MANY_TO_ONE || mode == SequenceMode.MANY_TO_MANY || mode == SequenceMode.SEQ2SEQ;
    }

    /**
     * Stack {@code s} runs only the rows still running at each step (the stack that reads the input sequence);
     * a seq2seq decoder runs every row for all T_OUT steps and its loss masks the positions past each target.
     */
    public boolean packed(StackPlan s) {
        return takesLengths() && (!seq2seq() || s != stack);
    }

    /**
     * The model implements the step API ({@code StatefulModel}): a single stack that reads a sequence
     * (many_to_one, many_to_many) with one direction per layer. Its stack can start from a caller's state.
     */
    public boolean stateApi() {
        return (mode == SequenceMode.MANY_TO_ONE || mode == SequenceMode.MANY_TO_MANY)
                && stack.layers().stream().noneMatch(LayerPlan::bidirectional);
    }

    /** Stacks in forward order: encoder (if any), then the main/decoder stack. */
    public List<StackPlan> stacks() {
        return encoder.map(e -> List.of(e, stack)).orElse(List.of(stack));
    }

    public Constant constant(String name) {
        return constants.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no constant " + name));
    }
}
