package io.rnnc.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.kernel.Vectorization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU's name from cpuinfo, and the FMA peak probe (that it measures something sane, not how much). */
class CpuTest {

    @Test
    void namesTheFirstProcessorWithFamilyAndModel() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26",
                "model\t\t: 2", "model name\t: AMD EPYC 9R45", "", "processor\t: 1", "model name\t: other");
        assertEquals("AMD EPYC 9R45 (family 26, model 2)", CpuName.fromCpuinfo(cpuinfo));
        assertEquals("Some CPU", CpuName.fromCpuinfo(List.of("model name : Some CPU")));
        assertEquals(System.getProperty("os.arch"), CpuName.fromCpuinfo(List.of("processor : 0")));
        assertTrue(!CpuName.describe().isBlank());
    }

    @Test
    void thePeakIsPositiveAndSaysHowItWasMeasured() {
        FmaPeak.Peak peak = FmaPeak.measure(0.1);
        // a core does at least one scalar FMA per ns; no core does 10 TFLOP/s
        assertTrue(peak.gflops() > 1 && peak.gflops() < 10_000, peak.toString());
        String expected = Vectorization.enabled() ? "-bit vectors" : "scalar Math.fma (no Vector API)";
        assertTrue(peak.how().endsWith(expected), peak.how());
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(0));
    }

    @Test
    void theScalarChainsStayFinite() {
        float sum = FmaPeak.scalarChains(1_000_000);
        assertTrue(Float.isFinite(sum) && sum > 0, "sum " + sum);
    }
}
