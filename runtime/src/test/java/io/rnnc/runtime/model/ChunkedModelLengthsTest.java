package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link ChunkedModel} hands a generated class for per-sample lengths and dropout. */
class ChunkedModelLengthsTest {

    static final int T = 5;

    static ModelInfo info(int steps) {
        return new ModelInfo("Probe", "many_to_many", "features", 1, 0, steps, steps, 1, List.of("gru"), List.of(2), "linear",
                "mse", "adam", 10, "float32", List.of(new TensorInfo("fc.bias", new int[] {1}, 0)), "");
    }

    /**
     * Records, per chunk, what the base class tells it: first global row, the batch's valid positions, and
     * the lengths its slice carries. Its "loss" is its valid positions over the batch's, so the step's loss is 1.
     */
    static final class Probe extends ChunkedModel {
        final boolean lengths;
        final int[] firstRows;
        final long[] valid;
        final int[][] sliceLengths;
        final int chunk;
        private int nextChunk = 1;

        Probe(boolean lengths) {
            this(lengths, null);
            completeConstruction();
        }

        private Probe(boolean lengths, Probe root) {
            super(new ModelSettings(ChunkedModelLengthsTest.info(T), 4, 1L, Optimizer.adam(0.01, 0.9, 0.999, 1e-8, 0), Clip.NONE,
                    List.of(TensorInit.normal("fc.bias"))), root);
            this.lengths = lengths;
            this.firstRows = root == null ? new int[3] : root.firstRows;
            this.valid = root == null ? new long[3] : root.valid;
            this.sliceLengths = root == null ? new int[3][] : root.sliceLengths;
            this.chunk = root == null ? 0 : root.nextChunk++;
        }

        @Override
        protected boolean takesLengths() {
            return lengths;
        }

        @Override
        protected ChunkedModel newChunk() {
            return new Probe(lengths, this);
        }

        @Override
        protected void loadInputs(Batch batch, int n) {
            firstRows[chunk] = firstRow();
            valid[chunk] = batchValidPositions();
            sliceLengths[chunk] = new int[n];
            for (int r = 0; r < n; r++) {
                sliceLengths[chunk][r] = batch.length(r);
            }
        }

        @Override
        protected void forwardPass(int n) {
        }

        @Override
        protected double loss(Batch batch, int n, int batchRows, boolean backward) {
            return (double) batch.validPositions(0, n) / batchValidPositions();
        }

        @Override
        protected void backwardPass(int n) {
        }

        @Override
        protected void chunkLogits(double[] dst, int dstOffset) {
        }

        @Override
        protected void chunkOutputs(double[] dst, int dstOffset) {
        }

        @Override
        protected void chunkFinalStates(double[] h, double[] c, int row0, int batchRows) {
        }
    }

    @Test
    void chunksKnowTheirGlobalRowsAndTheBatchsValidPositions() {
        Probe m = new Probe(true);
        Batch b = Batch.forModel(m.info());
        b.setSize(10);
        b.setLengths(5, 1, 2, 3, 4, 5, 1, 2, 3, 4);
        assertEquals(1.0, m.evaluate(b), 1e-15);
        assertArrayEquals(new int[] {0, 4, 8}, m.firstRows);
        assertArrayEquals(new long[] {30, 30, 30}, m.valid);
        assertArrayEquals(new int[] {5, 1, 2, 3}, m.sliceLengths[0]);
        assertArrayEquals(new int[] {3, 4}, m.sliceLengths[2]);
        // without lengths: rows times T
        b.clearLengths();
        b.setSize(6);
        m.evaluate(b);
        assertEquals(6 * T, m.valid[0]);
        assertArrayEquals(new int[] {T, T}, m.sliceLengths[1]);
    }

    @Test
    void aModelWithoutLengthsRefusesABatchThatHasThem() {
        Probe m = new Probe(false);
        Batch b = Batch.forModel(m.info());
        m.evaluate(b);
        b.setLength(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.evaluate(b));
        assertTrue(e.getMessage().startsWith("model Probe does not take per-sample lengths"), e.getMessage());
    }

    @Test
    void lengthsAreCheckedOnTheWholeBatchNamingTheUsersRow() {
        Probe m = new Probe(true);
        // lengths of a longer model's batch: row 6 (in chunk 1) is too long for T = 5
        Batch longer = Batch.forModel(info(8));
        longer.setLengths(1, 2, 3, 4, 5, 5, 7, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(longer));
        assertTrue(e.getMessage().startsWith("batch row 6 has length 7;") && e.getMessage().contains("1..5"), e.getMessage());
    }
}
