package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.ReferenceCheck;
import io.rnnc.runtime.io.SafeTensors;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rnnc verify SPEC --against FILE.safetensors}: replays a PyTorch reference (the format of
 * {@code testdata/pytorch/fixtures/README.md}, and fixtures-w2's lengths and stateful chunks) on the generated class
 * and reports the worst error per group.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks the generated class against a PyTorch reference file.", "",
                "Loads the initial weights from the file (PyTorch",
                "state_dict names), runs a training step on the file's x and y and a second one, and compares every",
                "reference tensor the file holds (logits, loss, h_n, c_n, grad.*, grad_norm, adam1.*/sgd1.*,",
                "loss_after_*, adam2.*/sgd2.*). Per-sample lengths (lengths, src_lengths, tgt_lengths) are",
                "honoured and only valid positions compared. A file of stateful chunks (chunk0.*, chunk1.*, ...)",
                "runs one training step per chunk, the state carried, and compares each chunk's results (groups",
                "chunk*.loss, chunk*.logits, ...). Prints the worst error per group; exit 0 if all are within the",
                "tolerances, 1 otherwise.",
                "Error = max|ours - ref| / max(1, max|ref|). Tolerance: 1e-5 (float32), 2e-5 (float32, 20 or more",
                "steps), 1e-10 (float64). Optimizer steps where |grad| < 1e-6 may differ by 5% of lr (Adam's",
                "g/(|g|+eps) amplifies tiny gradient differences there)."})
final class VerifyCommand extends ModelCommand {

    @Option(names = "--against", paramLabel = "FILE", required = true, description = "PyTorch reference (safetensors)")
    Path against;

    @Override
    public Integer call() {
        PrintWriter out = out();
        Model model = model();
        SafeTensors.Contents ref = SafeTensors.read(against);
        if (ref.has("chunk0.loss") && !model.stack().stateful()) {
            throw new UserException(against + " holds stateful chunks (chunk0.*, chunk1.*, ...: one training step per chunk, "
                    + "the state carried); model " + model.name() + " starts every batch from zeros: its spec needs "
                    + "'sequence " + model.stack().steps() + " " + model.mode().name().toLowerCase(Locale.ROOT) + " stateful'");
        }
        RnnModel net = Specs.instantiate(model);
        net.initialize(model.seed());
        int maxSteps = Math.max(model.stack().steps(), model.encoder().map(s -> s.steps()).orElse(0));
        double tol = model.precision() == Precision.FLOAT64 ? 1e-10 : maxSteps >= 20 ? 2e-5 : 1e-5;

        ReferenceCheck.Report report = ReferenceCheck.run(against.toString(), ref, net, model.optimizer().lr(), tol);
        if (report.groups().isEmpty()) {
            throw new UserException(against + " holds no reference results (logits, loss, grad.*, adam1.*, ...) to compare");
        }

        out.printf(Locale.ROOT, "verify %s against %s (%s, batch %d, tolerance %.0e)%n", model.name(), against,
                net.info().precision(), report.batch(), tol);
        out.printf(Locale.ROOT, "  %-20s %7s  %-11s  %s%n", "group", "tensors", "worst error", "");
        int bad = 0;
        for (ReferenceCheck.Group g : report.groups()) {
            bad += g.ok() ? 0 : 1;
            out.printf(Locale.ROOT, "  %-20s %7d  %-11s  %s%s%n", g.name(), g.tensors(),
                    String.format(Locale.ROOT, "%.2e", g.worst()),
                    g.ok() ? "ok" : "OVER " + String.format(Locale.ROOT, "%.0e", g.tolerance()),
                    g.tensors() > 1 && !g.ok() ? " (" + g.where() + ")" : "");
        }
        if (!report.notCompared().isEmpty()) {
            out.println("  not compared: " + String.join(", ", report.notCompared()));
        }
        out.println(bad == 0 ? "result: ok, every group within tolerance"
                : "result: FAILED, " + bad + (bad == 1 ? " group" : " groups") + " over tolerance");
        out.flush();
        return bad == 0 ? Main.OK : Main.USER_ERROR;
    }
}
