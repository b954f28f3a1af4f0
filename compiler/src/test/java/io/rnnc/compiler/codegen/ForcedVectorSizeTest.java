package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rnnc.runtime.kernel.Gemm;
import io.rnnc.runtime.kernel.Vectorization;
import io.rnnc.runtime.math.Activations;
import org.junit.jupiter.api.Test;

/**
 * Which kernel path the model tests of this JVM ran on. The suite runs the PyTorch parity and thread
 * determinism tests once more with {@code -Drnnc.vector.bits=256} (the AVX2 layout, see compiler/pom.xml);
 * this test, in that execution, fails unless the forced size reached the kernels the generated models call,
 * so the execution cannot silently repeat the default path.
 */
class ForcedVectorSizeTest {

    @Test
    void modelsRunOnTheForcedVectorSizeOrTheDefaultPath() {
        String forced = System.getProperty(Vectorization.BITS_PROPERTY);
        String path = Gemm.implementation();
        System.out.println("VECTORIZATION " + path + " (" + Vectorization.BITS_PROPERTY + "=" + forced + ")");
        if (forced != null) {
            assertEquals("vector (" + Integer.parseInt(forced.strip()) + "-bit)", path);
        } else {
            boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            boolean off = "false".equalsIgnoreCase(System.getProperty(Vectorization.PROPERTY));
            assertEquals(module && !off, path.startsWith("vector ("), path);
        }
        assertEquals(path, Vectorization.description());
        assertEquals(path, Activations.implementation());
    }
}
