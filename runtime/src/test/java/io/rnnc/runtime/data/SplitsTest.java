package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SplitsTest {

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    @Test
    void fractionsParseOrSayWhatWasExpected() {
        assertEquals(new Splits.Fractions(0.8, 0.1, 0.1), Splits.Fractions.parse("0.8,0.1,0.1"));
        assertEquals(new Splits.Fractions(0.9, 0.1, 0), Splits.Fractions.parse(" 0.9 , .1"));
        assertEquals(new Splits.Fractions(1, 0, 0), Splits.Fractions.parse("1,0"));
        assertEquals("split '0.8': expected two or three fractions, e.g. 0.8,0.1,0.1 (train, validation, test)",
                error(() -> Splits.Fractions.parse("0.8")));
        assertEquals("split '0.8,0.1,0.2': the fractions add up to 1.1, not 1", error(() -> Splits.Fractions.parse("0.8,0.1,0.2")));
        assertEquals("split '0.8,x,0.1': 'x' is not a fraction between 0 and 1", error(() -> Splits.Fractions.parse("0.8,x,0.1")));
        assertEquals("split '1.5,-0.5': '1.5' is not a fraction between 0 and 1", error(() -> Splits.Fractions.parse("1.5,-0.5")));
        assertEquals("split '0,1': the training share must be above 0", error(() -> Splits.Fractions.parse("0,1")));
    }

    @Test
    void aSeededSplitIsTheSameOnEveryMachine() {
        Splits.Parts p = Splits.shuffled(10, Splits.Fractions.parse("0.6,0.2,0.2"), 42, "10 lines");
        // Locked: Rng is a fixed SplitMix64 + Fisher-Yates recipe, so these never change with the JVM or the platform.
        assertArrayEquals(new int[] {0, 4, 5, 6, 8, 9}, p.train());
        assertArrayEquals(new int[] {2, 7}, p.validation());
        assertArrayEquals(new int[] {1, 3}, p.test());
        assertEquals(Arrays.toString(p.train()), Arrays.toString(Splits.shuffled(10, Splits.Fractions.parse("0.6,0.2,0.2"), 42, "").train()));
        assertFalse(Arrays.equals(p.train(), Splits.shuffled(10, Splits.Fractions.parse("0.6,0.2,0.2"), 43, "").train()),
                "another seed, another split");
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(p.train()), Arrays.stream(p.validation())),
                Arrays.stream(p.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 10).toArray(), all, "every sample in exactly one part");
    }

    @Test
    void countsRoundTheHeldOutPartsAndRefuseEmptyParts() {
        assertArrayEquals(new int[] {81, 10, 10}, Splits.counts(101, Splits.Fractions.parse("0.8,0.1,0.1"), ""));
        Splits.Parts inOrder = Splits.inOrder(5, Splits.Fractions.parse("0.6,0.2,0.2"), "");
        assertArrayEquals(new int[] {0, 1, 2}, inOrder.train());
        assertArrayEquals(new int[] {3}, inOrder.validation());
        assertArrayEquals(new int[] {4}, inOrder.test());
        assertEquals("data.tsv: 4 lines are too few to split 0.8/0.1/0.1 (every part asked for needs at least one sample)",
                error(() -> Splits.shuffled(4, Splits.Fractions.parse("0.8,0.1,0.1"), 1, "data.tsv: 4 lines")));
    }
}
