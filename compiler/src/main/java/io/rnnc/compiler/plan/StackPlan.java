package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.InputKind;
import java.util.List;

/**
 * One stack of layers and how its layer-0 input arrives.
 *
 * @param role           {@code ""} for a single stack, {@code "encoder"} or {@code "decoder"}
 * @param prefix         the stack's parameter-name prefix ({@code ""}, {@code "encoder."}), for comments
 * @param steps          constant name of its step count ({@code T}, {@code T_IN}, {@code T_OUT})
 * @param inputKind      features, one-hot tokens or embedded tokens
 * @param inputSize      features: I; else 0
 * @param vocabSize      tokens: V; else 0
 * @param inputBuf       {@code [T, n, IN0]} layer-0 input vectors (features, embedding rows, concat(x, feedback));
 *                       null for one-hot tokens, which gather columns of W_ih instead
 * @param dInputBuf      embedded tokens: {@code [T, n, E]} d loss / d embedding rows; else null
 * @param tokenBuf       token inputs: {@code int [T, n]} time-major ids; else null
 * @param embedding      embedded tokens: offset constant of the embedding table; else null
 * @param vocab          token inputs: constant name of V; else null
 * @param zeroInitial    true when the stack starts from zero states (everything but a seq2seq decoder)
 * @param dropout        the stack's dropout probability (0: none); layers below the top then have the
 *                       {@code mask}/{@code drop} buffers {@code [T, n, out]} and the next layer reads drop
 * @param dropoutField   the static {@code Dropout} field of the stack when dropout is on; else null
 * @param carried        the stack may start from a given state (stateful training, the step API): slot 0 is not
 *                       always zero, so dW_hh includes step 0 ({@code sequence ... stateful} only; the step API
 *                       runs no backward pass)
 */
public record StackPlan(String role, String prefix, String steps, int stepCount, InputKind inputKind, int inputSize,
                        int vocabSize, String inputBuf, String dInputBuf, String tokenBuf, String embedding,
                        String vocab, boolean zeroInitial, List<LayerPlan> layers, double dropout,
                        String dropoutField, boolean carried) {

    public StackPlan {
        layers = List.copyOf(layers);
    }

    public LayerPlan top() {
        return layers.get(layers.size() - 1);
    }

    /** Layer l's input array: the stack's input buffer, or the h (bidirectional: out) of the layer below. */
    public String inputOf(LayerPlan lp) {
        if (lp.index() == 0) {
            return inputBuf;
        }
        LayerPlan below = layers.get(lp.index() - 1);
        if (below.has("drop")) {
            return below.buf("drop");
        }
        return below.bidirectional() ? below.buf("out") : below.buf("h");
    }

    /** What layer l hands up before dropout: its out (bidirectional) or h buffer, and that buffer's step-0 offset. */
    public String outputOf(LayerPlan lp) {
        return lp.bidirectional() ? lp.buf("out") : lp.buf("h");
    }

    public String outputOffset(LayerPlan lp) {
        return lp.bidirectional() ? "0" : "n * " + lp.h();
    }

    /** Where step 0 of layer l's input starts: 0, or slot 1 of the h of a one-directional layer below. */
    public String inputOffset(LayerPlan lp) {
        if (lp.index() == 0 || layers.get(lp.index() - 1).bidirectional() || layers.get(lp.index() - 1).has("drop")) {
            return "0";
        }
        return "n * " + layers.get(lp.index() - 1).h();
    }

    /** Where layer l's d loss / d input goes: the dh (bidirectional: dOut) of the layer below, or dInputBuf. */
    public String dInputOf(LayerPlan lp) {
        if (lp.index() == 0) {
            return dInputBuf;
        }
        LayerPlan below = layers.get(lp.index() - 1);
        return below.bidirectional() ? below.buf("dOut") : below.buf("dh");
    }

    /** Every direction of every layer, bottom first, a layer's forward direction before its reverse one. */
    public List<LayerPlan> directions() {
        List<LayerPlan> all = new java.util.ArrayList<>();
        for (LayerPlan lp : layers) {
            all.add(lp);
            lp.reverseDirection().ifPresent(all::add);
        }
        return all;
    }

    /** Layer 0 of one-hot tokens gathers columns of W_ih instead of a product. */
    public boolean oneHot(LayerPlan lp) {
        return lp.index() == 0 && inputKind == InputKind.TOKENS;
    }
}
