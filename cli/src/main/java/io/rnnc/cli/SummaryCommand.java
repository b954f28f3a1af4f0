package io.rnnc.cli;

import io.rnnc.compiler.driver.Flops;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ParamSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.Stack;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code rnnc summary SPEC}: what the network is and costs. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Prints the layers, parameters, FLOPs and activation memory of a model.", "",
                "Prints one line per layer, the parameter table (PyTorch names, shapes, counts) and totals,",
                "matmul FLOPs per sample for inference and a training step, and the activation memory",
                "backpropagation through time keeps at the spec's batch."})
final class SummaryCommand extends ModelCommand {

    @Override
    public Integer call() {
        PrintWriter out = out();
        Model m = model();
        out.print(render(m));
        out.flush();
        return Main.OK;
    }

    static String render(Model m) {
        StringBuilder s = new StringBuilder();
        Flops flops = Flops.of(m);
        int bytes = m.precision() == Precision.FLOAT64 ? 8 : 4;
        s.append(String.format(Locale.ROOT, "model %s (%s): %s, %s, loss %s, %s, batch %d, %s%n", m.name(), m.qualifiedName(),
                m.mode().keyword(), describeOutput(m), m.loss().keyword(), optimizer(m), m.batch(), m.precision().keyword()));
        s.append("\nlayers:\n");
        List<Stack> stacks = new ArrayList<>();
        m.encoder().ifPresent(stacks::add);
        stacks.add(m.stack());
        int flopIndex = 0;
        long activations = 0;
        for (Stack st : stacks) {
            String where = st.prefix().isEmpty() ? "" : st.prefix().substring(0, st.prefix().length() - 1) + " ";
            s.append(String.format(Locale.ROOT, "  %-18s %s, %d steps%n", where + "input", input(st), st.steps()));
            if (st.input().embed() > 0) {
                s.append(String.format(Locale.ROOT, "  %-18s %d x %d,%s%n", where + "embedding", st.input().vocab(),
                        st.input().embed(), params((long) st.input().vocab() * st.input().embed())));
            }
            for (Layer l : st.layers()) {
                long p = (long) l.gateRows() * (l.inputWidth() + l.hidden()) + 2L * l.gateRows();
                s.append(String.format(Locale.ROOT, "  %-18s %-8s in %-5d hidden %-5d %s, %s MFLOP/sample forward%n",
                        where + "layer " + l.index(), cell(l.cell()), l.inputWidth(), l.hidden(), params(p).trim(),
                        mega(flops.perLayer().get(flopIndex++))));
                int perStep = l.gateRows() + l.hidden() * (l.cell().hasCellState() ? 3 : 1);
                activations += (long) st.steps() * m.batch() * perStep;
            }
        }
        long headParams = (long) m.head().outputs() * m.head().inputWidth() + m.head().outputs();
        s.append(String.format(Locale.ROOT, "  %-18s dense %d %s, in %d, %s, %s MFLOP/sample forward%n", "head",
                m.head().outputs(), m.head().activation().keyword(), m.head().inputWidth(), params(headParams).trim(),
                mega(flops.head())));
        activations += (long) m.outputSteps() * m.batch() * m.head().outputs() * 2;

        s.append("\nparameters:\n");
        int width = Math.max(24, m.parameters().stream().mapToInt(p -> p.name().length()).max().orElse(0) + 2);
        s.append(String.format(Locale.ROOT, "  %-" + width + "s %-14s %12s%n", "name", "shape", "count"));
        for (ParamSpec p : m.parameters()) {
            s.append(String.format(Locale.ROOT, "  %-" + width + "s %-14s %,12d%n", p.name(),
                    p.shape().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")), p.size()));
        }
        long total = m.parameterCount();
        s.append(String.format(Locale.ROOT, "  %-" + width + "s %-14s %,12d  (%s as %s)%n", "total", "", total,
                bytes(total * bytes), m.precision().keyword()));

        s.append(String.format(Locale.ROOT, "%nFLOPs per sample (matmuls): inference %s, training step %s (3 x forward)%n",
                mega(flops.forward()) + " M", mega(flops.train()) + " M"));
        s.append(String.format(Locale.ROOT, "activation memory at batch %d: %s (gates and states of every step, kept for "
                + "backpropagation through time; estimate)%n", m.batch(), bytes(activations * bytes)));
        return s.toString();
    }

    private static String describeOutput(Model m) {
        String what = m.loss().classTargets() ? m.head().outputs() + " classes" : m.head().outputs() + " values";
        return m.outputSteps() + (m.outputSteps() == 1 ? " output of " : " outputs of ") + what + " ("
                + m.head().activation().keyword() + ")";
    }

    private static String optimizer(Model m) {
        var o = m.optimizer();
        return o.kind().name().toLowerCase(Locale.ROOT) + " lr=" + o.lr();
    }

    private static String input(Stack st) {
        var in = st.input();
        return switch (in.kind()) {
            case FEATURES -> in.size() + " features";
            case TOKENS -> "tokens of " + in.vocab() + " (one-hot)";
            case TOKENS_EMBED -> "tokens of " + in.vocab() + ", embedded in " + in.embed();
        };
    }

    private static String cell(CellType c) {
        return c.fixtureName();
    }

    private static String params(long n) {
        return String.format(Locale.ROOT, " %,d params", n);
    }

    static String mega(long flops) {
        return String.format(Locale.ROOT, flops < 100_000 ? "%.3f" : "%.2f", flops / 1e6);
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
