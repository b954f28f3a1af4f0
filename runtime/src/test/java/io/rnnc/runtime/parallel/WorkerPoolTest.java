package io.rnnc.runtime.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyTaskRunsExactlyOnceInEveryCall() {
        try (WorkerPool pool = new WorkerPool(3)) {
            assertEquals(3, pool.threads());
            for (int round = 0; round < 2000; round++) {
                int tasks = 1 + round % 9;
                int[] hits = new int[tasks];
                pool.run(tasks, i -> hits[i]++);
                int[] once = new int[tasks];
                java.util.Arrays.fill(once, 1);
                assertArrayEquals(once, hits, "round " + round);
            }
        }
    }

    @Test
    void tasksRunOnSeveralThreads() {
        try (WorkerPool pool = new WorkerPool(2)) {
            java.util.Set<Thread> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 200 && seen.size() < 2; round++) {
                pool.run(8, i -> {
                    seen.add(Thread.currentThread());
                    long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                });
            }
            assertEquals(2, seen.size());
        }
    }

    @Test
    void aFailingTaskFailsTheCallAfterTheOthersFinish() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicInteger done = new AtomicInteger();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.run(6, i -> {
                if (i == 3) {
                    throw new IllegalArgumentException("bad row");
                }
                done.incrementAndGet();
            }));
            assertEquals("bad row", e.getMessage());
            assertEquals(5, done.get());
            int[] hits = new int[4];
            pool.run(4, i -> hits[i]++);
            assertArrayEquals(new int[] {1, 1, 1, 1}, hits);
        }
    }

    @Test
    void rejectsNoThreads() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
    }
}
