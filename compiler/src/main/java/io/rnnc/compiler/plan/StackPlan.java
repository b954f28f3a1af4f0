package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.InputKind;
import io.rnnc.compiler.model.Stack;
import java.util.List;

/**
 * One stack of layers and how its layer-0 input arrives.
 *
 * @param stack          the model's stack
 * @param steps          constant name of its step count ({@code T}, {@code T_IN}, {@code T_OUT})
 * @param inputBuf       {@code [T, n, IN0]} layer-0 input vectors (features, embedding rows, concat(x, feedback));
 *                       null for one-hot tokens, which gather columns of W_ih instead
 * @param dInputBuf      embedded tokens: {@code [T, n, E]} d loss / d embedding rows; else null
 * @param tokenBuf       token inputs: {@code int [T, n]} time-major ids; else null
 * @param embedding      embedded tokens: offset constant of the embedding table; else null
 * @param vocab          token inputs: constant name of V; else null
 * @param zeroInitial    true when the stack starts from h = c = 0 (everything but a seq2seq decoder)
 */
public record StackPlan(Stack stack, String steps, int stepCount, String inputBuf, String dInputBuf, String tokenBuf,
                        String embedding, String vocab, boolean zeroInitial, List<LayerPlan> layers) {

    public StackPlan {
        layers = List.copyOf(layers);
    }

    public LayerPlan top() {
        return layers.get(layers.size() - 1);
    }

    public InputKind inputKind() {
        return stack.input().kind();
    }
}
