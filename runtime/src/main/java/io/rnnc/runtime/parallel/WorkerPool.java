package io.rnnc.runtime.parallel;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed set of daemon threads that, with the calling thread, run the numbered tasks
 * {@code 0 .. tasks-1} of one {@link #run} call and return when all are done. Made for the chunks of
 * a training step: started once per model, then {@code run} allocates nothing (tasks are handed
 * out through an atomic counter; threads sleep with {@link LockSupport#park} between calls). Which
 * thread runs which task is not fixed, so results must not depend on it; a model gets results
 * independent of the thread count by giving every task its own output. A {@link Task} is told which of the
 * pool's threads runs it (0 = the caller), so it can use that thread's scratch memory.
 *
 * <p>A pool made for an owner ({@link #WorkerPool(int, Object)}) closes itself once the owner is no longer
 * reachable: a model dropped without {@code setThreads(1)} does not leave parked threads behind. The pool
 * must not reference its owner between calls for that (it keeps the task only while {@code run} runs).
 *
 * <p>One caller at a time. The first exception a task throws is rethrown by {@code run} after all
 * tasks have finished (unchecked exceptions as they are, others wrapped).
 */
public final class WorkerPool implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();
    /** One daemon thread that closes the pools of owners the collector found unreachable. */
    private static final Cleaner OWNERS_GONE = Cleaner.create();

    private final Thread[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Task task;
    private volatile int taskCount;
    private volatile Thread caller;
    private volatile Throwable failure;

    /** A numbered task that is told which thread of the pool runs it. */
    @FunctionalInterface
    public interface Task {
        /** Runs task {@code index} on the pool's thread {@code thread} (0 = the caller, 1 .. threads-1 the others). */
        void run(int index, int thread);
    }

    /** A pool of {@code threads} in all: the caller plus {@code threads - 1} started daemon threads. */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        workers = new Thread[threads - 1];
        int id = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            int thread = i + 1;
            Thread t = new Thread(() -> work(thread), "rnnc-worker-" + id + "-" + thread);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /**
     * A pool of {@code threads} in all that closes itself when {@code owner} becomes unreachable
     * (the owner is typically the model whose steps it runs).
     */
    public WorkerPool(int threads, Object owner) {
        this(threads);
        if (workers.length > 0) {
            OWNERS_GONE.register(owner, this::close);
        }
    }

    /** Threads that run tasks, the caller included. */
    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task.accept(i)} for every i in {@code 0 .. tasks-1} and waits for all of them. */
    public void run(int tasks, IntConsumer task) {
        run(tasks, (i, thread) -> task.accept(i));
    }

    /**
     * Runs {@code task.run(i, thread)} for every i in {@code 0 .. tasks-1} and waits for all of them; tasks that
     * run on the same thread run one after another.
     */
    public void run(int tasks, Task task) {
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
        if (workers.length == 0 || tasks <= 1) {
            for (int i = 0; i < tasks; i++) {
                task.run(i, 0);
            }
            return;
        }
        this.task = task;
        this.taskCount = tasks;
        this.failure = null;
        this.caller = Thread.currentThread();
        next.set(0);
        pending.set(workers.length);
        generation++; // publishes the fields above to the workers
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        drain(task, tasks, 0);
        for (int spins = 0; pending.get() != 0; spins++) {
            if (spins < 2000) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private void drain(Task t, int count, int thread) {
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            try {
                t.run(i, thread);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    private void work(int thread) {
        int seen = 0;
        while (true) {
            int g;
            for (int spins = 0; (g = generation) == seen; spins++) {
                if (closed) {
                    return;
                }
                if (spins < 2000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = g;
            Task t = task;
            if (t != null) {
                drain(t, taskCount, thread);
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Stops the worker threads (they are daemons, so an unclosed pool does not keep the JVM alive). */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
