package io.rnnc.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Bytes allocated on the Java heap by all live threads, read through HotSpot's per-thread counters
 * ({@code com.sun.management.ThreadMXBean}). A generated model allocates next to nothing per step once
 * warm, so a large figure means the JIT left Vector API calls un-inlined and boxes every vector: the
 * measured speed is then that failure, not the model's.
 */
final class AllocationMeter {

    /**
     * Above this many bytes per step some kernel runs boxed: a healthy step allocates well under
     * 1 KB once compiled (JMH, LSTM training at batch 64: ~50 bytes), a boxed one 0.2-150 MB.
     */
    static final long SUSPICIOUS_BYTES_PER_STEP = 16_000;

    private final com.sun.management.ThreadMXBean threads;

    private AllocationMeter(com.sun.management.ThreadMXBean threads) {
        this.threads = threads;
    }

    /** A meter, or null when this JVM cannot count allocation (not HotSpot, or counting disabled). */
    static AllocationMeter create() {
        try {
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (bean instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
                if (!t.isThreadAllocatedMemoryEnabled()) {
                    t.setThreadAllocatedMemoryEnabled(true);
                }
                return new AllocationMeter(t);
            }
        } catch (LinkageError | RuntimeException e) {
            // java.management or jdk.management absent (a jlinked image): no figure
        }
        return null;
    }

    /** Bytes allocated so far by the threads alive now (threads that ended are not counted). */
    long allocatedBytes() {
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }

    /** The warning to print when {@code bytesPerStep} shows the JIT failure, else null. */
    static String warning(String phase, double bytesPerStep) {
        if (bytesPerStep <= SUSPICIOUS_BYTES_PER_STEP) {
            return null;
        }
        return String.format(java.util.Locale.ROOT,
                "warning: %s allocated %.2f MB per step (normally under 1 KB): some Vector API kernels were"
                        + " not yet compiled by the JIT in this JVM run, so this figure may be too low (by up to"
                        + " several times). Rerun with a longer --warmup; if it keeps happening, report it.",
                phase, bytesPerStep / 1e6);
    }
}
