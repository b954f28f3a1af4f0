package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;

/** A dataset whose samples have lengths of their own, 1..max, keyed by the sample index (tests only). */
record WithLengths(Dataset inner, int maxLength, int maxTargetLength) implements Dataset {

    @Override
    public SampleLayout layout() {
        return inner.layout();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        inner.fill(index, batch, slot);
        if (maxLength > 0) {
            batch.setLength(slot, 1 + (index * 5) % maxLength);
        }
        if (maxTargetLength > 0) {
            batch.setTargetLength(slot, 1 + (index * 3) % maxTargetLength);
        }
    }
}
