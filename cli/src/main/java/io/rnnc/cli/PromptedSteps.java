package io.rnnc.cli;

import io.rnnc.runtime.generate.BeamSearch;
import io.rnnc.runtime.generate.StepModel;

/**
 * A token language model seen by {@link BeamSearch} as a model whose initial state is "after the prompt": its
 * {@link #start} runs every prompt token but the last through row 0, and the search then feeds the last one as its
 * first input. So a beam continues a prompt exactly as {@code Sampler.continuePrompt} does, with no change to the
 * search (whose first step widens row 0 into the beam, copying its state by {@link #reorder}).
 */
final class PromptedSteps implements StepModel {

    private final StepModel model;
    private final int[] prompt;

    /** @param prompt at least one token id; the last is the search's first input ({@link #lastToken()}) */
    PromptedSteps(StepModel model, int[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
        this.model = model;
        this.prompt = prompt.clone();
    }

    /** The search's first input. */
    int lastToken() {
        return prompt[prompt.length - 1];
    }

    @Override
    public int outputs() {
        return model.outputs();
    }

    @Override
    public int maxRows() {
        return model.maxRows();
    }

    @Override
    public void start(int rows, int[] ignored, double[] features) {
        model.start(rows, prompt, features);
        for (int i = 0; i < prompt.length - 1; i++) {
            model.feedToken(0, prompt[i]);
            model.step(1);
        }
    }

    @Override
    public void feedToken(int row, int id) {
        model.feedToken(row, id);
    }

    @Override
    public void step(int rows) {
        model.step(rows);
    }

    @Override
    public void logits(int rows, double[] dst) {
        model.logits(rows, dst);
    }

    @Override
    public void reorder(int[] parents, int rows) {
        model.reorder(parents, rows);
    }
}
