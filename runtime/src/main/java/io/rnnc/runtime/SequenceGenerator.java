package io.rnnc.runtime;

import io.rnnc.runtime.init.Rng;

/**
 * Generation from a trained model, one sequence at a time. Implemented by the generated classes of
 * the generative modes: seq2seq (source ids in, target ids out), one_to_many (a feature vector in,
 * T outputs, each fed back as the next step's input) and many_to_many token models whose head
 * predicts the next token (prime with a prefix, then sample). Methods that do not apply to a model's
 * mode throw {@link UnsupportedOperationException} saying which mode they need.
 *
 * <p>Token id {@value #START_TOKEN} is reserved in seq2seq as the decoder's start token. Same seed,
 * same output: sampling draws only from the {@link Rng} passed in.
 */
public interface SequenceGenerator {

    /** The decoder's start token in seq2seq. */
    int START_TOKEN = 0;

    /** Pass as {@code endToken} to generate until the output array (or T_out) is full. */
    int NO_END_TOKEN = -1;

    /**
     * Generates token ids step by step, feeding each back as the next input.
     *
     * @param prompt      seq2seq: the source ids [T_in]; token language model: the prefix (at least one id);
     *                    one_to_many: ignored (may be null)
     * @param features    one_to_many: the input vector x [I]; otherwise ignored (may be null)
     * @param temperature 0 for greedy arg-max; above 0, samples softmax(logits / temperature) from {@code rng}
     * @param rng         the generator sampling draws from (unused when greedy; may then be null)
     * @param endToken    stop after emitting this id, or {@link #NO_END_TOKEN}
     * @param out         receives the generated ids (the end token included); its length caps the steps
     *                    (and T_out caps them for seq2seq and one_to_many)
     * @return how many ids were written
     */
    int generate(int[] prompt, double[] features, double temperature, Rng rng, int endToken, int[] out);

    /**
     * Beam search of the given width (1 .. the model's batch): the output sequence with the highest
     * summed log-probability among those explored, ending at {@code endToken} or at the step cap.
     * Finished hypotheses (those that emitted {@code endToken}) take beam slots, so width 1 is exactly
     * greedy decoding. Available for seq2seq and one_to_many models with a softmax head.
     *
     * @param prompt   seq2seq: the source ids [T_in]; one_to_many: ignored
     * @param features one_to_many: the input vector x [I]; seq2seq: ignored
     * @return how many ids were written
     */
    int beamSearch(int[] prompt, double[] features, int width, int endToken, int[] out);

    /**
     * one_to_many with a sigmoid, tanh or linear head: T steps of O output values {@code out [T, O]}
     * (after the head's activation), each step's outputs fed back as the next step's feedback.
     */
    void generateValues(double[] features, double[] out);
}
