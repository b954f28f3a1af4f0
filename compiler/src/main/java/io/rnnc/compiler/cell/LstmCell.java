package io.rnnc.compiler.cell;

import com.palantir.javapoet.CodeBlock;
import io.rnnc.compiler.model.CellType;
import java.util.List;

/** PyTorch's {@code nn.LSTM}: gates i, f, g, o; a cell state c beside h. */
final class LstmCell extends Cell {

    @Override
    public CellType type() {
        return CellType.LSTM;
    }

    @Override
    public String gateNames() {
        return "i, f, g, o";
    }

    @Override
    public List<String> equations() {
        return List.of("[i f g o] = [sigmoid sigmoid tanh sigmoid](x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)",
                "c_t = f * c_{t-1} + i * g", "h_t = o * tanh(c_t)");
    }

    @Override
    public List<CellState> states() {
        return List.of(H, C);
    }

    @Override
    public List<CellBuffer> buffers() {
        return List.of(new CellBuffer("tc", CellBuffer.Extent.STEPS_HIDDEN, CellBuffer.Use.FORWARD, "tanh(c_t)"));
    }

    @Override
    public int storedPerUnit() {
        return 6; // h, c, i, f, g, o
    }

    @Override
    public CodeBlock activationTable(String h, String gs) {
        return CodeBlock.of("$T.lstmActivationTable($L, $L)", CELLS, h, gs);
    }

    @Override
    public void forward(CodeBlock.Builder c, Step s) {
        String gates = s.array("gates");
        if (s.float32()) {
            c.add("// i, f, o = sigmoid, g = tanh over the step's [n × $L] block, column by column from $L\n", s.gs(),
                    s.table());
            c.addStatement("$T.gateActivations($L, $L, $L, $L, $L)", CELLS, gates, s.base("gates"), s.rows(), s.gs(), s.table());
        } else {
            c.add("// i, f, o = sigmoid, g = tanh over the step's [n × $L] block\n", s.gs());
            c.addStatement("$T.lstmGates($L, $L, $L, $L, $L)", CELLS, gates, s.base("gates"), s.rows(), s.gs(), s.h());
        }
        c.add("// c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t), row by row\n");
        rows(c, s, false);
        c.addStatement("$T.lstmCell($L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", CELLS, gates,
                Step.plus(s.base("gates"), "r * " + s.gs()), s.array("c"), Step.plus(s.base("c"), "hr"),
                Step.plus(s.nextBase("c"), "hr"), s.array("tc"), Step.plus(s.base("tc"), "hr"), s.array("h"),
                Step.plus(s.nextBase("h"), "hr"), s.h());
        c.endControlFlow();
    }

    @Override
    public void backward(CodeBlock.Builder c, Step s) {
        c.add("// d = dh + dhNext; dc = dcNext + d * o * (1 - tanh²(c_t)); di, df, dg, do through the gates'\n");
        c.add("// derivatives; dcNext = dc * f\n");
        rows(c, s, true);
        c.addStatement("$T.lstmCellBackward($L, $L, $L, r * $L, $L, ga, $L, $L, $L, $L, $L, hr, $L, ga, $L)", CELLS,
                s.array("dh"), Step.plus(s.base("dh"), "hr"), s.array("dhNext"), s.hs(), s.array("gates"),
                s.array("tc"), Step.plus(s.base("tc"), "hr"), s.array("c"), Step.plus(s.base("c"), "hr"),
                s.array("dcNext"), s.array("dGates"), s.h());
        c.endControlFlow();
    }
}
