package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;

import java.util.SplittableRandom;

/** Samples of any model's layout drawn from a seeded generator keyed by the sample index (tests only). */
record RandomSamples(ModelInfo info, int size, long seed) implements Dataset {

    @Override
    public SampleLayout layout() {
        return new SampleLayout(info.tokenInputs(), new int[] {info.inputValuesPerSample()}, info.tokenInputs() ? info.vocab() : 0,
                info.classTargets(), new int[] {info.targetValuesPerSample()}, info.classTargets() ? info.outputs() : 0,
                "random samples");
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
        int in = info.inputValuesPerSample();
        int out = info.targetValuesPerSample();
        for (int j = 0; j < in; j++) {
            if (batch.tokens != null) {
                batch.tokens[slot * in + j] = r.nextInt(info.vocab());
            } else {
                batch.features[slot * in + j] = r.nextDouble(-1, 1);
            }
        }
        for (int j = 0; j < out; j++) {
            if (batch.classes != null) {
                batch.classes[slot * out + j] = r.nextInt(info.outputs());
            } else {
                batch.targets[slot * out + j] = r.nextDouble(-1, 1);
            }
        }
    }
}
