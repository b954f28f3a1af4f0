package io.rnnc.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.math.Activations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The start-up choice between the Vector API and plain Java. */
class VectorizationTest {

    @Test
    void decisionRule() {
        var vector = Vectorization.decide(true, null, true, () -> 512);
        assertTrue(vector.vector());
        assertEquals("vector (512-bit)", vector.description());
        assertTrue(vector.warning().isEmpty());

        var forced = Vectorization.decide(true, "false", true, () -> 512);
        assertFalse(forced.vector());
        assertTrue(forced.warning().isEmpty(), "asking for plain is not worth a warning");

        var missing = Vectorization.decide(false, null, true, () -> { throw new AssertionError("must not probe"); });
        assertFalse(missing.vector());
        assertEquals("plain", missing.description());
        assertTrue(missing.warning().orElseThrow().contains("--add-modules jdk.incubator.vector"));

        assertTrue(Vectorization.decide(false, "false", true, () -> 0).warning().isEmpty());
        assertFalse(Vectorization.decide(true, null, false, () -> 512).vector(), "no C2: plain");
        assertFalse(Vectorization.decide(true, null, true, () -> 64).vector());
        assertTrue(Vectorization.decide(true, "true", true, () -> 256).vector());
    }

    /** Whatever this JVM was started with, the facade reports what the rule says. */
    @Test
    void facadeFollowsThisJvm() {
        boolean module = KernelImpls.vectorModulePresent();
        boolean off = "false".equalsIgnoreCase(System.getProperty(Vectorization.PROPERTY));
        boolean expectVector = module && !off;
        assertEquals(expectVector, Vectorization.enabled());
        assertEquals(expectVector, Gemm.implementation().startsWith("vector ("), Gemm.implementation());
        assertEquals(expectVector, Activations.implementation().startsWith("vector ("), Activations.implementation());
        assertEquals(expectVector ? "panels" : "rows",
                PackedFloatMatrix.allocate(3, 20).layout().rowArrays() ? "rows" : "panels");
    }

    /**
     * A JVM without {@code --add-modules jdk.incubator.vector}: one warning naming the flag, correct
     * products, and no Vector API class loaded.
     */
    @Test
    void withoutTheModuleOneWarningAndPlainResults() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-verbose:class", "-cp",
                System.getProperty("java.class.path"), NoVectorMain.class.getName())
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(out.contains("RESULT plain plain ok"), out + err);
        List<String> warnings = err.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).toList();
        assertEquals(1, warnings.size(), err);
        assertFalse(out.contains("jdk.incubator.vector"), "a Vector API class was loaded");
        assertFalse(out.contains("io.rnnc.runtime.kernel.VectorGemm"), "VectorGemm was loaded");
    }
}
