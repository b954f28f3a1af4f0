package io.rnnc.runtime.cpu;

import io.rnnc.runtime.kernel.Vectorization;

/**
 * This core's floating-point peak, measured: independent chains of float fused multiply-adds with no memory
 * traffic, as {@code fma_peak.c} does in C. It is the yardstick for "fraction of peak" figures (a model's
 * GFLOP/s over this), and it is measured rather than derived from a CPU name because the same instruction
 * set runs at different widths: Zen 4 splits 512-bit FMAs (512 and 256 bits give the same peak), Zen 5 and
 * Intel's server cores with two 512-bit units double it.
 *
 * <p>With the Vector API module present the chains use the CPU's preferred vector size, whatever size the
 * kernels were forced to (the peak is the hardware's); without it, scalar {@link Math#fma} chains give the
 * scalar peak, which is what the plain kernels can reach.
 */
public final class FmaPeak {

    /** Independent accumulators per chain set: more than FMA latency × units, so the units never wait. */
    static final int CHAINS = 12;

    private FmaPeak() {
    }

    /** A measured peak: GFLOP/s of one thread, and how it was measured (e.g. {@code "512-bit vectors"}). */
    public record Peak(double gflops, String how) {
    }

    /**
     * Runs the chains for about {@code seconds} (after a short warm-up for the JIT) on the calling thread and
     * returns the best of several rounds, timed in the thread's own CPU time where the JVM offers it (another
     * process's work then costs waits, not FLOPs), else in wall time.
     */
    public static Peak measure(double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds must be positive: " + seconds);
        }
        Clock clock = Clock.create();
        boolean vector = Vectorization.enabled();
        int lanes = vector ? VectorFmaChains.lanes() : 1;
        // warm-up: enough calls that C2 compiles the chain method
        long calls = 0;
        long warmEnd = System.nanoTime() + 300_000_000L;
        float sink = 0;
        while (System.nanoTime() < warmEnd || calls < 2_000) {
            sink += vector ? VectorFmaChains.run(1_000) : scalarChains(1_000);
            calls++;
        }
        double best = 0;
        int rounds = 5;
        long perRound = 100_000;
        for (int r = 0; r < rounds; r++) {
            long t0 = clock.now();
            long w0 = System.nanoTime();
            long iterations = 0;
            do {
                sink += vector ? VectorFmaChains.run(perRound) : scalarChains(perRound);
                iterations += perRound;
            } while (System.nanoTime() - w0 < seconds * 1e9 / rounds);
            long t1 = clock.now();
            double flops = (double) iterations * CHAINS * lanes * 2;
            best = Math.max(best, flops / Math.max(1, t1 - t0));
        }
        if (Float.isNaN(sink)) {
            throw new AssertionError("unreachable: the chains stay finite"); // keeps the sums alive
        }
        String how = vector ? VectorFmaChains.bits() + "-bit vectors" : "scalar Math.fma (no Vector API)";
        return new Peak(best, how);
    }

    static float scalarChains(long iterations) {
        float b = 0.999999f;
        float c = 1e-7f;
        float a0 = 0, a1 = 1, a2 = 2, a3 = 3, a4 = 4, a5 = 5, a6 = 6, a7 = 7, a8 = 8, a9 = 9, a10 = 10, a11 = 11;
        for (long i = 0; i < iterations; i++) {
            a0 = Math.fma(a0, b, c);
            a1 = Math.fma(a1, b, c);
            a2 = Math.fma(a2, b, c);
            a3 = Math.fma(a3, b, c);
            a4 = Math.fma(a4, b, c);
            a5 = Math.fma(a5, b, c);
            a6 = Math.fma(a6, b, c);
            a7 = Math.fma(a7, b, c);
            a8 = Math.fma(a8, b, c);
            a9 = Math.fma(a9, b, c);
            a10 = Math.fma(a10, b, c);
            a11 = Math.fma(a11, b, c);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }

    /** The calling thread's CPU time in ns where supported, else wall time. */
    private interface Clock {
        long now();

        static Clock create() {
            try {
                java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
                if (bean.isCurrentThreadCpuTimeSupported()) {
                    if (!bean.isThreadCpuTimeEnabled()) {
                        bean.setThreadCpuTimeEnabled(true);
                    }
                    return bean::getCurrentThreadCpuTime;
                }
            } catch (LinkageError | RuntimeException e) {
                // java.management absent (a jlinked image): wall time
            }
            return System::nanoTime;
        }
    }
}
