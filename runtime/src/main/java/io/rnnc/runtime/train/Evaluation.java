package io.rnnc.runtime.train;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;

/**
 * Loss and accuracy of a model on a dataset, without updating it.
 *
 * @param loss     mean loss over all samples (each batch's mean weighted by its size)
 * @param accuracy share of positions whose arg-max logit is the class target (padding left out); NaN for float targets
 * @param samples  samples evaluated
 */
public record Evaluation(double loss, double accuracy, int samples) {

    /** Evaluates in dataset order, in batches of the model's largest size. */
    public static Evaluation of(RnnModel model, Dataset data) {
        ModelInfo info = model.info();
        data.layout().checkFits(info);
        Batches batches = new Batches(data, info.maxBatch(), false, 0);
        Batch batch = Batch.forModel(info);
        return of(model, batches, batch, info.classTargets() ? new double[info.maxBatch() * info.logitsPerSample()] : null);
    }

    /** As {@link #of(RnnModel, Dataset)} with buffers the caller keeps across calls. */
    static Evaluation of(RnnModel model, Batches batches, Batch batch, double[] logits) {
        ModelInfo info = model.info();
        double lossSum = 0;
        long correct = 0;
        long positions = 0;
        int samples = 0;
        int outputs = info.outputs();
        int steps = info.outputSteps();
        for (int b = 0; b < batches.count(); b++) {
            int n = batches.fill(b, batch);
            lossSum += model.evaluate(batch) * n;
            samples += n;
            if (logits != null) {
                model.copyLogits(logits);
                for (int r = 0; r < n; r++) {
                    int valid = Metrics.validSteps(info, batch, r); // padding positions never count
                    for (int t = 0; t < valid; t++) {
                        int p = r * steps + t;
                        correct += Metrics.argMax(logits, p * outputs, outputs) == batch.classes[p] ? 1 : 0;
                    }
                    positions += valid;
                }
            }
        }
        return new Evaluation(lossSum / samples, logits == null ? Double.NaN : (double) correct / positions, samples);
    }
}
