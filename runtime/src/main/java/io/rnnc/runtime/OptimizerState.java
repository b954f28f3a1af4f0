package io.rnnc.runtime;

import java.util.List;

/**
 * The optimizer's per-parameter state, in stores of the parameters' layout, and its step count.
 * Adam has slots {@code exp_avg} and {@code exp_avg_sq} (PyTorch's names); SGD with momentum has
 * {@code momentum_buffer}. Saved in checkpoints so that a resumed run continues exactly.
 */
public final class OptimizerState {

    private final String kind;
    private final List<String> slotNames;
    private final List<TensorStore> slots;
    private long step;

    public OptimizerState(String kind, List<String> slotNames, List<TensorStore> slots) {
        if (slotNames.size() != slots.size()) {
            throw new IllegalArgumentException("slot names and stores differ in count");
        }
        this.kind = kind;
        this.slotNames = List.copyOf(slotNames);
        this.slots = List.copyOf(slots);
    }

    /** {@code adam} or {@code sgd}. */
    public String kind() {
        return kind;
    }

    public List<String> slotNames() {
        return slotNames;
    }

    public List<TensorStore> slots() {
        return slots;
    }

    public TensorStore slot(String name) {
        int i = slotNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no optimizer slot '" + name + "'; " + kind + " has " + slotNames);
        }
        return slots.get(i);
    }

    /** Optimizer steps taken so far (PyTorch's {@code state['step']}). */
    public long step() {
        return step;
    }

    public void setStep(long step) {
        this.step = step;
    }

    /** Zero moments and step: a fresh optimizer. */
    public void reset() {
        for (TensorStore s : slots) {
            s.zero();
        }
        step = 0;
    }
}
