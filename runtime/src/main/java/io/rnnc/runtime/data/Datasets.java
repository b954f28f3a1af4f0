package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.init.Rng;

import java.util.Arrays;

/** Subsets and train/validation splits of a {@link Dataset}, as views (no sample is copied). */
public final class Datasets {

    /** A training part and a held-out part. */
    public record Split(Dataset train, Dataset validation) {
    }

    private Datasets() {
    }

    /** The samples at {@code indices}, in that order. */
    public static Dataset subset(Dataset data, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= data.size()) {
                throw new IndexOutOfBoundsException("index " + i + " outside 0.." + (data.size() - 1));
            }
        }
        return new Subset(data, indices.clone());
    }

    /** The first {@code n} samples (all of them if there are fewer). */
    public static Dataset head(Dataset data, int n) {
        int[] idx = new int[Math.min(n, data.size())];
        Arrays.setAll(idx, i -> i);
        return new Subset(data, idx);
    }

    /**
     * A random split: a seeded permutation, the last {@code round(size * validationFraction)} samples of
     * it held out. Same seed, same split.
     */
    public static Split split(Dataset data, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1): " + validationFraction);
        }
        int n = data.size();
        int held = (int) Math.round(n * validationFraction);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException(data.layout().description() + ": " + n + " samples cannot be split "
                    + validationFraction + " for validation");
        }
        int[] perm = new int[n];
        Arrays.setAll(perm, i -> i);
        new Rng(seed).shuffle(perm, n);
        return new Split(new Subset(data, Arrays.copyOfRange(perm, 0, n - held)),
                new Subset(data, Arrays.copyOfRange(perm, n - held, n)));
    }

    /** An in-order split: the first samples train, the last {@code round(size * validationFraction)} validate. */
    public static Split splitInOrder(Dataset data, double validationFraction) {
        int n = data.size();
        int held = (int) Math.round(n * validationFraction);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException(data.layout().description() + ": " + n + " samples cannot be split "
                    + validationFraction + " for validation");
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return new Split(new Subset(data, Arrays.copyOfRange(all, 0, n - held)),
                new Subset(data, Arrays.copyOfRange(all, n - held, n)));
    }

    private record Subset(Dataset data, int[] indices) implements Dataset {
        @Override
        public int size() {
            return indices.length;
        }

        @Override
        public SampleLayout layout() {
            return data.layout();
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            data.fill(indices[index], batch, slot);
        }
    }
}
