package io.rnnc.runtime.model;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything model-independent code needs to know about a generated model, as data: what it is
 * ({@link ModelInfo}: tensors, precision, largest batch), how many rows a chunk holds, the spec's seed,
 * the optimizer and clipping, and the initialisation of each tensor. A generated class keeps one in a
 * constant and hands it to {@link ChunkedModel}'s constructor.
 *
 * @param info      the model's description; its {@code precision} picks float32 or float64 stores
 * @param chunkRows rows of one chunk (CHUNK): a batch is split into fixed chunks of this many rows
 * @param seed      the spec's seed, used by the public constructor
 * @param optimizer the optimizer and its hyperparameters (its kind must be {@code info.optimizer()})
 * @param clip      gradient clipping ({@link Clip#NONE} for none)
 * @param init      one entry per tensor, in state_dict order: how {@link ChunkedModel#initialize} fills it
 */
public record ModelSettings(ModelInfo info, int chunkRows, long seed, Optimizer optimizer, Clip clip,
                            List<TensorInit> init) {

    public ModelSettings {
        init = List.copyOf(init);
        if (chunkRows < 1 || chunkRows > info.maxBatch()) {
            throw new IllegalArgumentException("chunk rows " + chunkRows + " outside 1.." + info.maxBatch());
        }
        if (!optimizer.kind().keyword().equals(info.optimizer())) {
            throw new IllegalArgumentException("optimizer " + optimizer.kind().keyword() + " but the model says " + info.optimizer());
        }
        if (!info.precision().equals("float32") && !info.precision().equals("float64")) {
            throw new IllegalArgumentException("precision must be float32 or float64, got " + info.precision());
        }
        Set<String> names = new HashSet<>();
        for (TensorInfo t : info.parameters()) {
            names.add(t.name());
        }
        for (TensorInit i : init) {
            if (!names.contains(i.tensor())) {
                throw new IllegalArgumentException("initialisation of unknown tensor '" + i.tensor() + "'");
            }
        }
    }

    /** Chunks of a full batch (CHUNKS): the number of chunk instances a model holds. */
    public int chunks() {
        return (info.maxBatch() + chunkRows - 1) / chunkRows;
    }

    /** Parameters are float32 (else float64). */
    public boolean float32() {
        return info.precision().equals("float32");
    }
}
