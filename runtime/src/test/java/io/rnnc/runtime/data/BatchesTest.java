package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchesTest {

    /** Sample i has feature i and class i % 3. */
    static final class Counting implements Dataset {
        final int n;

        Counting(int n) {
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public SampleLayout layout() {
            return new SampleLayout(false, new int[] {1, 1}, 0, true, new int[] {1}, 3, "counting samples");
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            batch.features[slot] = index;
            batch.classes[slot] = index % 3;
        }
    }

    static final ModelInfo INFO = new ModelInfo("C", "many_to_one", "features", 1, 0, 1, 1, 3, List.of("rnn_tanh"), List.of(2),
            "softmax", "cross_entropy", "adam", 8, "float32", List.of(new TensorInfo("fc.bias", new int[] {3}, 0)), "");

    static int[] epochOrder(Batches b, int epoch) {
        b.startEpoch(epoch);
        Batch batch = Batch.forModel(INFO);
        int[] seen = new int[b.samples()];
        int k = 0;
        for (int i = 0; i < b.count(); i++) {
            int n = b.fill(i, batch);
            assertEquals(i < b.count() - 1 ? 8 : 23 % 8, n);
            assertEquals(n, batch.size());
            for (int s = 0; s < n; s++) {
                seen[k++] = (int) batch.features[s];
                assertEquals(seen[k - 1] % 3, batch.classes[s]);
            }
        }
        return seen;
    }

    @Test
    void everySampleOnceWithAShortLastBatch() {
        Batches b = new Batches(new Counting(23), 8, true, 5);
        assertEquals(3, b.count());
        int[] order = epochOrder(b, 0);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        int[] all = new int[23];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, sorted);
        assertFalse(Arrays.equals(all, order), "shuffled");
        assertArrayEquals(all, epochOrder(new Batches(new Counting(23), 8, false, 5), 3), "no shuffle: dataset order");
    }

    @Test
    void epochOrderIsAPureFunctionOfSeedAndEpoch() {
        Batches sequential = new Batches(new Counting(23), 8, true, 5);
        int[][] orders = new int[5][];
        for (int e = 0; e < 5; e++) {
            orders[e] = epochOrder(sequential, e);
        }
        Batches jumped = new Batches(new Counting(23), 8, true, 5);
        assertArrayEquals(orders[3], epochOrder(jumped, 3));
        assertArrayEquals(orders[1], epochOrder(jumped, 1));
        Set<String> distinct = new HashSet<>();
        for (int[] o : orders) {
            distinct.add(Arrays.toString(o));
        }
        assertEquals(5, distinct.size(), "each epoch its own order");
        assertFalse(Arrays.equals(orders[0], epochOrder(new Batches(new Counting(23), 8, true, 6), 0)), "seed matters");
        assertEquals(Batches.epochSeed(5, 3), Batches.epochSeed(5, 3));
    }

    @Test
    void splitsAreDisjointSeededAndComplete() {
        Dataset d = new Counting(100);
        Datasets.Split a = Datasets.split(d, 0.2, 1);
        Datasets.Split b = Datasets.split(d, 0.2, 1);
        assertEquals(80, a.train().size());
        assertEquals(20, a.validation().size());
        Batch batch = Batch.forModel(INFO);
        Set<Integer> seen = new HashSet<>();
        for (Dataset part : List.of(a.train(), a.validation())) {
            for (int i = 0; i < part.size(); i++) {
                part.fill(i, batch, 0);
                assertTrue(seen.add((int) batch.features[0]));
            }
        }
        assertEquals(100, seen.size());
        for (int i = 0; i < 20; i++) {
            a.validation().fill(i, batch, 0);
            double x = batch.features[0];
            b.validation().fill(i, batch, 0);
            assertEquals(x, batch.features[0]);
        }
        Datasets.Split inOrder = Datasets.splitInOrder(d, 0.1);
        inOrder.validation().fill(0, batch, 0);
        assertEquals(90, batch.features[0]);
        assertEquals(10, Datasets.head(d, 10).size());
    }
}
