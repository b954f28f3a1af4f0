package io.rnnc.compiler.cell;

import com.palantir.javapoet.CodeBlock;
import io.rnnc.compiler.model.CellType;
import java.util.List;

/** PyTorch's {@code nn.RNN}: one gate, tanh or ReLU. */
final class SimpleCell extends Cell {

    private final CellType type;
    private final boolean relu;

    SimpleCell(CellType type, boolean relu) {
        this.type = type;
        this.relu = relu;
    }

    @Override
    public CellType type() {
        return type;
    }

    private String act() {
        return relu ? "relu" : "tanh";
    }

    @Override
    public String gateNames() {
        return act();
    }

    @Override
    public List<String> equations() {
        return List.of("h_t = " + act() + "(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)");
    }

    @Override
    public int storedPerUnit() {
        return 1; // h: tanh' and relu' come from h
    }

    @Override
    public void forward(CodeBlock.Builder c, Step s) {
        c.add("// h_t = $L(pre-activation), row by row\n", act());
        rows(c, s, false);
        c.addStatement("$T.$L($L, $L, $L, $L, $L)", CELLS, relu ? "rnnRelu" : "rnnTanh", s.array("gates"),
                Step.plus(s.base("gates"), "r * " + s.gs()), s.array("h"), Step.plus(s.nextBase("h"), "hr"), s.h());
        c.endControlFlow();
    }

    @Override
    public void backward(CodeBlock.Builder c, Step s) {
        c.add("// dGates = (dh + dhNext) * $L'(pre), from h_t\n", act());
        rows(c, s, false);
        c.addStatement("$T.$L($L, $L, $L, r * $L, $L, $L, $L, $L, $L)", CELLS,
                relu ? "rnnReluBackward" : "rnnTanhBackward", s.array("dh"), Step.plus(s.base("dh"), "hr"),
                s.array("dhNext"), s.hs(), s.array("h"), Step.plus(s.nextBase("h"), "hr"), s.array("dGates"),
                Step.plus(s.base("gates"), "r * " + s.gs()), s.h());
        c.endControlFlow();
    }
}
