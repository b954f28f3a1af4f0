package io.rnnc.runtime.state;

import io.rnnc.runtime.Batch;

/**
 * The step API of a generated model whose stack can start from a given state: what online forecasting,
 * streaming classification and interactive generation need. The caller owns the {@link RnnState}s; one
 * model serves any number of them (one per user stream), one call at a time.
 *
 * <p>Rows of a call are rows 0..n-1 of the state. A row's final state is its state after its last valid
 * step (the batch's {@link Batch#length}), backward directions after step 0, as PyTorch's {@code h_n} of a
 * packed sequence. The state carries no gradient: a training step from a given state treats it as a
 * constant, as truncated backpropagation through time does.
 */
public interface StatefulModel {

    /** The shape of this model's state; a state of an equal layout fits. */
    StateLayout stateLayout();

    /** A zero state for up to {@code rows} rows. */
    default RnnState newState(int rows) {
        return new RnnState(stateLayout(), rows);
    }

    /**
     * Forward of {@code batch} (its lengths, if any, honoured) starting from rows 0..n-1 of {@code state};
     * afterwards the outputs are available as after {@code RnnModel.forward} and {@code state} holds each
     * row's final state.
     *
     * @throws IllegalArgumentException if the state has another layout or fewer than {@code batch.size()} rows
     */
    void forward(Batch batch, RnnState state);

    /**
     * One time step for rows 0..n-1: inputs {@code tokens [n]} (token models) or {@code features [n, I]}
     * (the other may be null), from and into {@code state}; writes the head's outputs after its activation,
     * {@code outputs [n, O]}.
     */
    void step(int[] tokens, double[] features, int n, RnnState state, double[] outputs);

    /**
     * Zeros the state a stateful model carries from one training batch to the next (for the
     * {@link io.rnnc.runtime.data.StreamBatches.Start#RESET_STATE} of a new epoch or stream).
     */
    void resetState();
}
