package io.rnnc.runtime.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates while running a piece of code, the least of several rounds.
 *
 * <p>One round can catch a one-off allocation that is not the code's: a deoptimisation back into
 * the interpreter, a class loaded late, the JVM's own bookkeeping on a busy machine (CI saw 1632
 * bytes in one round of 100 steps that allocate nothing). An allocation the code makes on every call
 * shows in every round, so the least round still catches it.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** Whether this JVM can count a thread's allocations (HotSpot can); tests skip the check if not. */
    public static boolean supported() {
        return MX.isThreadAllocatedMemorySupported() && MX.isThreadAllocatedMemoryEnabled();
    }

    /** The least number of bytes one of {@code rounds} runs of {@code body} allocated on this thread. */
    public static long leastOf(int rounds, Runnable body) {
        long id = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long before = MX.getThreadAllocatedBytes(id);
            body.run();
            least = Math.min(least, MX.getThreadAllocatedBytes(id) - before);
        }
        return least;
    }
}
