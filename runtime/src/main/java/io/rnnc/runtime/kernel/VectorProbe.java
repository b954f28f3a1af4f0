package io.rnnc.runtime.kernel;

import jdk.incubator.vector.FloatVector;

/** Reads the preferred vector size; loaded reflectively, only when the Vector API module is present. */
final class VectorProbe {

    private VectorProbe() {
    }

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
