package io.rnnc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.samples.run.SampleRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample, end to end on a small slice of its real data, as {@link SampleRun} runs it for the learning table:
 * its reader, a few epochs whose training loss falls below the first step's, and its evaluation or generation path
 * with a metric in range. The bars are loose on purpose (a slice, a few steps); the figures are in docs/learning.md.
 */
class SamplesLearnTest {

    @TempDir
    Path out;

    private Map<String, Object> run(String sample, Path root, String... options) throws Exception {
        String[] args = new String[options.length + 1];
        args[0] = sample;
        System.arraycopy(options, 0, args, 1, options.length);
        SampleRun.Options o = SampleRun.Options.parse(args);
        Map<String, Object> r = new SampleRun(root, o.epochs(), 0, 2, o.trainLimit(), o.evalLimit(), out).run(sample);
        System.out.println(sample + ": " + r);
        return r;
    }

    private static double num(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).doubleValue();
    }

    private static void lossFalls(Map<String, Object> r, double factor) {
        assertTrue(num(r, "train_loss") < factor * num(r, "first_step_loss"),
                "the training loss falls: " + r.get("first_step_loss") + " -> " + r.get("train_loss"));
    }

    private static final Path SAMPLES = Path.of(".");
    private static final Path SLICES = Path.of("src/test/resources/slices");

    @Test
    void charLmLearnsAndGenerates() throws Exception {
        var r = run("char_lm", SLICES, "--epochs", "4", "--train-limit", "192"); // 12 steps
        lossFalls(r, 0.85);
        assertTrue(num(r, "valid_bpc") < 6.3, "below log2(80) = 6.32 bits per character: " + r.get("valid_bpc"));
        assertTrue(r.get("sample_t0.5").toString().startsWith("The ") && r.get("sample_t0.5").toString().length() > 100);
    }

    @Test
    void sunspotsBeatTheSeasonalNaiveForecast() throws Exception {
        var r = run("sunspots", SAMPLES, "--epochs", "20");
        lossFalls(r, 0.5);
        assertEquals(62, ((Number) r.get("test_points")).intValue(), "the last 20 % of 309 years");
        assertTrue(num(r, "test_mae") < num(r, "naive_mae"), "MAE below the 11-year naive forecast's: " + r);
    }

    @Test
    void airPassengersForecastInPassengersBeatsTheSeasonalNaive() throws Exception {
        // 9 steps an epoch and a first batch that happens to fit well (seed 0): the training loss of five epochs is
        // compared with the first epoch's, not with the first step's
        double firstEpoch = num(run("air_passengers", SAMPLES, "--epochs", "1"), "train_loss");
        var r = run("air_passengers", SAMPLES, "--epochs", "5");
        assertTrue(num(r, "train_loss") < 0.8 * firstEpoch, "the training loss falls: " + firstEpoch + " -> " + r.get("train_loss"));
        assertEquals(26, ((Number) r.get("test_points")).intValue(), "the last 20 % of 132 months");
        assertEquals(44.1538, num(r, "naive_mae"), 1e-3, "the 12-month naive forecast, in passengers (thousands)");
        assertTrue(num(r, "test_mae") < num(r, "naive_mae"), "MAE below the 12-month naive forecast's: " + r);
    }

    @Test
    void birthsForecastEveryStep() throws Exception {
        var r = run("births", SAMPLES, "--epochs", "2", "--train-limit", "1024");
        lossFalls(r, 0.8);
        assertTrue(num(r, "test_rmse") < 2 * num(r, "naive_rmse"), "a forecast in range of the naive one: " + r);
    }

    @Test
    void g2pLearnsAndDecodesGreedyAndBeam() throws Exception {
        var r = run("g2p", SLICES, "--epochs", "4", "--eval-limit", "40");
        assertEquals("packed", r.get("lengths"), "words and pronunciations with their own lengths");
        lossFalls(r, 0.8);
        assertTrue(num(r, "greedy_per") <= 1.0 && num(r, "beam4_per") <= 1.0, "phoneme error rates: " + r);
        assertEquals(40, ((Number) r.get("test_words")).intValue());
    }

    @Test
    void namesClassifierBeatsTheMajorityClass() throws Exception {
        var r = run("names", SAMPLES, "--epochs", "3", "--train-limit", "3000");
        assertEquals("packed", r.get("lengths"), "the bidirectional GRU reads each name with its own length");
        lossFalls(r, 0.9);
        // 451 of the 800 test names are female: 56 % for the majority class
        assertTrue(num(r, "test_accuracy") > 0.6, "test accuracy: " + r.get("test_accuracy"));
        assertTrue(num(r, "test_macro_f1") > 0.5, "macro-F1: " + r.get("test_macro_f1"));
    }

    @Test
    void sensorTaggerFindsEvents() throws Exception {
        var r = run("sensor", SAMPLES, "--epochs", "15");
        assertEquals("packed", r.get("lengths"), "the short windows train on their real readings only");
        lossFalls(r, 0.5);
        assertTrue(num(r, "event_recall") > 0, "tags some event reading: " + r);
    }

    @Test
    void digitDrawerLearnsAndDrawsTenDigits() throws Exception {
        var r = run("digit_drawer", SAMPLES, "--epochs", "1", "--train-limit", "1280", "--eval-limit", "256");
        lossFalls(r, 0.95);
        assertTrue(num(r, "test_bce") < 0.69, "below an untrained sigmoid's ln 2: " + r.get("test_bce"));
        assertTrue(Files.size(Path.of(r.get("png").toString())) > 100, "wrote the PNG of ten digits");
    }

    /** --save-init writes the seed's own initial draw, which the PyTorch twin starts from with --init. */
    @Test
    void saveInitWritesTheSeedsInitialWeights() throws Exception {
        Path file = out.resolve("xor-init.safetensors");
        SampleRun.Options o = SampleRun.Options.parse("xor", "--seed", "3", "--save-init", file.toString());
        assertEquals(file, o.saveInit());
        new SampleRun(SAMPLES, 2, o.seed(), 1, null, null, out).saveInitialWeights(o.saveInit()).run("xor");
        RnnModel fromFile = new io.rnnc.samples.Xor();
        Checkpoint.load(file, fromFile);
        RnnModel drawn = new io.rnnc.samples.Xor();
        drawn.initialize(3);
        RnnModel other = new io.rnnc.samples.Xor();
        other.initialize(4);
        assertEquals(values(drawn), values(fromFile), "the parameters before the first step of seed 3");
        assertNotEquals(values(other), values(fromFile));
    }

    private static java.util.List<Double> values(RnnModel model) {
        TensorStore p = model.parameters();
        java.util.List<Double> v = new java.util.ArrayList<>();
        for (var t : p.tensors()) {
            for (int i = 0; i < t.size(); i++) {
                v.add(p.get(t.offset() + i));
            }
        }
        return v;
    }

    @Test
    void xorLearnsTheTruthTable() throws Exception {
        var r = run("xor", SAMPLES);
        assertEquals(1.0, num(r, "accuracy"));
        lossFalls(r, 0.1);
    }
}
