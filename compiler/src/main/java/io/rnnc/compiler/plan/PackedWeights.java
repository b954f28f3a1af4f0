package io.rnnc.compiler.plan;

import java.util.Optional;

/**
 * float32: the fields holding a layer's weights packed for the products, refreshed once per update.
 *
 * @param recurrentT W_hh^T [H × G] for the forward step products ({@code whhT0})
 * @param recurrent  W_hh [G × H] for the backward dh products ({@code whh0})
 * @param inputT     W_ih^T [IN × G] for the forward input projection ({@code wihT0}); empty for one-hot
 *                   tokens, whose projection gathers columns of W_ih
 */
public record PackedWeights(String recurrentT, String recurrent, Optional<String> inputT) {
}
