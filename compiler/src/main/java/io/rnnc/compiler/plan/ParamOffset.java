package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.ParamSpec;

/**
 * A parameter's offset constant ({@code W_IH0} for {@code rnn.weight_ih_l0}), named from where the tensor
 * sits in the network (stack, layer, kind), never by parsing its PyTorch name.
 */
public record ParamOffset(String constant, ParamSpec param) {
}
