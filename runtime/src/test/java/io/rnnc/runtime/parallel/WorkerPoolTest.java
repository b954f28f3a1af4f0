package io.rnnc.runtime.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aTaskIsToldWhichThreadRunsIt() {
        // a thread index stands for one thread (0 = the caller), so tasks may use per-thread scratch memory
        try (WorkerPool pool = new WorkerPool(3)) {
            java.util.concurrent.ConcurrentHashMap<Integer, Thread> seen = new java.util.concurrent.ConcurrentHashMap<>();
            AtomicInteger running = new AtomicInteger();
            int[] busy = new int[3];
            for (int round = 0; round < 300; round++) {
                pool.run(9, (i, thread) -> {
                    Thread before = seen.putIfAbsent(thread, Thread.currentThread());
                    if (before != null && before != Thread.currentThread()) {
                        throw new AssertionError("thread index " + thread + " given to two threads");
                    }
                    synchronized (busy) {
                        if (busy[thread]++ != 0) {
                            throw new AssertionError("two tasks at once on thread index " + thread);
                        }
                    }
                    running.incrementAndGet();
                    synchronized (busy) {
                        busy[thread]--;
                    }
                });
            }
            assertEquals(300 * 9, running.get());
            // the caller drains tasks too (it almost always runs some); whenever it does, it is index 0
            Thread zero = seen.get(0);
            assertTrue(zero == null || zero == Thread.currentThread(), "index 0 is the caller");
            for (int t : seen.keySet()) {
                assertTrue(t >= 0 && t < 3, "index " + t);
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

    @Test
    void aPoolWhoseOwnerIsDroppedStopsItsThreads() throws InterruptedException {
        Thread worker = workerOfAPoolOwnedByAnObjectDroppedAtReturn();
        for (int i = 0; i < 200 && worker.isAlive(); i++) {
            System.gc();
            worker.join(100);
        }
        assertFalse(worker.isAlive(), "the worker of a pool whose owner is gone still runs");
    }

    @Test
    void aPoolWhoseOwnerIsReachableKeepsItsThreads() throws InterruptedException {
        Object owner = new Object();
        WorkerPool pool = new WorkerPool(2, owner);
        Thread worker = aWorkerOf(pool);
        for (int i = 0; i < 5; i++) {
            System.gc();
            worker.join(50);
        }
        assertTrue(worker.isAlive());
        int[] hits = new int[4];
        pool.run(4, k -> hits[k]++);
        assertArrayEquals(new int[] {1, 1, 1, 1}, hits);
        java.lang.ref.Reference.reachabilityFence(owner);
        pool.close();
        worker.join(10_000);
        assertFalse(worker.isAlive());
    }

    private static Thread workerOfAPoolOwnedByAnObjectDroppedAtReturn() {
        return aWorkerOf(new WorkerPool(2, new Object()));
    }

    /** A thread of the pool other than the caller, found by running tasks until one lands on it. */
    private static Thread aWorkerOf(WorkerPool pool) {
        Thread self = Thread.currentThread();
        java.util.Set<Thread> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 2000 && seen.isEmpty(); round++) {
            pool.run(8, i -> {
                if (Thread.currentThread() != self) {
                    seen.add(Thread.currentThread());
                }
                long end = System.nanoTime() + 100_000;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            });
        }
        assertEquals(1, seen.size());
        return seen.iterator().next();
    }
}
