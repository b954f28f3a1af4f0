/**
 * What the machine is, for the figures benchmarks print beside it: {@link io.rnnc.runtime.cpu.CpuName} (which
 * CPU) and {@link io.rnnc.runtime.cpu.FmaPeak} (its one-core floating-point peak, measured), so that a speed can
 * be read as a fraction of what the core can do.
 */
package io.rnnc.runtime.cpu;
