package io.rnnc.compiler.codegen;

import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.init.Rng;
import java.util.Locale;

/**
 * Analytic gradients of a float64 model against central finite differences of its loss, element by
 * element (fourth-order central differences). Relative error {@code |a - n| / max(|a|, |n|, FLOOR)}: the floor keeps elements whose
 * gradient is below the finite differences' own absolute accuracy (~1e-10) from dominating.
 */
final class GradCheck {

    static final double STEP = 1e-4;
    static final double FLOOR = 1e-4;

    record Result(double worst, String where, int elements) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "worst relative error %.3g at %s over %d elements", worst, where, elements);
        }
    }

    private GradCheck() {
    }

    /** A batch of random inputs and targets that fits the model; uses {@code size} of its rows. */
    static Batch randomBatch(ModelInfo info, int size, long seed) {
        Batch b = Batch.forModel(info);
        b.setSize(size);
        Rng rng = new Rng(seed);
        if (b.features != null) {
            for (int i = 0; i < b.features.length; i++) {
                b.features[i] = rng.nextGaussian();
            }
        }
        if (b.tokens != null) {
            for (int i = 0; i < b.tokens.length; i++) {
                b.tokens[i] = rng.nextInt(info.vocab());
            }
        }
        if (b.classes != null) {
            boolean seq2seq = info.mode().equals("seq2seq");
            for (int i = 0; i < b.classes.length; i++) {
                b.classes[i] = seq2seq ? 1 + rng.nextInt(info.outputs() - 1) : rng.nextInt(info.outputs());
            }
        }
        if (b.targets != null) {
            boolean unit = info.loss().equals("bce");
            for (int i = 0; i < b.targets.length; i++) {
                b.targets[i] = unit ? rng.nextDouble() : rng.nextGaussian();
            }
        }
        return b;
    }

    /** Checks every parameter element of a float64 model (each element if maxPerTensor <= 0). */
    static Result check(Model model, RnnModel net, Batch batch, int maxPerTensor) {
        if (!net.info().precision().equals("float64")) {
            throw new IllegalArgumentException("gradient checks need a float64 model");
        }
        net.computeGradients(batch);
        double[] analytic = new double[net.gradients().size()];
        for (int i = 0; i < analytic.length; i++) {
            analytic[i] = net.gradients().get(i);
        }
        double worst = 0;
        String where = "-";
        int count = 0;
        Rng pick = new Rng(model.seed() + 77);
        for (var t : net.parameters().tensors()) {
            int size = t.size();
            int checks = maxPerTensor <= 0 ? size : Math.min(size, maxPerTensor);
            for (int c = 0; c < checks; c++) {
                int e = checks == size ? c : pick.nextInt(size);
                int i = t.offset() + e;
                double v = net.parameters().get(i);
                double f1 = lossAt(net, batch, i, v + STEP) - lossAt(net, batch, i, v - STEP);
                double f2 = lossAt(net, batch, i, v + 2 * STEP) - lossAt(net, batch, i, v - 2 * STEP);
                net.parameters().set(i, v);
                net.parametersChanged();
                // fourth-order central differences: truncation error O(STEP^4)
                double numeric = (8 * f1 - f2) / (12 * STEP);
                double a = analytic[i];
                double rel = Math.abs(a - numeric) / Math.max(FLOOR, Math.max(Math.abs(a), Math.abs(numeric)));
                count++;
                if (rel > worst) {
                    worst = rel;
                    where = t.name() + "[" + e + "] (analytic " + a + ", numeric " + numeric + ")";
                }
            }
        }
        return new Result(worst, where, count);
    }

    private static double lossAt(RnnModel net, Batch batch, int i, double value) {
        net.parameters().set(i, value);
        net.parametersChanged();
        return net.evaluate(batch);
    }
}
