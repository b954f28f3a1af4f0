package io.rnnc.compiler.model;

/**
 * One recurrent layer of a stack. {@code inputWidth} is derived: layer 0 takes the stack input's
 * width (plus the output width for one_to_many feedback), layer l &gt; 0 takes layer l-1's hidden width.
 */
public record Layer(int index, CellType cell, int hidden, int inputWidth, SourcePos pos) {

    public Layer {
        Invariants.require(index >= 0, "layer index must not be negative, got", index);
        Invariants.present(cell, "layer cell");
        Invariants.positive(hidden, "layer " + index + " width");
        Invariants.positive(inputWidth, "layer " + index + " input width");
        Invariants.present(pos, "layer pos");
    }

    /** G·H: rows of W_ih, W_hh and of both biases. */
    public int gateRows() {
        return cell.gates() * hidden;
    }
}
