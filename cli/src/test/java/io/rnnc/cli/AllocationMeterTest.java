package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The allocation figure behind rnnc bench's warning about steps that ran with boxed Vector API calls. */
class AllocationMeterTest {

    @Test
    void countsThisThreadsAllocation() {
        AllocationMeter meter = AllocationMeter.create();
        if (meter == null) {
            return; // a JVM without per-thread allocation counters: bench prints no figure
        }
        long before = meter.allocatedBytes();
        byte[][] keep = new byte[64][];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new byte[100_000];
        }
        long grown = meter.allocatedBytes() - before;
        assertTrue(grown >= 6_400_000L, "counted " + grown + " bytes for " + keep.length + " x 100 kB");
    }

    @Test
    void warnsOnlyAboveTheThreshold() {
        assertNull(AllocationMeter.warning("training", 0));
        assertNull(AllocationMeter.warning("training", AllocationMeter.SUSPICIOUS_BYTES_PER_STEP));
        String w = AllocationMeter.warning("training", 200_000);
        assertNotNull(w);
        assertTrue(w.startsWith("warning: training allocated 0.20 MB per step"), w);
        assertTrue(w.contains("Rerun"), w);
    }

    @Test
    void extraWarmupIsBoundedAndZeroWhenAskedForNone() {
        assertEquals(0, BenchCommand.extraWarmupSeconds(0));
        assertEquals(9, BenchCommand.extraWarmupSeconds(3));
        assertEquals(BenchCommand.MAX_EXTRA_WARMUP_SECONDS, BenchCommand.extraWarmupSeconds(60));
    }
}
