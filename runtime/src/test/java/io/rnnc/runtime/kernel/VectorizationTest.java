package io.rnnc.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.math.Activations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The start-up choice between the Vector API and plain Java, and of the vector size. */
class VectorizationTest {

    private static final IntSupplier MUST_NOT_PROBE = () -> {
        throw new AssertionError("must not probe");
    };

    /** {@code FloatVector.SPECIES_PREFERRED}, {@code SPECIES_256}, {@code VectorSpecies.of(...)}, ... */
    private static final Pattern SPECIES_CONSTANT = Pattern.compile("\\bSPECIES_[A-Z0-9]+|VectorSpecies\\.of\\b|ofPreferred");

    @Test
    void decisionRule() {
        var vector = Vectorization.decide(true, null, null, true, () -> 512);
        assertTrue(vector.vector());
        assertEquals(512, vector.bits());
        assertEquals("vector (512-bit)", vector.description());
        assertTrue(vector.warning().isEmpty());

        var forced = Vectorization.decide(true, "false", null, true, () -> 512);
        assertFalse(forced.vector());
        assertTrue(forced.warning().isEmpty(), "asking for plain is not worth a warning");

        var missing = Vectorization.decide(false, null, null, true, MUST_NOT_PROBE);
        assertFalse(missing.vector());
        assertEquals("plain", missing.description());
        assertTrue(missing.warning().orElseThrow().contains("--add-modules jdk.incubator.vector"));

        assertTrue(Vectorization.decide(false, "false", null, true, MUST_NOT_PROBE).warning().isEmpty());
        assertFalse(Vectorization.decide(true, null, null, false, () -> 512).vector(), "no C2: plain");
        assertFalse(Vectorization.decide(true, null, null, true, () -> 64).vector());
        assertTrue(Vectorization.decide(true, "true", null, true, () -> 256).vector());
    }

    @Test
    void forcedVectorSizes() {
        for (String unset : new String[] {null, "", " ", "default", "DEFAULT"}) {
            var d = Vectorization.decide(true, null, unset, true, () -> 512);
            assertEquals("vector (512-bit)", d.description(), "bits=" + unset);
            assertTrue(d.warning().isEmpty());
        }
        var avx2 = Vectorization.decide(true, null, "256", true, () -> 512);
        assertTrue(avx2.vector());
        assertEquals(256, avx2.bits());
        assertEquals("vector (256-bit)", avx2.description());
        assertTrue(avx2.warning().isEmpty());
        assertEquals(128, Vectorization.decide(true, null, " 128 ", true, () -> 256).bits());
        assertEquals(256, Vectorization.decide(true, null, "256", true, () -> 256).bits(), "the preferred size itself");

        // wider than the CPU runs: refused with one clear message, plain path, tests see the preferred size
        var tooWide = Vectorization.decide(true, null, "512", true, () -> 256);
        assertFalse(tooWide.vector());
        assertEquals("plain", tooWide.description());
        assertEquals(256, tooWide.bits());
        assertEquals("rnnc: -Drnnc.vector.bits=512 asks for wider vectors than this CPU runs (256-bit);"
                + " matrix kernels run in plain Java.", tooWide.warning().orElseThrow());

        assertEquals("rnnc: -Drnnc.vector.bits=1024 asks for wider vectors than this CPU runs (512-bit);"
                + " matrix kernels run in plain Java.",
                Vectorization.decide(true, null, "1024", true, () -> 512).warning().orElseThrow());

        for (String bad : new String[] {"64", "200", "avx2", "256-bit", "-1"}) {
            var d = Vectorization.decide(true, null, bad, true, () -> 512);
            assertFalse(d.vector(), bad);
            assertEquals(512, d.bits(), bad);
            String w = d.warning().orElseThrow();
            assertTrue(w.contains("-Drnnc.vector.bits=" + bad) && w.contains("128, 256 or 512")
                    && w.contains("plain Java"), w);
        }

        // plain asked for, or no module: the forced size does not matter and costs no warning of its own
        var plainAsked = Vectorization.decide(true, "false", "1024", true, () -> 512);
        assertFalse(plainAsked.vector());
        assertTrue(plainAsked.warning().isEmpty());
        assertEquals(512, plainAsked.bits());
        assertEquals(256, Vectorization.decide(true, "false", "256", true, () -> 512).bits());
        var noModule = Vectorization.decide(false, null, "256", true, MUST_NOT_PROBE);
        assertFalse(noModule.vector());
        assertEquals(0, noModule.bits());
        assertTrue(noModule.warning().orElseThrow().contains("--add-modules"));
    }

    /**
     * Whatever this JVM was started with, every facade reports what the rule says, at the same vector size:
     * the one forced with {@code -Drnnc.vector.bits} (the suite's AVX2 execution) or the CPU's preferred one.
     * An execution that forces a size therefore cannot silently test the default one.
     */
    @Test
    void everyFacadeFollowsTheOneDecision() {
        boolean module = KernelImpls.vectorModulePresent();
        boolean off = "false".equalsIgnoreCase(System.getProperty(Vectorization.PROPERTY));
        String forcedBits = System.getProperty(Vectorization.BITS_PROPERTY);
        boolean expectVector = module && !off;
        assertEquals(expectVector, Vectorization.enabled());
        String path = Vectorization.description();
        System.out.println("VECTORIZATION " + path + " (" + Vectorization.BITS_PROPERTY + "=" + forcedBits + ")");
        if (expectVector) {
            int bits = forcedBits == null ? VectorProbe.preferredBits() : Integer.parseInt(forcedBits.strip());
            assertEquals("vector (" + bits + "-bit)", path);
            assertEquals(bits, Vectorization.vectorBits());
            assertEquals(bits, FloatSpecies.CHOSEN.vectorBitSize());
            if (forcedBits == null) {
                // the default path runs on the very species object it ran on before the size became forcible
                assertSame(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, FloatSpecies.CHOSEN);
            }
            // the AVX2 layout at 256 bits (8 lanes, panels of up to 3 vectors), 16 x 5 at 512
            assertEquals(PackedFloatMatrix.Layout.panels(bits / 32, bits >= 512 ? 5 : 3),
                    PackedFloatMatrix.allocate(3, 20).layout());
        } else {
            assertEquals("plain", path);
            assertEquals(PackedFloatMatrix.Layout.ROWS, PackedFloatMatrix.allocate(3, 20).layout());
        }
        assertEquals(path, Gemm.implementation());
        assertEquals(path, Activations.implementation());
    }

    /**
     * Every vector class takes its species from the one decision ({@link FloatSpecies#CHOSEN}); only the
     * provider's own classes name a species of the Vector API, so a forced size reaches every kernel.
     */
    @Test
    void onlyTheProviderNamesAVectorSpecies() throws IOException {
        Path sources = Path.of("src", "main", "java");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(sources), "runtime sources not at " + sources);
        Set<String> provider = Set.of("FloatSpecies.java", "VectorProbe.java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !provider.contains(f.getFileName().toString()))
                    .filter(f -> SPECIES_CONSTANT.matcher(read(f)).find())
                    .map(Path::toString).toList();
        }
        assertEquals(List.of(), offenders, "use io.rnnc.runtime.kernel.FloatSpecies.CHOSEN");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JVM without {@code --add-modules jdk.incubator.vector}: one warning naming the flag, correct
     * products, and no Vector API class loaded.
     */
    @Test
    void withoutTheModuleOneWarningAndPlainResults() throws IOException, InterruptedException {
        Run r = run(List.of("-verbose:class"));
        assertTrue(r.out.contains("RESULT plain plain ok"), r.out + r.err);
        List<String> warnings = r.err.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).toList();
        assertEquals(1, warnings.size(), r.err);
        assertFalse(r.out.contains("jdk.incubator.vector"), "a Vector API class was loaded");
        assertFalse(r.out.contains("io.rnnc.runtime.kernel.VectorGemm"), "VectorGemm was loaded");
    }

    /** A forced size wider than the CPU runs: one warning, plain results (checked where the module is present). */
    @Test
    void aSizeTheCpuCannotRunFallsBackToPlainWithOneWarning() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelImpls.vectorModulePresent(), "no Vector API module");
        int tooWide = 2 * VectorProbe.preferredBits();
        Run r = run(List.of("--add-modules", Vectorization.MODULE, "-D" + Vectorization.BITS_PROPERTY + "=" + tooWide));
        assertTrue(r.out.contains("RESULT plain plain ok"), r.out + r.err);
        List<String> warnings = r.err.lines().filter(l -> l.startsWith("rnnc:")).toList();
        assertEquals(List.of("rnnc: -Drnnc.vector.bits=" + tooWide + " asks for wider vectors than this CPU runs ("
                + VectorProbe.preferredBits() + "-bit); matrix kernels run in plain Java."), warnings, r.err);
    }

    private record Run(String out, String err) {
    }

    /** {@link NoVectorMain} in a fresh JVM with {@code options}, without this JVM's flags. */
    private static Run run(List<String> options) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto"));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NoVectorMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + err);
        return new Run(out, err);
    }
}
