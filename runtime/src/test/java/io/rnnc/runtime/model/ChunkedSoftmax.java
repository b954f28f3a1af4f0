package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.TensorStore;

import java.util.List;

/**
 * A hand-written {@link ChunkedModel} for the base class's tests, written as a generated class would be:
 * softmax regression over the flattened features {@code [T, I]} ({@code fc.weight [O, T·I]},
 * {@code fc.bias [O]}), cross-entropy, in either precision. The maths runs in double through the stores'
 * get/set, so that float32 rounds exactly where a float32 store does (gradients as they are stored), and
 * {@link #rowGradients} is the one gradient formula the tests also call to rebuild the chunk-order sum.
 * Its "final state" is the logits (one layer of width O).
 */
final class ChunkedSoftmax extends ChunkedModel {

    /** A test batch of n rows: features drawn from the seed, classes spread over all O (the model tests share it). */
    static Batch batch(ModelInfo info, int n, long seed) {
        Batch b = Batch.forModel(info);
        b.setSize(n);
        io.rnnc.runtime.init.Rng rng = new io.rnnc.runtime.init.Rng(seed);
        for (int i = 0; i < n * IN; i++) {
            b.features[i] = rng.nextGaussian();
        }
        for (int r = 0; r < n; r++) {
            b.classes[r] = (r * 3 + (int) seed) % O;
        }
        return b;
    }

    static final int T = 2;
    static final int I = 3;
    static final int IN = T * I;
    static final int O = 4;

    private final int chunkRows;
    private final double[] x;
    private final double[] logits;
    private final double[] dLogits;
    private final double[] gradScratch;
    private final int[] parametersChangedCalls;

    static ModelInfo info(int maxBatch, String precision, String optimizer) {
        List<TensorInfo> tensors = List.of(new TensorInfo("fc.weight", new int[] {O, IN}, 0),
                new TensorInfo("fc.bias", new int[] {O}, O * IN));
        return new ModelInfo("ChunkedSoftmax", "many_to_one", "features", I, 0, T, 1, O, List.of(), List.of(), "softmax",
                "cross_entropy", optimizer, maxBatch, precision, tensors, "# hand-written test model");
    }

    static ModelSettings settings(int maxBatch, int chunkRows, String precision, Optimizer optimizer, Clip clip) {
        return new ModelSettings(info(maxBatch, precision, optimizer.kind().keyword()), chunkRows, 7L, optimizer, clip,
                List.of(TensorInit.uniform("fc.weight", 1 / Math.sqrt(IN)), TensorInit.normal("fc.bias")));
    }

    static ChunkedSoftmax adam(int maxBatch, int chunkRows, String precision) {
        return new ChunkedSoftmax(settings(maxBatch, chunkRows, precision, Optimizer.adam(0.01, 0.9, 0.999, 1e-8, 0),
                Clip.NONE));
    }

    ChunkedSoftmax(ModelSettings settings) {
        this(settings, null, null, settings.info().maxBatch());
        completeConstruction();
    }

    private ChunkedSoftmax(ModelSettings settings, ChunkedSoftmax root, ChunkedSoftmax source, int rows) {
        super(settings, root, source, rows);
        this.chunkRows = bufferRows(); // rows its buffers hold (fewer in a model sharing weights for small batches)
        this.x = new double[chunkRows * IN];
        this.logits = new double[chunkRows * O];
        this.dLogits = new double[chunkRows * O];
        this.gradScratch = new double[O * IN + O];
        this.parametersChangedCalls = root != null ? root.parametersChangedCalls
                : source != null ? source.parametersChangedCalls : new int[1];
    }

    int parametersChangedCalls() {
        return parametersChangedCalls[0];
    }

    @Override
    protected void packWeights() {
        parametersChangedCalls[0]++;
    }

    @Override
    protected ChunkedModel newChunk() {
        return new ChunkedSoftmax(settings(), this, null, stepRows());
    }

    @Override
    protected ChunkedModel newSibling(int rows) {
        return new ChunkedSoftmax(settings(), null, this, rows);
    }

    @Override
    protected void loadInputs(Batch batch, int n) {
        if (batch.features == null) {
            throw new IllegalArgumentException("ChunkedSoftmax reads float features; the batch has no features array");
        }
        System.arraycopy(batch.features, 0, x, 0, n * IN);
    }

    @Override
    protected void forwardPass(int n) {
        logits(parameters(), x, 0, n, logits);
    }

    /** logits[r, o] = b[o] + sum_k W[o, k] x[row0 + r, k] for n rows. */
    static void logits(TensorStore p, double[] features, int row0, int n, double[] dst) {
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < O; o++) {
                double z = p.get(O * IN + o);
                for (int k = 0; k < IN; k++) {
                    z += p.get(o * IN + k) * features[(row0 + r) * IN + k];
                }
                dst[r * O + o] = z;
            }
        }
    }

    @Override
    protected double loss(Batch batch, int n, int batchRows, boolean backward) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            int y = batch.classes[r];
            double lse = logSumExp(logits, r * O);
            total += lse - logits[r * O + y];
            if (backward) {
                for (int o = 0; o < O; o++) {
                    dLogits[r * O + o] = (Math.exp(logits[r * O + o] - lse) - (o == y ? 1 : 0)) / batchRows;
                }
            }
        }
        return total / batchRows;
    }

    static double logSumExp(double[] z, int off) {
        double max = z[off];
        for (int o = 1; o < O; o++) {
            max = Math.max(max, z[off + o]);
        }
        double sum = 0;
        for (int o = 0; o < O; o++) {
            sum += Math.exp(z[off + o] - max);
        }
        return max + Math.log(sum);
    }

    @Override
    protected void backwardPass(int n) {
        rowGradients(dLogits, x, 0, n, gradScratch);
        TensorStore g = gradients();
        for (int i = 0; i < gradScratch.length; i++) {
            g.set(i, gradScratch[i]);
        }
    }

    /** d loss / d parameters of n rows from their dLogits, summed in row order, in double. */
    static void rowGradients(double[] dLogits, double[] features, int row0, int n, double[] out) {
        java.util.Arrays.fill(out, 0);
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < O; o++) {
                double d = dLogits[r * O + o];
                out[O * IN + o] += d;
                for (int k = 0; k < IN; k++) {
                    out[o * IN + k] += d * features[(row0 + r) * IN + k];
                }
            }
        }
    }

    @Override
    protected void chunkLogits(double[] dst, int dstOffset) {
        System.arraycopy(logits, 0, dst, dstOffset, rows() * O);
    }

    @Override
    protected void chunkOutputs(double[] dst, int dstOffset) {
        for (int r = 0; r < rows(); r++) {
            double lse = logSumExp(logits, r * O);
            for (int o = 0; o < O; o++) {
                dst[dstOffset + r * O + o] = Math.exp(logits[r * O + o] - lse);
            }
        }
    }

    @Override
    protected void chunkFinalStates(double[] h, double[] c, int row0, int batchRows) {
        System.arraycopy(logits, 0, h, row0 * O, rows() * O);
    }
}
