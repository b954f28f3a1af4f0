package io.rnnc.runtime;

/**
 * The contract every generated model class implements, so that training loops, the command line and
 * benchmarks drive any model generically.
 *
 * <p>A training step is {@link #computeGradients} (forward, loss, backpropagation through time; the
 * gradients are overwritten, not accumulated) followed by {@link #applyUpdate} (clipping, then the
 * optimizer over the flat parameter store). {@link #trainStep} does both.
 *
 * <p><b>Threads:</b> an instance holds all its activation buffers and is not thread-safe: call it from one thread
 * at a time (it may use worker threads of its own, see {@link #setThreads}). Use one
 * instance per thread; {@link #parameters()} of two instances can be copied between them.
 */
public interface RnnModel {

    ModelInfo info();

    /** The trainable tensors under PyTorch's state_dict names. */
    TensorStore parameters();

    /** d loss / d parameter from the last {@link #computeGradients}, raw (before clipping). */
    TensorStore gradients();

    /** The optimizer's state (moments or momentum buffers, step count), for checkpoints and resume. */
    OptimizerState optimizerState();

    /**
     * Fills the parameters with PyTorch's default initialisation from a seeded generator and resets
     * the optimizer: same seed, same weights, on any machine.
     */
    void initialize(long seed);

    /** Must be called after the parameters were written from outside (a checkpoint, a test). */
    void parametersChanged();

    /** Forward, loss and backward over the first {@code batch.size()} samples; returns the mean loss. */
    double computeGradients(Batch batch);

    /**
     * Clips the current gradients (if the spec asks) and takes one optimizer step.
     *
     * @return the global L2 norm of the gradients before clipping
     */
    double applyUpdate();

    /** One training step; returns the loss before the update. */
    default double trainStep(Batch batch) {
        double loss = computeGradients(batch);
        applyUpdate();
        return loss;
    }

    /**
     * Whether a batch may carry per-sample lengths ({@link Batch#setLength}): each row then runs its own steps and
     * its padding is never read. A model that does not take them refuses such a batch.
     */
    default boolean acceptsLengths() {
        return false;
    }

    /** Forward and loss, without gradients or update; outputs are then available. */
    double evaluate(Batch batch);

    /** Forward only (targets are not read); outputs are then available. */
    void forward(Batch batch);

    /** Logits of the last forward pass, before the head's activation: {@code [n, T_out, O]}. */
    void copyLogits(double[] dst);

    /** Outputs of the last forward pass after the head's activation (softmax probabilities, ...). */
    void copyOutputs(double[] dst);

    /**
     * Final states of every layer of the (decoder) stack after the last forward pass:
     * {@code h} and {@code c} are {@code [L, n, H]}; {@code c} is written only for LSTM and may be null.
     * Layers of different widths are packed one after another.
     */
    void copyFinalStates(double[] h, double[] c);

    /**
     * How many threads a step may use (split over the batch in fixed chunks, gradients reduced in a
     * fixed order, so the results do not depend on it). Models that cannot run in parallel keep 1.
     */
    default void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** The thread count in use. */
    default int threads() {
        return 1;
    }
}
