/**
 * Generation drivers shared by every generative model: {@link io.rnnc.runtime.generate.Sampler} (greedy,
 * temperature sampling, priming a language model, one_to_many value feedback) and
 * {@link io.rnnc.runtime.generate.BeamSearch}, both driven through {@link io.rnnc.runtime.generate.StepModel},
 * the one-step callback a generated class implements over its generation buffers (best as a private nested
 * class, so that {@code start}/{@code step} do not join the model's public API). They implement the
 * semantics of {@link io.rnnc.runtime.SequenceGenerator}.
 */
package io.rnnc.runtime.generate;
