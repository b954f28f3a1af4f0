package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A training step of the seed model allocates nothing that grows with the number of steps. */
class AllocationTest {

    @Test
    void trainingStepsDoNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RnnModel net = TestModels.instantiate(SampleSpecs.seedModel());
        Batch batch = GradCheck.randomBatch(net.info(), 64, 3);
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 30; i++) {
            net.trainStep(batch);
        }
        long before10 = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10; i++) {
            net.trainStep(batch);
        }
        long after10 = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100; i++) {
            net.trainStep(batch);
        }
        long after100 = mx.getThreadAllocatedBytes(id);
        long bytes10 = after10 - before10;
        long bytes100 = after100 - after10;
        System.out.println("ALLOCATION seed model: " + bytes10 + " bytes over 10 training steps, " + bytes100
                + " bytes over 100 training steps");
        // per-step allocation would show as bytes100 ≈ 10 × bytes10; allow a little JVM noise
        assertTrue(bytes100 <= bytes10 + 4096, "allocation grows with steps: " + bytes10 + " -> " + bytes100);
        assertTrue(bytes100 < 100 * 64, "training allocates per step: " + bytes100 + " bytes in 100 steps");
    }
}
