package io.rnnc.compiler.driver;

import io.rnnc.compiler.cell.Cell;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Stack;
import java.util.ArrayList;
import java.util.List;

/**
 * Matmul FLOPs per sample, counted the way issue 7's reference figures count them: forward =
 * 2·Σ over layers and steps of (in_l + H)·G·H, plus 2·H·O per output step for the head; a training
 * step = 3 × forward (forward, and the two matmuls of each backward product). Elementwise work,
 * embeddings and the loss are not counted.
 */
public record Flops(long forward, List<Long> perLayer, long head) {

    public Flops {
        perLayer = List.copyOf(perLayer);
    }

    public static Flops of(Model model) {
        List<Long> layers = new ArrayList<>();
        long total = 0;
        List<Stack> stacks = new ArrayList<>();
        model.encoder().ifPresent(stacks::add);
        stacks.add(model.stack());
        for (Stack s : stacks) {
            for (Layer l : s.layers()) {
                long f = s.steps() * l.directions() * Cell.of(l.cell()).forwardFlops(l.inputWidth(), l.hidden());
                layers.add(f);
                total += f;
            }
        }
        long head = 2L * model.head().inputWidth() * model.head().outputs() * model.outputSteps();
        return new Flops(total + head, layers, head);
    }

    /** FLOPs per sample of a training step. */
    public long train() {
        return 3 * forward;
    }
}
