package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step of the seed model allocates nothing that grows with the number of steps, on any
 * thread: with threads > 1 the chunks of a batch run on the model's worker threads too, so the count
 * is the sum over every live thread of the JVM, not the calling thread's alone.
 */
class AllocationTest {

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest(name = "threads {0}")
    @ValueSource(ints = {1, 2})
    void trainingStepsDoNotAllocate(int threads) {
        RnnModel net = TestModels.instantiate(SampleSpecs.seedModel());
        net.setThreads(threads);
        assertEquals(threads, net.threads());
        Batch batch = GradCheck.randomBatch(net.info(), 64, 3);
        Set<String> workersBefore = workerThreads();
        net.trainStep(batch);
        Set<String> ownWorkers = workerThreads();
        ownWorkers.removeAll(workersBefore);
        if (threads > 1) {
            // the count below only means something if the chunks really ran on a thread of this model's
            assertTrue(!ownWorkers.isEmpty(), "no new rnnc-worker thread after a training step with " + threads + " threads");
        }
        // Warm up until the JIT has compiled the kernels with C2: until then the Vector API runs
        // interpreted or in C1 code, which boxes every vector (megabytes a step). The bar is the
        // check's own, 64 bytes a step: other threads of the JVM allocate a few kB now and then.
        int warmSteps = 0;
        long round;
        do {
            round = allocatedBy(net, batch, 20, ownWorkers).total();
            warmSteps += 20;
        } while (round >= 20 * 64 && warmSteps < 4000);
        // The least of three rounds: a structural allocation shows in every round, while a stray
        // allocation of a thread that is not the model's (surefire's ping, say) shows in one at most.
        Allocation best = null;
        for (int r = 0; r < 3 && (best == null || best.total() >= 100 * 64); r++) {
            Allocation a = allocatedBy(net, batch, 100, ownWorkers);
            if (best == null || a.total() < best.total()) {
                best = a;
            }
        }
        System.out.println("ALLOCATION seed model, threads " + threads + ": " + best.total()
                + " bytes over 100 training steps after " + warmSteps + " warm-up steps (last 20 of them: "
                + round + " bytes); by thread: " + best.byThread());
        assertTrue(best.total() < 100 * 64, "training allocates per step with " + threads + " threads: "
                + best.total() + " bytes in 100 steps, by thread: " + best.byThread());
        net.setThreads(1); // stops the worker threads
    }

    /**
     * Bytes allocated by all live threads, in all and by thread name, during {@code steps} training
     * steps; the model's own workers are listed even when they allocated nothing. Between the two
     * readings the only allocation of the measurement itself is the second reading's result array
     * (8 bytes a thread), so the bookkeeping is done before the first and after the second.
     */
    private static Allocation allocatedBy(RnnModel net, Batch batch, int steps, Set<String> ownWorkers) {
        long[] ids = MX.getAllThreadIds();
        long[] before = MX.getThreadAllocatedBytes(ids);
        for (int i = 0; i < steps; i++) {
            net.trainStep(batch);
        }
        long[] after = MX.getThreadAllocatedBytes(ids);
        Map<Long, Long> delta = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (before[i] >= 0 && after[i] >= 0) { // -1: not alive at one of the readings
                delta.put(ids[i], after[i] - before[i]);
            }
        }
        // a thread started during the steps: everything it allocated counts
        Set<Long> known = new HashSet<>();
        for (long id : ids) {
            known.add(id);
        }
        for (long id : MX.getAllThreadIds()) {
            long bytes = MX.getThreadAllocatedBytes(id);
            if (!known.contains(id) && bytes > 0) {
                delta.put(id, bytes);
            }
        }
        Map<String, Long> byThread = new HashMap<>();
        long total = 0;
        for (Map.Entry<Long, Long> e : delta.entrySet()) {
            var info = MX.getThreadInfo(e.getKey());
            String name = info == null ? "#" + e.getKey() : info.getThreadName();
            total += e.getValue();
            if (e.getValue() != 0 || ownWorkers.contains(name)) {
                byThread.merge(name, e.getValue(), Long::sum);
            }
        }
        return new Allocation(total, byThread);
    }

    private static Set<String> workerThreads() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("rnnc-worker")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private record Allocation(long total, Map<String, Long> byThread) {
    }
}
