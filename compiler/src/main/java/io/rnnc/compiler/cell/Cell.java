package io.rnnc.compiler.cell;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import io.rnnc.compiler.model.CellType;
import io.rnnc.runtime.math.Cells;
import java.util.List;

/**
 * One recurrent cell kind: its gates and their order, the states it carries, the buffers it needs beyond
 * the shared ones, its equations, and the code of its forward step (training and generation use the same)
 * and its backward step, for float32 and float64, as calls of the runtime's {@link Cells} helpers.
 *
 * <p>What every cell shares stays in the layer emitter: the time loop, the input projection with the bias
 * rows, the recurrent product {@code h_{t-1} W_hh^T}, the backward product for dh_{t-1}, the weight
 * gradients, chunking. A new cell kind is a subclass here (registered in {@link #of}) plus its runtime
 * helpers in {@link Cells}.
 */
public abstract class Cell {

    /** The runtime helpers the emitted code calls. */
    protected static final ClassName CELLS = ClassName.get(Cells.class);

    static final CellState H = new CellState("h", "dhNext", true);
    static final CellState C = new CellState("c", "dcNext", false);

    /** The cell of a model's cell type. */
    public static Cell of(CellType type) {
        return switch (type) {
            case RNN_TANH -> new SimpleCell(type, false);
            case RNN_RELU -> new SimpleCell(type, true);
            case LSTM -> new LstmCell();
            case GRU -> new GruCell();
        };
    }

    public abstract CellType type();

    /** G: how many H-wide blocks the gate row stacks (PyTorch's order). */
    public int gates() {
        return type().gates();
    }

    /** The gate blocks in order, e.g. {@code i, f, g, o}. */
    public abstract String gateNames();

    /** The step's equations, one per line, for comments. */
    public abstract List<String> equations();

    /** The states carried from step to step: h first. */
    public List<CellState> states() {
        return List.of(H);
    }

    /** Buffers beyond h, the gate block, dh and dhNext. */
    public List<CellBuffer> buffers() {
        return List.of();
    }

    /**
     * True if the recurrent side {@code h_{t-1} W_hh^T + b_hh} is kept apart from the input side (GRU, whose
     * n gate multiplies it by r): the product goes into the {@code rec} buffer instead of adding onto the
     * gates, only the first {@link #biasBothRows} rows get b_hh folded in, the backward pass writes the
     * recurrent side's gradient into {@code dRec} and the direct path of dh_{t-1} before the product adds on.
     */
    public boolean recurrentApart() {
        return false;
    }

    /** Gate rows (in units of H) whose bias is b_ih + b_hh; the rest take b_ih only. */
    public int biasBothRows() {
        return gates();
    }

    /**
     * Activation values backpropagation must keep per hidden unit and step (the state, the gates, and
     * whatever the derivatives need), for memory estimates.
     */
    public abstract int storedPerUnit();

    /** Matmul FLOPs of one forward step per sample: {@code 2 G H (in + H)}. */
    public long forwardFlops(int inputWidth, int hidden) {
        return 2L * gates() * hidden * ((long) inputWidth + hidden);
    }

    /** The float32 gate-activation table a layer needs as a static field, or null. */
    public CodeBlock activationTable(String h, String gs) {
        return null;
    }

    /**
     * The step's non-linearities and state update for the step's rows {@code 0 .. rows}: reads the gate pre-activations
     * (input side, plus the recurrent side unless {@link #recurrentApart}), writes the activations in place
     * and the new states.
     */
    public abstract void forward(CodeBlock.Builder c, Step s);

    /**
     * The step's backward through the non-linearities for the step's rows {@code 0 .. rows}: from dh (from above) and
     * dhNext (through the recurrence), writes dGates (and dRec), and the states' other gradients.
     */
    public abstract void backward(CodeBlock.Builder c, Step s);

    /** Opens {@code for (int r = 0; r < rows; r++)} over the step's rows ({@link Step#rows}) with {@code int hr = r * H} (and {@code int ga}, the row's gate offset). */
    protected static void rows(CodeBlock.Builder c, Step s, boolean gateRow) {
        c.beginControlFlow("for (int r = 0; r < $L; r++)", s.rows());
        if (gateRow) {
            c.addStatement("int ga = $L", Step.plus(s.base("gates"), "r * " + s.gs()));
        }
        c.addStatement("int hr = r * $L", s.h());
    }
}
