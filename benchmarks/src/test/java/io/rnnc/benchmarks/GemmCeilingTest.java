package io.rnnc.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keeps {@link GemmCeiling} from rotting: every case runs one tiny window and reports a positive, finite figure. */
class GemmCeilingTest {

    @ParameterizedTest
    @ValueSource(strings = {"rec", "proj0", "proj1", "bwdrec", "dwih0", "dwih1", "dwhh", "dx", "l1", "fma", "fmabcast", "fmaload", "fmaloadbuf"})
    void everyCaseRunsOnce(String product) {
        String json = GemmCeiling.run(product, "gru", 0, 0, 0, 0, 0.01, 1);
        assertTrue(json.contains("\"product\": \"" + product + "\"") && json.contains("\"finite\": true"), json);
        Matcher m = Pattern.compile("\"gflops\": ([0-9.]+)").matcher(json);
        assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, json);
    }
}
