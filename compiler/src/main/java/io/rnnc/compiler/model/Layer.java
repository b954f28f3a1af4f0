package io.rnnc.compiler.model;

/**
 * One recurrent layer of a stack. {@code inputWidth} is derived: layer 0 takes the stack input's
 * width (plus the output width for one_to_many feedback), layer l &gt; 0 takes layer l-1's output width
 * (its hidden width, twice that when bidirectional: {@code [h_fwd, h_bwd]}).
 */
public record Layer(int index, CellType cell, int hidden, int inputWidth, boolean bidirectional, SourcePos pos) {

    public Layer(int index, CellType cell, int hidden, int inputWidth, SourcePos pos) {
        this(index, cell, hidden, inputWidth, false, pos);
    }

    public Layer {
        Invariants.require(index >= 0, "layer index must not be negative, got", index);
        Invariants.present(cell, "layer cell");
        Invariants.positive(hidden, "layer " + index + " width");
        Invariants.positive(inputWidth, "layer " + index + " input width");
        Invariants.present(pos, "layer pos");
    }

    /** 1, or 2 for a bidirectional layer. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** What the layer hands up, per step: H, or 2H for a bidirectional layer. */
    public int outputWidth() {
        return directions() * hidden;
    }

    /** G·H: rows of W_ih, W_hh and of both biases. */
    public int gateRows() {
        return cell.gates() * hidden;
    }
}
