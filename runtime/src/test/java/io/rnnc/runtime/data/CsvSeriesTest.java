package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvSeriesTest {

    static final Path DATA = Path.of("src/test/resources/data/series");

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    @Test
    void readsRealSunspotsWithQuotedHeader() {
        CsvSeries s = CsvSeries.read(DATA.resolve("sunspots.csv"));
        assertEquals(List.of("YEAR", "SUNACTIVITY"), s.names());
        assertEquals(100, s.length());
        assertArrayEquals(new double[] {5, 11, 16, 23}, java.util.Arrays.copyOf(s.column("SUNACTIVITY"), 4));
        assertEquals(1799, s.column("YEAR")[99]);
        assertEquals(2, s.lines()[0]);
        CsvSeries one = CsvSeries.read(DATA.resolve("sunspots.csv"), CsvSeries.Options.columns("2"));
        assertEquals(List.of("SUNACTIVITY"), one.names());
    }

    @Test
    void badDataNamesFileLineAndColumn() {
        Path nan = DATA.resolve("sunspots-not-a-number.csv");
        assertEquals(nan + ":17:6: 'abc' is not a number (column \"SUNACTIVITY\")", error(() -> CsvSeries.read(nan)));
        Path co2 = DATA.resolve("co2.csv");
        assertEquals(co2 + ":8:10: empty value in column \"co2\" (skip such rows, or fill the gap)", error(() -> CsvSeries.read(co2)));
        assertEquals(co2 + ": no column \"CO2\"; the columns are [date, co2]",
                error(() -> CsvSeries.read(co2, CsvSeries.Options.columns("CO2"))));
        assertEquals("s.csv:3: 3 fields, expected 2 as on the first line",
                error(() -> CsvSeries.parse("s.csv", "a,b\n1,2\n3,4,5\n", CsvSeries.Options.all())));
        assertEquals("s.csv:2:3: 'NaN' is not a number (column \"b\")",
                error(() -> CsvSeries.parse("s.csv", "a,b\r\n1,NaN\r\n", CsvSeries.Options.all())));
        assertEquals("s.csv:2:5: 'x' is not a number (column \"b\")",
                error(() -> CsvSeries.parse("s.csv", "a,b\n1, \"x\"\n", CsvSeries.Options.all())));
        assertEquals("s.csv:2:3: unterminated quoted field",
                error(() -> CsvSeries.parse("s.csv", "a,b\n1,\"2\n", CsvSeries.Options.all())));
    }

    @Test
    void gapsCanBeSkippedAndHeaderlessFilesAndBomWork() {
        CsvSeries co2 = CsvSeries.read(DATA.resolve("co2.csv"), CsvSeries.Options.columns("co2").skippingRowsWithGaps());
        assertEquals(39 - 15, co2.length(), "15 of the 39 readings are missing");
        assertEquals(316.1, co2.column("co2")[0]);
        CsvSeries plain = CsvSeries.parse("p.csv", "\uFEFF1;2.5\n\n3;-4e1\n", CsvSeries.Options.all());
        assertEquals(List.of("1", "2"), plain.names());
        assertArrayEquals(new double[] {2.5, -40}, plain.column("2"));
    }

    static ModelInfo forecaster(int steps, int inputs, int outputs) {
        return new ModelInfo("F", "many_to_one", "features", inputs, 0, steps, 1, outputs, List.of("rnn_tanh"), List.of(8),
                "linear", "mse", "adam", 16, "float32", List.of(new TensorInfo("fc.bias", new int[] {outputs}, 0)), "");
    }

    @Test
    void windowsAreNormalisedOnTheTrainingRowsOnly() {
        CsvSeries s = CsvSeries.read(DATA.resolve("sunspots.csv"), CsvSeries.Options.columns("SUNACTIVITY"));
        SeriesWindows.Split split = SeriesWindows.split(s, List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), 10, 1, 0.2);
        double[] v = s.column("SUNACTIVITY");
        double mean = 0;
        for (int r = 0; r < 80; r++) {
            mean += v[r];
        }
        mean /= 80;
        double var = 0;
        for (int r = 0; r < 80; r++) {
            var += (v[r] - mean) * (v[r] - mean);
        }
        double std = Math.sqrt(var / 80);
        assertEquals(mean, split.normalization().mean()[0], 1e-12);
        assertEquals(std, split.normalization().std()[0], 1e-12);
        // 80 training rows: windows 0..70 (the target of window 70 is row 80 - 1 = 79).
        assertEquals(70, split.train().size());
        // Validation targets are rows 80..99: 20 windows, the first starting at row 70.
        assertEquals(20, split.validation().size());
        assertEquals(70, split.validation().startRow(0));
        split.train().layout().checkFits(forecaster(10, 1, 1));
        Batch b = Batch.forModel(forecaster(10, 1, 1), 2);
        split.validation().fill(0, b, 1);
        for (int t = 0; t < 10; t++) {
            assertEquals((v[70 + t] - mean) / std, b.features[10 + t], 1e-12);
        }
        assertEquals((v[80] - mean) / std, b.targets[1], 1e-12);
        assertEquals(v[80], split.normalization().denormalize(0, b.targets[1]), 1e-9);
        // Nothing held out: no validation windows.
        assertNull(SeriesWindows.split(s, List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), 10, 2, 0).validation());
        assertEquals(s.source() + ": the training rows 1..80 hold no window of 80 steps and its targets (the next 1)",
                error(() -> SeriesWindows.split(s, List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), 80, 1, 0.2)));
    }
}
