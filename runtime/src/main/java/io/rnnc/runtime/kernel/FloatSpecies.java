package io.rnnc.runtime.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species of every vector class ({@code VectorGemm}, {@code VectorArrayOps}, and through the
 * kernels {@link PackedFloatMatrix}'s panel layout), fixed by the one decision in {@link Vectorization}:
 * the CPU's preferred size, or the one forced with {@code -Drnnc.vector.bits}. A static final, so the
 * kernels see a constant and the hot loops pay nothing for the choice. Refers to the Vector API, so only
 * vector classes load it.
 */
public final class FloatSpecies {

    /** The species the vector kernels run on in this JVM. */
    public static final VectorSpecies<Float> CHOSEN = of(Vectorization.vectorBits());

    /**
     * The CPU's preferred species whatever size the kernels were forced to: for measuring the machine
     * ({@code io.rnnc.runtime.cpu.FmaPeak}: a fraction of peak is of the hardware's peak), never for a kernel.
     */
    public static final VectorSpecies<Float> HARDWARE = FloatVector.SPECIES_PREFERRED;

    private FloatSpecies() {
    }

    /** The preferred species itself when it has that size (one species object on the default path). */
    static VectorSpecies<Float> of(int bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        return bits == preferred.vectorBitSize() ? preferred : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }
}
