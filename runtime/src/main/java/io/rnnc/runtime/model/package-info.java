/**
 * The model-independent part of every generated model class: {@link io.rnnc.runtime.model.ChunkedModel}
 * (chunks of a batch on a worker pool, slicing, the gradient sum in chunk order, clipping and the optimizer
 * update, PyTorch's initialisation, the {@link io.rnnc.runtime.RnnModel} accessors) and the data that
 * configures it ({@link io.rnnc.runtime.model.ModelSettings}, {@link io.rnnc.runtime.model.Optimizer},
 * {@link io.rnnc.runtime.model.Clip}, {@link io.rnnc.runtime.model.TensorInit}). A generated class extends
 * {@code ChunkedModel} and keeps only its network: buffers, layer forward and backward, head, loss, input
 * loading and state copies. Kept apart from {@code io.rnnc.runtime.generate}, which a model uses only if its
 * mode generates.
 */
package io.rnnc.runtime.model;
