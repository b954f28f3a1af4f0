package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChunkedModel#sharingWeights()}: one copy of the weights, own buffers, every change refused. */
class SharingWeightsTest {

    private static final int B = 10;
    private static final int O = ChunkedSoftmax.O;

    private static Batch batch(ModelInfo info, int n, long seed) {
        return ChunkedSoftmax.batch(info, n, seed);
    }

    private static double[] outputs(ChunkedModel m, Batch b) {
        m.forward(b);
        double[] out = new double[B * O];
        m.copyOutputs(out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void aSiblingReadsTheOwnersWeightsInPlaceAndSeesTheirChanges(String precision) {
        ChunkedSoftmax owner = ChunkedSoftmax.adam(B, 3, precision);
        ChunkedModel sibling = owner.sharingWeights();
        assertNotSame(owner, sibling);
        assertSame(ChunkedSoftmax.class, sibling.getClass());
        assertTrue(sibling.sharesWeights());
        assertFalse(owner.sharesWeights());
        assertTrue(sibling.parameters().sharesDataWith(owner.parameters()), "one array of parameters");
        assertTrue(sibling.parameters().isReadOnly());
        assertFalse(owner.parameters().isReadOnly());
        // a sibling of a sibling shares the owner's weights
        assertTrue(sibling.sharingWeights().parameters().sharesDataWith(owner.parameters()));

        Batch b = batch(owner.info(), B, 1);
        assertArrayEquals(outputs(owner, b), outputs(sibling, b));
        // the owner trains: the sibling computes with the new weights at its next call
        double[] before = outputs(sibling, b);
        owner.trainStep(batch(owner.info(), B, 2));
        double[] after = outputs(sibling, b);
        assertFalse(java.util.Arrays.equals(before, after));
        assertArrayEquals(outputs(owner, b), after);
    }

    @Test
    void aSiblingHasItsOwnBuffersAndThreads() {
        ChunkedSoftmax owner = ChunkedSoftmax.adam(B, 3, "float32");
        ChunkedModel sibling = owner.sharingWeights();
        sibling.setThreads(2);
        owner.setThreads(1);
        assertEquals(2, sibling.threads());
        Batch a = batch(owner.info(), B, 3);
        Batch c = batch(owner.info(), 4, 4);
        double[] alone = outputs(owner, a);
        sibling.forward(c);
        // the owner's last outputs are still its own after the sibling's forward
        double[] out = new double[B * O];
        owner.copyOutputs(out);
        assertArrayEquals(alone, out);
        assertEquals(sibling.evaluate(c), owner.evaluate(c));
    }

    @Test
    void aSiblingRefusesEveryChangeOfTheWeightsAndHasNoTrainingState() {
        ChunkedSoftmax owner = ChunkedSoftmax.adam(B, 3, "float32");
        ChunkedModel sibling = owner.sharingWeights();
        Batch b = batch(owner.info(), B, 5);
        TensorStore copy = owner.parameters();
        double w0 = owner.parameters().get(0);
        Executable[] refused = {
                () -> sibling.trainStep(b),
                () -> sibling.computeGradients(b),
                sibling::applyUpdate,
                () -> sibling.computeChunkGradients(batch(owner.info(), 3, 6), 0, B),
                () -> sibling.initialize(1),
                sibling::parametersChanged,
                () -> sibling.setLearningRate(0.5),
                sibling::gradients,
                sibling::optimizerState,
                () -> sibling.parameters().copyFrom(copy),
                () -> sibling.parameters().copyIn("fc.bias", new double[O]),
                () -> sibling.parameters().set(0, 1),
                () -> sibling.parameters().zero(),
        };
        for (Executable e : refused) {
            IllegalStateException x = assertThrows(IllegalStateException.class, e);
            assertTrue(x.getMessage().contains("shares the weights of another instance"), x.getMessage());
        }
        assertEquals(w0, owner.parameters().get(0));
        assertEquals(0, owner.optimizerState().step());
        // reading is allowed
        assertEquals(owner.parameters().get(3), sibling.parameters().get(3));
        assertArrayEquals(owner.parameters().copyOut("fc.bias"), sibling.parameters().copyOut("fc.bias"));
    }

    @Test
    void aSiblingAllocatesNoGradientsOrOptimizerStateAndTheOwnerStillTrains() {
        ChunkedSoftmax owner = ChunkedSoftmax.adam(B, 3, "float64");
        ChunkedModel sibling = owner.sharingWeights();
        int packs = owner.parametersChangedCalls();
        owner.trainStep(batch(owner.info(), B, 7));
        assertEquals(packs + 1, owner.parametersChangedCalls());
        assertEquals(1, owner.optimizerState().step());
        Batch b = batch(owner.info(), B, 8);
        assertArrayEquals(outputs(owner, b), outputs(sibling, b));
    }

    @Test
    void aSiblingForSmallBatchesHasOnlyTheChunksTheyNeed() {
        ChunkedSoftmax owner = ChunkedSoftmax.adam(B, 3, "float32");
        ChunkedModel small = owner.sharingWeights(2);
        small.setThreads(4);
        assertEquals(1, small.threads(), "one chunk, one thread");
        Batch two = batch(owner.info(), 2, 9);
        assertArrayEquals(outputs(owner, two), outputs(small, two));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.forward(batch(owner.info(), 3, 9)));
        assertTrue(e.getMessage().contains("made for at most 2 rows"), e.getMessage());
        ChunkedModel seven = owner.sharingWeights(7);
        Batch b = batch(owner.info(), 7, 10);
        assertArrayEquals(outputs(owner, b), outputs(seven, b));
        assertThrows(IllegalArgumentException.class, () -> owner.sharingWeights(0));
        assertThrows(IllegalArgumentException.class, () -> owner.sharingWeights(B + 1));
    }

    @Test
    void aSiblingKeepsTheWeightsButNotTheModelItCameFrom() throws InterruptedException {
        ChunkedSoftmax owner = ChunkedSoftmax.adam(B, 3, "float32");
        owner.trainStep(batch(owner.info(), B, 11));
        Batch b = batch(owner.info(), 1, 12);
        double[] expected = outputs(owner, b);
        ChunkedModel sibling = owner.sharingWeights(1);
        java.lang.ref.WeakReference<ChunkedModel> gone = new java.lang.ref.WeakReference<>(owner);
        owner = null;
        for (int i = 0; i < 50 && gone.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(gone.get() == null, "the source model (its gradients, optimizer state and buffers) should be collectable");
        assertArrayEquals(expected, outputs(sibling, b));
        assertTrue(sibling.sharingWeights().parameters().sharesDataWith(sibling.parameters()));
    }
}
