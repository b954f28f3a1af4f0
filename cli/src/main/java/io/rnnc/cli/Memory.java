package io.rnnc.cli;

import io.rnnc.compiler.cell.Cell;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.Stack;
import io.rnnc.runtime.RnnModel;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;

/**
 * What one model instance costs in memory, next to what backpropagation through time cannot do without.
 *
 * <p>The instance figure is measured: the bytes the constructing thread allocates during {@code new}
 * (the class is loaded and initialised first, so only the instance counts): parameters, gradients,
 * optimizer moments, activations and workspaces.
 *
 * <p>The BPTT minimum is computed: the activations the backward pass reads, each stored once and no
 * matmul recomputed, for the spec's batch B. Per layer of width H over T steps, {@code k·T·B·H} values,
 * k being what the cell keeps per unit and step ({@link Cell#storedPerUnit}: 1 for a simple RNN, whose
 * tanh' and relu' come from h; 5 for GRU; 6 for LSTM); plus the head's outputs {@code T_out·B·O}; times 4 bytes
 * (float32) or 8 (float64). Parameters, gradients and optimizer state are not in it.
 */
record Memory(RnnModel net, long instanceBytes, long bpttMinimumBytes) {

    /** Generates and compiles the class, then constructs one instance, counting what {@code new} allocates. */
    static Memory construct(Model model) {
        Class<?> type = Specs.load(model);
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("generated class " + type.getName() + " has no public constructor", e);
        }
        var mx = ManagementFactory.getThreadMXBean();
        boolean counting = mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()
                && sun.isThreadAllocatedMemoryEnabled();
        long id = Thread.currentThread().getId();
        long before = counting ? ((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(id) : 0;
        Object instance;
        try {
            instance = constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot instantiate " + type.getName() + ": " + cause, cause);
        }
        long after = counting ? ((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(id) : 0;
        return new Memory((RnnModel) instance, counting ? after - before : -1, bpttMinimumBytes(model));
    }

    /** The activations BPTT must keep at the spec's batch (see the class comment for the formula). */
    static long bpttMinimumBytes(Model model) {
        List<Stack> stacks = new ArrayList<>();
        model.encoder().ifPresent(stacks::add);
        stacks.add(model.stack());
        long values = 0;
        for (Stack s : stacks) {
            for (Layer l : s.layers()) {
                values += (long) Cell.of(l.cell()).storedPerUnit() * s.steps() * model.batch() * l.hidden();
            }
        }
        values += (long) model.outputSteps() * model.batch() * model.head().outputs();
        return values * (model.precision() == Precision.FLOAT64 ? 8 : 4);
    }
}
