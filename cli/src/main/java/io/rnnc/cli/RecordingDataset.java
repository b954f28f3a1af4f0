package io.rnnc.cli;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;

/** A dataset that remembers the batch it last filled, so progress can score the step's predictions. */
final class RecordingDataset implements Dataset {

    private final Dataset data;
    private Batch last;

    RecordingDataset(Dataset data) {
        this.data = data;
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public SampleLayout layout() {
        return data.layout();
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        data.fill(index, batch, slot);
        last = batch;
    }

    /** The training batch last filled (the one the latest step trained on), or null. */
    Batch last() {
        return last;
    }
}
