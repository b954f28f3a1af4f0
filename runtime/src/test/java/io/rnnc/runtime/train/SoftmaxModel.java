package io.rnnc.runtime.train;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.optim.Adam;

import java.util.List;

/**
 * A hand-written {@link RnnModel} for tests of the training loop and checkpoints: softmax regression
 * in double over the flattened features {@code [T, I]} ({@code fc.weight [O, T·I]}, {@code fc.bias [O]}),
 * cross-entropy, Adam. Deterministic, so that resumed runs can be compared bit for bit.
 */
public final class SoftmaxModel implements RnnModel {

    private final ModelInfo info;
    private final int in;
    private final int out;
    private final DoubleTensorStore params;
    private final DoubleTensorStore grads;
    private final OptimizerState opt;
    private final double lr;
    private final double[] logits;
    private final double[] probs;
    private int lastN;
    private int parametersChangedCalls;

    public SoftmaxModel(int steps, int inputSize, int outputs, int maxBatch, double lr) {
        this.in = steps * inputSize;
        this.out = outputs;
        this.lr = lr;
        List<TensorInfo> tensors = List.of(new TensorInfo("fc.weight", new int[] {outputs, in}, 0),
                new TensorInfo("fc.bias", new int[] {outputs}, outputs * in));
        this.info = new ModelInfo("SoftmaxModel", "many_to_one", "features", inputSize, 0, steps, 1, outputs, List.of(),
                List.of(), "softmax", "cross_entropy", "adam", maxBatch, "float64", tensors, "# hand-written test model");
        this.params = new DoubleTensorStore(tensors);
        this.grads = new DoubleTensorStore(tensors);
        this.opt = new OptimizerState("adam", List.of("exp_avg", "exp_avg_sq"),
                List.of(new DoubleTensorStore(tensors), new DoubleTensorStore(tensors)));
        this.logits = new double[maxBatch * outputs];
        this.probs = new double[maxBatch * outputs];
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public TensorStore parameters() {
        return params;
    }

    @Override
    public TensorStore gradients() {
        return grads;
    }

    @Override
    public OptimizerState optimizerState() {
        return opt;
    }

    @Override
    public void initialize(long seed) {
        Rng rng = new Rng(seed);
        double bound = 1 / Math.sqrt(in);
        for (int i = 0; i < params.data.length; i++) {
            params.data[i] = (rng.nextDouble() * 2 - 1) * bound;
        }
        opt.reset();
    }

    /** How often {@link #parametersChanged} was called. */
    public int parametersChangedCalls() {
        return parametersChangedCalls;
    }

    @Override
    public void parametersChanged() {
        parametersChangedCalls++;
    }

    @Override
    public double computeGradients(Batch batch) {
        double loss = forwardLoss(batch);
        int n = batch.size();
        grads.zero();
        int bias = out * in;
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out; o++) {
                double d = (probs[s * out + o] - (batch.classes[s] == o ? 1 : 0)) / n;
                grads.data[bias + o] += d;
                for (int k = 0; k < in; k++) {
                    grads.data[o * in + k] += d * batch.features[s * in + k];
                }
            }
        }
        return loss;
    }

    @Override
    public double applyUpdate() {
        double sq = 0;
        for (double g : grads.data) {
            sq += g * g;
        }
        opt.setStep(opt.step() + 1);
        Adam.step(params.data, grads.data, ((DoubleTensorStore) opt.slot("exp_avg")).data,
                ((DoubleTensorStore) opt.slot("exp_avg_sq")).data, params.data.length, opt.step(), lr, 0.9, 0.999, 1e-8, 0);
        return Math.sqrt(sq);
    }

    @Override
    public double evaluate(Batch batch) {
        return forwardLoss(batch);
    }

    @Override
    public void forward(Batch batch) {
        int n = batch.size();
        lastN = n;
        int bias = out * in;
        for (int s = 0; s < n; s++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int o = 0; o < out; o++) {
                double z = params.data[bias + o];
                for (int k = 0; k < in; k++) {
                    z += params.data[o * in + k] * batch.features[s * in + k];
                }
                logits[s * out + o] = z;
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int o = 0; o < out; o++) {
                probs[s * out + o] = Math.exp(logits[s * out + o] - max);
                sum += probs[s * out + o];
            }
            for (int o = 0; o < out; o++) {
                probs[s * out + o] /= sum;
            }
        }
    }

    private double forwardLoss(Batch batch) {
        forward(batch);
        double loss = 0;
        for (int s = 0; s < batch.size(); s++) {
            loss -= Math.log(probs[s * out + batch.classes[s]]);
        }
        return loss / batch.size();
    }

    @Override
    public void copyLogits(double[] dst) {
        System.arraycopy(logits, 0, dst, 0, lastN * out);
    }

    @Override
    public void copyOutputs(double[] dst) {
        System.arraycopy(probs, 0, dst, 0, lastN * out);
    }

    @Override
    public void copyFinalStates(double[] h, double[] c) {
        throw new UnsupportedOperationException("no recurrent state");
    }
}
