package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

/**
 * Next-character samples cut from a {@link TextCorpus}: sample {@code k} is the window of
 * {@code steps} ids starting at {@code k * stride}; its target is the id after every position
 * (many-to-many: classes {@code [steps]}) or only the id after the window (many-to-one: classes {@code [1]}).
 */
public final class TextWindows implements Dataset {

    private final int[] ids;
    private final int steps;
    private final int stride;
    private final boolean everyStep;
    private final int count;
    private final SampleLayout layout;

    /**
     * @param steps     window length T
     * @param stride    distance between the starts of two windows ({@code steps} for no overlap)
     * @param everyStep targets at every step (many-to-many) rather than after the window only
     */
    public TextWindows(TextCorpus corpus, int steps, int stride, boolean everyStep) {
        if (steps < 1 || stride < 1) {
            throw new IllegalArgumentException("steps and stride must be positive: " + steps + ", " + stride);
        }
        this.ids = corpus.ids();
        this.steps = steps;
        this.stride = stride;
        this.everyStep = everyStep;
        if (ids.length < steps + 1) {
            throw new RnncIoException(corpus.source() + ": " + ids.length + " characters are too few for one window of "
                    + steps + " and the character after it");
        }
        this.count = (ids.length - steps - 1) / stride + 1;
        int vocab = corpus.vocabulary().size();
        this.layout = new SampleLayout(true, new int[] {steps}, vocab, true, new int[] {everyStep ? steps : 1}, vocab,
                "text windows of " + corpus.source());
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        int start = index * stride;
        System.arraycopy(ids, start, batch.tokens, slot * steps, steps);
        if (everyStep) {
            System.arraycopy(ids, start + 1, batch.classes, slot * steps, steps);
        } else {
            batch.classes[slot] = ids[start + steps];
        }
    }
}
