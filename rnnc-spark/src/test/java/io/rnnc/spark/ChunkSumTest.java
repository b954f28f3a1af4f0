package io.rnnc.spark;

import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkSumTest {

    private static final int CHUNKS = 7;
    private static final int N = 1000;

    private final List<FloatTensorStore> grads = new ArrayList<>();
    private final double[] losses = new double[CHUNKS];

    ChunkSumTest() {
        Random r = new Random(42);
        for (int c = 0; c < CHUNKS; c++) {
            FloatTensorStore g = new FloatTensorStore(List.of(new TensorInfo("w", new int[] {N}, 0)));
            for (int i = 0; i < N; i++) {
                // Widely different magnitudes, so that the order of the additions shows in the bits
                g.data[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(6) - 3));
            }
            grads.add(g);
            losses[c] = r.nextDouble() / 3;
        }
    }

    /** What ChunkedModel.computeGradients does on one machine. */
    private FloatTensorStore leftFold() {
        FloatTensorStore sum = new FloatTensorStore(grads.get(0).tensors());
        sum.copyFrom(grads.get(0));
        for (int c = 1; c < CHUNKS; c++) {
            sum.addFrom(grads.get(c));
        }
        return sum;
    }

    private double lossFold() {
        double loss = 0;
        for (double l : losses) {
            loss += l;
        }
        return loss;
    }

    private ChunkSum of(int... chunks) {
        ChunkSum s = new ChunkSum();
        for (int c : chunks) {
            s.add(c, FlatValues.copyOf(grads.get(c)), losses[c]);
        }
        return s;
    }

    private void assertSingleMachineBits(ChunkSum total) {
        assertEquals(CHUNKS, total.folded());
        assertEquals(0, total.pending());
        assertEquals(FlatValues.copyOf(leftFold()), total.gradients());
        assertEquals(Double.doubleToLongBits(lossFold()), Double.doubleToLongBits(total.loss()));
    }

    @Test
    void mergedInAnyOrderAndTreeTheSumHasTheSingleMachinesBits() {
        Random r = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int c = 0; c < CHUNKS; c++) {
                order.add(c);
            }
            Collections.shuffle(order, r);
            // Random partitions of the shuffled chunks, merged pairwise in random order, like a tree aggregate
            List<ChunkSum> parts = new ArrayList<>();
            for (int i = 0; i < CHUNKS; ) {
                int k = 1 + r.nextInt(3);
                ChunkSum p = new ChunkSum();
                for (int j = i; j < Math.min(CHUNKS, i + k); j++) {
                    p.add(order.get(j), FlatValues.copyOf(grads.get(order.get(j))), losses[order.get(j)]);
                }
                parts.add(p);
                i += k;
            }
            while (parts.size() > 1) {
                ChunkSum a = parts.remove(r.nextInt(parts.size()));
                ChunkSum b = parts.remove(r.nextInt(parts.size()));
                parts.add(r.nextBoolean() ? a.merge(b) : b.merge(a));
            }
            assertSingleMachineBits(parts.get(0));
        }
    }

    @Test
    void aTreeOfPartialSumsWouldGiveOtherBits() {
        // The reason ChunkSum exists: (g0+g1+g2+g3) + (g4+g5+g6) is not the left fold
        FloatTensorStore left = new FloatTensorStore(grads.get(0).tensors());
        left.copyFrom(grads.get(0));
        for (int c = 1; c < 4; c++) {
            left.addFrom(grads.get(c));
        }
        FloatTensorStore right = new FloatTensorStore(grads.get(0).tensors());
        right.copyFrom(grads.get(4));
        for (int c = 5; c < CHUNKS; c++) {
            right.addFrom(grads.get(c));
        }
        left.addFrom(right);
        assertNotEquals(FlatValues.copyOf(leftFold()), FlatValues.copyOf(left));
    }

    @Test
    void onlyTheChunksAfterTheFoldedPrefixWait() {
        ChunkSum s = of(2, 3);
        assertEquals(0, s.folded());
        assertEquals(2, s.pending());
        s.merge(of(0, 1));
        assertEquals(4, s.folded());
        assertEquals(0, s.pending());
        assertThrows(IllegalStateException.class, () -> s.add(3, FlatValues.copyOf(grads.get(3)), 0));
        assertThrows(IllegalStateException.class, () -> s.merge(of(0)));
    }
}
