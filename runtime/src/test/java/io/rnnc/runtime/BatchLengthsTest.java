package io.rnnc.runtime;

import io.rnnc.runtime.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchLengthsTest {

    static ModelInfo info(String mode, int inSteps, int outSteps, int batch) {
        return new ModelInfo("M", mode, "tokens_embed", 0, 7, inSteps, outSteps, 7, List.of("gru"), List.of(4),
                "softmax", "cross_entropy", "adam", batch, "float32", List.of(new TensorInfo("fc.bias", new int[] {7}, 0)), "");
    }

    @Test
    void rowsOfABatchOfAnotherKindAreRefusedBeforeAnythingIsCopied() {
        Batch classes = Batch.forModel(info("many_to_one", 6, 1, 4));
        ModelInfo mse = new ModelInfo("M", "many_to_one", "tokens_embed", 0, 7, 6, 1, 7, List.of("gru"), List.of(4),
                "linear", "mse", "adam", 4, "float32", List.of(new TensorInfo("fc.bias", new int[] {7}, 0)), "");
        Batch targets = Batch.forModel(mse);
        classes.setSize(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classes.copyRowsFrom(targets, 0, 2));
        assertEquals("a batch of another kind: it has no classes array, which this model reads;"
                + " make batches with Batch.forModel(model.info())", e.getMessage());
        assertEquals(3, classes.size(), "nothing changed");
    }

    @Test
    void aBatchWithoutLengthsIsTheFixedBatch() {
        Batch b = Batch.forModel(info("many_to_many", 6, 6, 5));
        assertFalse(b.hasLengths());
        assertEquals(6, b.maxLength());
        assertEquals(0, b.maxTargetLength());
        for (int r = 0; r < 5; r++) {
            assertEquals(6, b.length(r));
        }
        assertEquals(30, b.validPositions(0, 5));
        assertEquals(12, b.validPositions(1, 3));
        assertEquals(6, b.longestLength(0, 5));
        b.checkLengths(6, 0);
        // Fixed-length batches are not checked at all: a model of other steps sees no length error
        b.checkLengths(3, 0);
    }

    @Test
    void lengthsAreCountedAndTheLongestFound() {
        Batch b = Batch.forModel(info("many_to_one", 6, 1, 5));
        b.setLengths(6, 2, 5, 1, 3);
        assertTrue(b.hasLengths());
        assertEquals(17, b.validPositions(0, 5));
        assertEquals(8, b.validPositions(1, 4));
        assertEquals(5, b.longestLength(1, 4));
        assertEquals(3, b.longestLength(3, 5));
        b.setSize(4);
        b.checkLengths(6, 0);
        b.clearLengths();
        assertFalse(b.hasLengths());
        assertEquals(30, b.validPositions(0, 5));
        assertEquals(6, b.length(1));
    }

    @Test
    void settingTheFullLengthStillMarksTheBatch() {
        Batch b = Batch.forModel(info("many_to_many", 4, 4, 2));
        b.setLength(0, 4);
        assertTrue(b.hasLengths());
        assertEquals(8, b.validPositions(0, 2));
    }

    @Test
    void seq2seqHasSourceAndTargetLengths() {
        Batch b = Batch.forModel(info("seq2seq", 6, 5, 4));
        assertEquals(6, b.maxLength());
        assertEquals(5, b.maxTargetLength());
        b.setLengths(6, 3, 2, 4);
        b.setTargetLength(0, 5);
        b.setTargetLength(1, 1);
        assertEquals(15, b.validPositions(0, 4));
        // rows 2 and 3 keep the full target length
        assertEquals(16, b.validTargetPositions(0, 4));
        assertEquals(5, b.longestTargetLength(1, 4));
        b.checkLengths(6, 5);
    }

    @Test
    void modesWithoutASequenceRefuseLengthsAndSaySo() {
        Batch oneToOne = Batch.forModel(info("one_to_one", 1, 1, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> oneToOne.setLength(0, 1));
        assertTrue(e.getMessage().contains("no input lengths"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> oneToOne.setTargetLength(0, 1));

        Batch oneToMany = Batch.forModel(info("one_to_many", 1, 8, 2));
        assertThrows(IllegalStateException.class, () -> oneToMany.setLength(0, 1));
        oneToMany.setTargetLength(1, 3);
        assertEquals(11, oneToMany.validTargetPositions(0, 2));

        Batch manyToMany = Batch.forModel(info("many_to_many", 5, 5, 2));
        IllegalStateException m = assertThrows(IllegalStateException.class, () -> manyToMany.setTargetLength(0, 2));
        assertTrue(m.getMessage().contains("setLength"), m.getMessage());
    }

    @Test
    void aLengthOutOfRangeNamesTheRowAndTheRange() {
        Batch b = Batch.forModel(info("many_to_many", 6, 6, 4));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> b.setLength(2, 0));
        assertEquals("batch row 2 has length 0; a length must be 1..6 (the model's longest sequence is 6 steps)", zero.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> b.setLength(3, 7));
        assertTrue(big.getMessage().contains("row 3") && big.getMessage().contains("1..6"), big.getMessage());
        assertFalse(b.hasLengths(), "a refused length leaves the batch as it was");
        Batch s = Batch.forModel(info("seq2seq", 6, 5, 4));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> s.setTargetLength(1, 6));
        assertTrue(t.getMessage().contains("row 1 has target length 6") && t.getMessage().contains("1..5"), t.getMessage());
    }

    @Test
    void checkLengthsCatchesABatchOfALongerModel() {
        // Lengths valid for a model of 10 steps, checked by a model of 5: the first bad row is named
        Batch b = Batch.forModel(info("many_to_many", 10, 10, 4));
        b.setLengths(5, 3, 8, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.checkLengths(5, 0));
        assertTrue(e.getMessage().startsWith("batch row 2 has length 8;") && e.getMessage().contains("1..5"), e.getMessage());
        // Only the rows in use are checked
        b.setSize(2);
        b.checkLengths(5, 0);
        b.checkLengths(info("many_to_many", 5, 5, 4));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> b.checkLengths(info("seq2seq", 5, 4, 4)));
        assertTrue(s.getMessage().contains("target length"), s.getMessage());
    }

    @Test
    void copyRowsFromCarriesLengthsAndTheirAbsence() {
        ModelInfo m = info("seq2seq", 6, 5, 6);
        Batch src = Batch.forModel(m);
        src.setLengths(6, 1, 2, 3, 4, 5);
        src.setTargetLength(4, 2);
        Batch slice = Batch.forModel(m, 3);
        slice.copyRowsFrom(src, 3, 3);
        assertTrue(slice.hasLengths());
        assertEquals(3, slice.length(0));
        assertEquals(4, slice.length(1));
        assertEquals(5, slice.length(2));
        assertEquals(2, slice.targetLength(1));
        assertEquals(5, slice.targetLength(0));
        src.clearLengths();
        slice.copyRowsFrom(src, 0, 2);
        assertFalse(slice.hasLengths());
        assertEquals(6, slice.length(0));
        assertEquals(10, slice.validTargetPositions(0, 2));

        Batch other = Batch.forModel(info("seq2seq", 6, 4, 6));
        assertThrows(IllegalArgumentException.class, () -> slice.copyRowsFrom(other, 0, 2));
    }

    @Test
    void lengthsAllocateNothing() {
        ModelInfo m = info("seq2seq", 9, 7, 64);
        Batch b = Batch.forModel(m);
        Batch slice = Batch.forModel(m, 16);
        long[] sink = {0};
        Runnable steps = () -> {
            for (int i = 0; i < 200; i++) {
                b.clearLengths();
                for (int r = 0; r < 64; r++) {
                    b.setLength(r, 1 + (r + i) % 9);
                    b.setTargetLength(r, 1 + r % 7);
                }
                b.checkLengths(9, 7);
                slice.copyRowsFrom(b, 16, 16);
                sink[0] += b.validPositions(0, 64) + slice.validTargetPositions(0, 16) + b.longestLength(0, 64);
            }
        };
        steps.run(); // warm-up
        long allocated = Allocations.leastOf(5, steps);
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 200 steps");
        assertTrue(sink[0] > 0);
    }
}
