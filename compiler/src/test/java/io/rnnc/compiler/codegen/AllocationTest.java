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
        // Warm up until the JIT has compiled the kernels with C2: until then the Vector API runs
        // interpreted or in C1 code, which boxes every vector. A structural allocation never stops.
        int warmSteps = 0;
        long round;
        do {
            long start = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 20; i++) {
                net.trainStep(batch);
            }
            warmSteps += 20;
            round = mx.getThreadAllocatedBytes(id) - start;
        } while (round > 1024 && warmSteps < 4000);
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100; i++) {
            net.trainStep(batch);
        }
        long bytes100 = mx.getThreadAllocatedBytes(id) - before;
        System.out.println("ALLOCATION seed model: " + bytes100 + " bytes over 100 training steps after "
                + warmSteps + " warm-up steps (last 20 of them: " + round + " bytes)");
        assertTrue(bytes100 < 100 * 64, "training allocates per step: " + bytes100 + " bytes in 100 steps");
    }
}
