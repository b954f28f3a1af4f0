package io.rnnc.compiler.cell;

import com.palantir.javapoet.CodeBlock;
import io.rnnc.compiler.model.CellType;
import java.util.List;

/** PyTorch's {@code nn.GRU}: gates r, z, n; the n gate multiplies the recurrent side by r. */
final class GruCell extends Cell {

    @Override
    public CellType type() {
        return CellType.GRU;
    }

    @Override
    public String gateNames() {
        return "r, z, n";
    }

    @Override
    public List<String> equations() {
        return List.of("[r z] = sigmoid(x_t W_i[rz]^T + b_i[rz] + h_{t-1} W_h[rz]^T + b_h[rz])",
                "n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))", "h_t = (1 - z) * n + z * h_{t-1}");
    }

    @Override
    public List<CellBuffer> buffers() {
        return List.of(
                new CellBuffer("hn", CellBuffer.Extent.STEPS_HIDDEN, CellBuffer.Use.FORWARD, "W_hn h_{t-1} + b_hn"),
                new CellBuffer("rec", CellBuffer.Extent.ROW_GATES, CellBuffer.Use.FORWARD,
                        "scratch: h_{t-1} W_hh^T of one step"),
                new CellBuffer("dRec", CellBuffer.Extent.STEPS_GATES, CellBuffer.Use.BACKWARD,
                        "d loss / d (h_{t-1} W_hh^T + b_hh): dGates with the n block times r"));
    }

    @Override
    public boolean recurrentApart() {
        return true;
    }

    @Override
    public int biasBothRows() {
        return 2;
    }

    @Override
    public int storedPerUnit() {
        return 5; // h, r, z, n and W_hn h + b_hn, which dr needs
    }

    @Override
    public void forward(CodeBlock.Builder c, Step s) {
        String gates = s.array("gates");
        String rec = s.array("rec");
        c.add("// r, z = sigmoid(input side + rec); hn = rec_n + b_hn; n = tanh(input side + r * hn);\n");
        c.add("// h_t = (1 - z) * n + z * h_{t-1}; activations in place, row by row\n");
        rows(c, s, true);
        c.addStatement("int ra = $L", Step.plus(s.base("rec"), "r * " + s.gs()));
        c.addStatement("$T.gruGates($L, ra, $L, ga, $L)", CELLS, rec, gates, s.h());
        c.addStatement("$T.gruCandidateCell($L, ra + 2 * $L, w, $L + 2 * $L, $L, $L, $L, ga, $L, $L, $L, $L)", CELLS, rec,
                s.h(), s.bHh(), s.h(), s.array("hn"), Step.plus(s.base("hn"), "hr"), gates, s.array("h"),
                Step.plus(s.base("h"), "hr"), Step.plus(s.nextBase("h"), "hr"), s.h());
        c.endControlFlow();
    }

    @Override
    public void backward(CodeBlock.Builder c, Step s) {
        c.add("// dn, dz, dr through the gates' derivatives; dRec = dGates with the n block times r;\n");
        c.add("// the direct path dhNext = d * z (the product below adds dRec · W_hh)\n");
        rows(c, s, true);
        c.addStatement("$T.gruCellBackward($L, $L, $L, r * $L, $L, ga, $L, $L, $L, $L, $L, $L, ga, $L)", CELLS,
                s.array("dh"), Step.plus(s.base("dh"), "hr"), s.array("dhNext"), s.hs(), s.array("gates"),
                s.array("h"), Step.plus(s.base("h"), "hr"), s.array("hn"), Step.plus(s.base("hn"), "hr"),
                s.array("dGates"), s.array("dRec"), s.h());
        c.endControlFlow();
    }
}
