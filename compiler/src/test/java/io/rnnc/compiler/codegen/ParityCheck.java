package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.ReferenceCheck;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Runs one fixture's two training steps on the generated class and compares every stored tensor, with
 * the runtime's {@link ReferenceCheck} (the same judge as {@code rnnc verify}).
 */
final class ParityCheck {

    private final Fixture fx;
    private final Model model;
    private final RnnModel net;
    private final double tol;

    ParityCheck(Fixture fx) {
        this.fx = fx;
        this.model = fx.model();
        this.net = TestModels.instantiate(model);
        boolean longSeq = model.stack().steps() >= 20;
        this.tol = fx.float64() ? 1e-10 : longSeq ? 2e-5 : 1e-5;
    }

    /** Runs the check; returns a one-line summary; fails with every group over tolerance listed. */
    String run() {
        ReferenceCheck.Report report = ReferenceCheck.run(fx.name, fx.tensors, net, model.optimizer().lr(), tol);
        String opt = model.optimizer().kind().name().toLowerCase(Locale.ROOT);
        // every kind of reference result must have been compared, not silently skipped
        for (String group : new String[] {"loss", "logits", "h_n", "grad.*", opt + "1.*", "loss_after_" + opt + "1",
                opt + "2.*"}) {
            if (group.equals("h_n") && fx.tensors.has("tgt_lengths")) {
                continue; // PyTorch's decoder state reads the padding targets (see ReferenceCheck)
            }
            assertTrue(report.groups().stream().anyMatch(g -> g.name().equals(group)),
                    fx.name + ": group " + group + " was not compared");
        }
        String over = report.groups().stream().filter(g -> !g.ok())
                .map(g -> String.format(Locale.ROOT, "%s: error %.3g > %.1g at %s", g.name(), g.worst(), g.tolerance(),
                        g.where()))
                .collect(Collectors.joining("\n"));
        assertTrue(report.ok(), fx.name + ":\n" + over);
        return String.format(Locale.ROOT, "%-40s worst relative error %.3g over %d tensors", fx.name, report.worst(),
                report.tensors());
    }
}
