package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Series and table windows, IDX image sets, and the choice of a data format for a model. */
class FormatsTest {

    static final Path EXAMPLES = Path.of("src/test/resources/data/examples");
    static final Path SERIES = Path.of("src/test/resources/data/series");
    static final Path MNIST = Path.of("src/test/resources/data/mnist");

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    static ModelInfo model(String mode, String kind, int inputSize, int vocab, int steps, int outputSteps, int outputs, String loss) {
        return new ModelInfo("M", mode, kind, inputSize, vocab, steps, outputSteps, outputs, List.of("lstm"), List.of(8),
                loss.equals("cross_entropy") ? "softmax" : "linear", loss, "adam", 4, "float32",
                List.of(new TensorInfo("fc.bias", new int[] {outputs}, 0)), "");
    }

    @Test
    void manyToManySeriesWindowsPredictHorizonRowsAheadAtEveryStep() {
        CsvSeries s = CsvSeries.read(EXAMPLES.resolve("series.csv"));
        SeriesWindows.Spec spec = new SeriesWindows.Spec(List.of("temperature", "humidity"), List.of("temperature"), 2, 1, true);
        Normalization norm = Normalization.fit(s, 0, 4);
        SeriesWindows w = SeriesWindows.of(s, spec, norm, 0, 4, "training");
        assertEquals(2, w.size(), "windows at rows 0 and 1: the last target of window 1 is row 3");
        ModelInfo info = model("many_to_many", "features", 2, 0, 2, 2, 1, "mse");
        w.layout().checkFits(info);
        Batch b = Batch.forModel(info, 1);
        w.fill(1, b, 0);
        double[] temp = s.column("temperature");
        double[] hum = s.column("humidity");
        assertEquals(norm.normalize(1, temp[1]), b.features[0], 1e-12);
        assertEquals(norm.normalize(2, hum[2]), b.features[3], 1e-12);
        assertEquals(norm.normalize(1, temp[2]), b.targets[0], 1e-12);
        assertEquals(norm.normalize(1, temp[3]), b.targets[1], 1e-12);
        assertArrayEquals(new double[] {temp[2], temp[3]}, w.toDataUnits(b.targets, 0, 2), 1e-12);
    }

    @Test
    void aThreePartSeriesSplitFitsTheNormalisationOnTheTrainingRowsOnly() {
        CsvSeries s = CsvSeries.read(SERIES.resolve("sunspots.csv"));
        SeriesWindows.Split split = SeriesWindows.split(s, new SeriesWindows.Spec(List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), 10, 1,
                false), Splits.Fractions.parse("0.8,0.1,0.1"));
        assertEquals(Normalization.fit(s, 0, 80), split.normalization());
        assertNotEquals(Normalization.fit(s, 0, 100).mean()[1], split.normalization().mean()[1]);
        assertEquals(70, split.train().size());
        assertEquals(10, split.validation().size());
        assertEquals(70, split.validation().startRow(0), "inputs reach back into training rows, targets 80..89");
        assertEquals(10, split.test().size());
        assertEquals(80, split.test().startRow(0));
        assertEquals(s.source() + ": no column \"co2\"; the columns are [YEAR, SUNACTIVITY]", error(() -> SeriesWindows.split(s,
                new SeriesWindows.Spec(List.of("co2"), List.of("SUNACTIVITY"), 10, 1, false), Splits.Fractions.none())));
        // columns may be given by 1-based number
        assertEquals(70, SeriesWindows.split(s, new SeriesWindows.Spec(List.of("2"), List.of("2"), 10, 1, false),
                Splits.Fractions.parse("0.8,0.2")).train().size());
    }

    @Test
    void normalisationMetadataRoundTripsExactly() {
        CsvSeries s = CsvSeries.read(SERIES.resolve("sunspots.csv"));
        Normalization n = Normalization.fit(s, 0, 80);
        Map<String, String> m = n.toMetadata("data.norm.");
        assertEquals(List.of("data.norm.columns", "data.norm.mean", "data.norm.std"), List.copyOf(m.keySet()));
        assertEquals("[\"YEAR\",\"SUNACTIVITY\"]", m.get("data.norm.columns"));
        Normalization back = Normalization.fromMetadata(m, "data.norm.");
        assertEquals(n.names(), back.names());
        assertArrayEquals(n.mean(), back.mean(), 0.0);
        assertArrayEquals(n.std(), back.std(), 0.0);
        assertEquals(123.4, back.denormalize(1, n.normalize(1, 123.4)), 1e-12);
        Map<String, String> bad = new java.util.HashMap<>(m);
        bad.put("data.norm.std", "1.0,0");
        assertEquals("metadata: damaged normalisation 'data.norm.': column \"SUNACTIVITY\": mean " + n.mean()[1]
                + ", std 0.0 (the deviation must be finite and above 0)", error(() -> Normalization.fromMetadata(bad, "data.norm.")));
        bad.put("data.norm.std", "1.0,x");
        assertEquals("metadata: damaged normalisation 'data.norm.': For input string: \"x\"",
                error(() -> Normalization.fromMetadata(bad, "data.norm.")));
    }

    @Test
    void tableRowsFeedAOneToOneModel() {
        CsvSeries t = CsvSeries.read(EXAMPLES.resolve("table.csv"));
        TableRows xor = TableRows.of(t, List.of("a", "b"), List.of("y"), false, "training");
        ModelInfo info = model("one_to_one", "features", 2, 0, 1, 1, 1, "bce");
        xor.layout().checkFits(info);
        Batch b = Batch.forModel(info, 4);
        for (int i = 0; i < 4; i++) {
            xor.fill(i, b, i);
        }
        assertArrayEquals(new double[] {0, 0, 0, 1, 1, 0, 1, 1}, b.features);
        assertArrayEquals(new double[] {0, 1, 1, 0}, b.targets);
        TableRows classes = TableRows.of(t, List.of("1", "2"), List.of("3"), true, "training");
        assertEquals(2, classes.layout().classes());
        CsvSeries half = CsvSeries.parse("h.csv", "a,y\n1,0\n2,0.5\n", CsvSeries.Options.all());
        assertEquals("h.csv:3: class 0.5 in column \"y\" is not a whole number 0..1000000",
                error(() -> TableRows.of(half, List.of("a"), List.of("y"), true, "training")));
        TableRows.Split split = TableRows.split(t, List.of("a", "b"), List.of("y"), false, Splits.Fractions.parse("0.5,0.25,0.25"), 3);
        assertEquals(2, split.train().size());
        assertEquals(1, split.test().size());
    }

    @Test
    void anyIdxImageSetAndItsDrawingView(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Mnist.MnistDataset set = Mnist.loadImageSet(MNIST.resolve("t10k-first20-images-idx3-ubyte.gz"),
                MNIST.resolve("t10k-first20-labels-idx1-ubyte"));
        int max = 0;
        for (int i = 0; i < set.size(); i++) {
            max = Math.max(max, set.label(i));
        }
        assertEquals(max + 1, set.classes());
        assertEquals(max + 1, set.layout().classes());
        Dataset drawing = set.drawing();
        ModelInfo drawer = model("one_to_many", "features", set.classes(), 0, 1, 28, 28, "bce");
        drawing.layout().checkFits(drawer);
        Batch b = Batch.forModel(drawer, 2);
        Arrays.fill(b.features, 5);
        drawing.fill(3, b, 1);
        for (int c = 0; c < set.classes(); c++) {
            assertEquals(c == set.label(3) ? 1.0 : 0.0, b.features[set.classes() + c]);
        }
        float[] image = set.images().image(3);
        for (int k = 0; k < 28 * 28; k++) {
            assertEquals(image[k], b.targets[28 * 28 + k], 0.0);
        }
        // label 42 is a class of a general image set (MNIST's loader refuses it)
        assertEquals(43, Mnist.loadImageSet(MNIST.resolve("t10k-first20-images-idx3-ubyte.gz"),
                MNIST.resolve("bad-label-labels-idx1-ubyte")).classes());
        Path three = dir.resolve("three-labels-idx1-ubyte");
        Files.write(three, new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3});
        assertEquals(MNIST.resolve("t10k-first20-images-idx3-ubyte") + " holds 20 images but " + three + " holds 3 labels",
                error(() -> Mnist.loadImageSet(MNIST.resolve("t10k-first20-images-idx3-ubyte"), three)));
        byte[] head = Arrays.copyOf(Files.readAllBytes(MNIST.resolve("t10k-first20-images-idx3-ubyte")), 64);
        assertEquals("an IDX image file (20 images of 28x28)", DataFormat.sniff(head));
    }

    @Test
    void eachSampleModelGetsAFormatAndAnOverrideMustFit() {
        ModelInfo mnist = model("many_to_one", "features", 28, 0, 28, 1, 10, "cross_entropy");
        ModelInfo charLstm = model("many_to_many", "tokens_embed", 0, 96, 100, 100, 96, "cross_entropy");
        ModelInfo drawer = model("one_to_many", "features", 10, 0, 1, 28, 28, "bce");
        ModelInfo spell = model("seq2seq", "tokens_embed", 0, 30, 24, 24, 72, "cross_entropy");
        ModelInfo xor = model("one_to_one", "features", 2, 0, 1, 1, 1, "bce");
        ModelInfo forecaster = model("many_to_one", "features", 3, 0, 24, 1, 1, "mse");
        ModelInfo sentiment = model("many_to_one", "tokens", 0, 5000, 80, 1, 2, "cross_entropy");
        assertEquals(List.of(DataFormat.IDX, DataFormat.SEQUENCES), DataFormat.candidates(mnist));
        assertEquals(List.of(DataFormat.TEXT, DataFormat.SEQUENCES), DataFormat.candidates(charLstm));
        assertEquals(List.of(DataFormat.IDX), DataFormat.candidates(drawer));
        assertEquals(List.of(DataFormat.PAIRS), DataFormat.candidates(spell));
        assertEquals(List.of(DataFormat.TABLE), DataFormat.candidates(xor));
        assertEquals(List.of(DataFormat.SERIES), DataFormat.candidates(forecaster));
        assertEquals(List.of(DataFormat.SEQUENCES, DataFormat.TEXT), DataFormat.candidates(sentiment));
        assertEquals(DataFormat.SEQUENCES, DataFormat.choose(mnist, "sequences"));
        assertEquals(DataFormat.IDX, DataFormat.choose(mnist, null));
        assertEquals("data format 'pairs' does not fit model M (many_to_one, 28 float features per step, cross_entropy over 10 classes); "
                + "it reads idx or sequences", error(() -> DataFormat.choose(mnist, "pairs")));
        assertEquals("unknown data format 'csv'; the formats are text, series, table, sequences, pairs, idx",
                error(() -> DataFormat.choose(mnist, "csv")));
        ModelInfo tokenDrawer = model("one_to_many", "features", 10, 0, 1, 28, 28, "cross_entropy");
        assertEquals("no data format reads model M (one_to_many, 10 float features, cross_entropy over 28 classes) yet; "
                + "train it from Java with your own Dataset", error(() -> DataFormat.choose(tokenDrawer, null)));
        assertEquals("many_to_one, 3 float features per step, mse on 1 value: reads series (" + DataFormat.SERIES.summary() + ")",
                DataFormat.expects(forecaster));
    }

    @Test
    void sniffSaysWhatAFileLooksLike() throws Exception {
        assertEquals("JSON Lines (a JSON object on line 1)", DataFormat.sniff(Files.readAllBytes(EXAMPLES.resolve("sequences.jsonl"))));
        assertEquals("tab-separated, 2 fields on the first line", DataFormat.sniff(Files.readAllBytes(EXAMPLES.resolve("pairs.tsv"))));
        assertEquals("comma-separated, 3 fields on the first line (a header?)",
                DataFormat.sniff(Files.readAllBytes(EXAMPLES.resolve("series.csv"))));
        assertEquals("plain text", DataFormat.sniff(Files.readAllBytes(EXAMPLES.resolve("text.txt"))));
        assertEquals("gzip data (IDX files may be gzipped)", DataFormat.sniff(Files.readAllBytes(MNIST.resolve("t10k-first20-labels-idx1-ubyte.gz"))));
        assertEquals("an IDX label file (20 labels)", DataFormat.sniff(Files.readAllBytes(MNIST.resolve("t10k-first20-labels-idx1-ubyte"))));
        assertEquals("binary data, not UTF-8 text", DataFormat.sniff(new byte[] {'a', (byte) 0xC3, '(', 'b'}));
        assertEquals("plain text", DataFormat.sniff("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8).length == 5
                ? Arrays.copyOf("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), 4) : new byte[0]),
                "a character cut at the end of the head is not binary");
        assertEquals("an empty file", DataFormat.sniff(new byte[0]));
    }

    @Test
    void everyExampleFileReadsThroughItsReader() {
        TextCorpus.Split text = TextCorpus.split(EXAMPLES.resolve("text.txt"), Vocabulary.Tokens.WORDS, Splits.Fractions.parse("0.6,0.2,0.2"));
        assertEquals(3, text.train().text().split("\n").length);
        assertEquals("thought Alice 'without pictures or conversations?'\n", text.test().text());
        assertEquals(Vocabulary.UNKNOWN, text.test().ids()[0], "'thought' is not in the first three lines");
        StreamBatches stream = StreamBatches.nextTokens(TextCorpus.read(EXAMPLES.resolve("text.txt")).ids(), 2, 16,
                StreamBatches.Tail.KEEP);
        assertEquals(2, stream.rows());
        CsvSeries.read(EXAMPLES.resolve("series.csv"));
        CsvSeries.read(EXAMPLES.resolve("table.csv"));
        assertEquals(5, LabelledSequences.read(EXAMPLES.resolve("sequences.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 8, false)).size());
        assertEquals(5, LabelledSequences.read(EXAMPLES.resolve("tagging.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 4, true)).size());
        assertEquals(5, LabelledSequences.read(EXAMPLES.resolve("sequences.jsonl"), LabelledSequences.Options.features(2, 4, false)).size());
        assertEquals(5, Pairs.read(EXAMPLES.resolve("pairs.tsv"), PairsTest.SPELLING).size());
    }

    @Test
    void dataThatDoesNotFitTheSpecGivesTheNumberToWrite() {
        TextCorpus macbeth = TextCorpus.read(Path.of("src/test/resources/data/text/macbeth.txt"));
        int ids = macbeth.vocabulary().size();
        int chars = ids - 2;
        ModelInfo small = model("many_to_many", "tokens_embed", 0, 40, 100, 100, 96, "cross_entropy");
        assertEquals("the data has " + chars + " distinct characters + 2 reserved ids = " + ids + ": write `input tokens " + ids
                + "` or more (the spec says 40)", error(() -> macbeth.checkFits(small)));
        ModelInfo narrowHead = model("many_to_many", "tokens_embed", 0, 96, 100, 100, 40, "cross_entropy");
        assertEquals("the data has " + chars + " distinct characters + 2 reserved ids = " + ids + ": write `dense " + ids
                + " softmax` or more (the spec says 40)", error(() -> macbeth.checkFits(narrowHead)));
        macbeth.checkFits(model("many_to_many", "tokens_embed", 0, 96, 100, 100, 96, "cross_entropy"));

        Pairs pairs = Pairs.read(EXAMPLES.resolve("pairs.tsv"), PairsTest.SPELLING).split(Splits.Fractions.none(), 0).train();
        assertEquals("encoder: the data has 15 distinct characters + 2 reserved ids = 17: write `input tokens 17` or more (the spec says 10)",
                error(() -> pairs.checkFits(PairsTest.seq2seq(10, 8, 6, 72))));
        assertEquals("decoder: the data has 14 distinct words + 3 reserved ids = 17: write `dense 17 softmax` or more (the spec says 12)"
                + ", and `input tokens 17` or more in the decoder", error(() -> pairs.checkFits(PairsTest.seq2seq(30, 8, 6, 12))));
        pairs.checkFits(PairsTest.seq2seq(30, 8, 6, 17));

        LabelledSequences tags = LabelledSequences.read(EXAMPLES.resolve("tagging.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 4, true)).all().train();
        assertEquals("the data has 5 classes [ADJ, ADV, DET, NOUN, VERB]: write `dense 5 softmax` or more (the spec says 4)",
                error(() -> tags.checkFits(model("many_to_many", "tokens", 0, 64, 4, 4, 4, "cross_entropy"))));
    }

    @Test
    void dataMetadataRoundTripsInAStableOrder() {
        LabelledSequences.Split s = LabelledSequences.read(EXAMPLES.resolve("sequences.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 8, false)).all();
        DataMetadata seq = new DataMetadata(DataFormat.SEQUENCES, s.vocabulary(), null, s.labels(), null, null);
        Map<String, String> m = seq.toMetadata();
        assertEquals(List.of("format", "input.tokens", "input.reserved", "input.size", "input.entries",
                "labels.kind", "labels.names"), List.copyOf(m.keySet()));
        assertEquals(seq, DataMetadata.fromMetadata(m));
        CsvSeries series = CsvSeries.read(SERIES.resolve("sunspots.csv"));
        SeriesWindows.Spec spec = new SeriesWindows.Spec(List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), 10, 2, true);
        DataMetadata sm = new DataMetadata(DataFormat.SERIES, null, null, null, Normalization.fit(series, 0, 80), spec);
        Map<String, String> m2 = sm.toMetadata();
        assertEquals(List.of("format", "norm.columns", "norm.mean", "norm.std", "series.inputs",
                "series.targets", "series.steps", "series.horizon", "series.every_step"), List.copyOf(m2.keySet()));
        assertEquals(sm, DataMetadata.fromMetadata(m2));
        Map<String, String> bad = new java.util.HashMap<>(m2);
        bad.put("series.steps", "ten");
        assertEquals("the checkpoint's data settings (rnnc.data.*): damaged series settings 'series.': For input string: \"ten\"",
                error(() -> DataMetadata.fromMetadata(bad)));
        assertEquals("the checkpoint's data settings (rnnc.data.*): no key 'format' (the data was saved without it)", error(() -> DataMetadata.fromMetadata(Map.of())));
    }

    @Test
    void readerOptionsFollowTheModel() {
        ModelInfo tagger = model("many_to_many", "tokens", 0, 64, 12, 12, 5, "cross_entropy");
        assertEquals(LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 12, true),
                LabelledSequences.Options.forModel(tagger, Vocabulary.Tokens.WORDS));
        ModelInfo mnist = model("many_to_one", "features", 28, 0, 28, 1, 10, "cross_entropy");
        assertEquals(LabelledSequences.Options.features(28, 28, false), LabelledSequences.Options.forModel(mnist, Vocabulary.Tokens.CHARS));
        ModelInfo spell = PairsTest.seq2seq(30, 24, 20, 72);
        assertEquals(new Pairs.Options(Vocabulary.Tokens.CHARS, Vocabulary.Tokens.WORDS, 24, 20, false),
                Pairs.Options.forModel(spell, Vocabulary.Tokens.CHARS, Vocabulary.Tokens.WORDS));
        ModelInfo forecaster = model("many_to_one", "features", 2, 0, 24, 1, 3, "mse");
        SeriesWindows.Spec spec = SeriesWindows.Spec.forModel(forecaster, List.of("a", "b"), List.of("a"), 3);
        assertEquals(new SeriesWindows.Spec(List.of("a", "b"), List.of("a"), 24, 3, false), spec);
        assertEquals("1 input column [a] for model M, which takes `input 2`: choose 2 columns, or write `input 1`",
                error(() -> SeriesWindows.Spec.forModel(forecaster, List.of("a"), List.of("a"), 3)));
        assertEquals("1 target column [a] over a horizon of 2 give 2 values per sample, but model M's head outputs 3: write `dense 2` "
                + "or change the targets or the horizon", error(() -> SeriesWindows.Spec.forModel(forecaster, List.of("a", "b"), List.of("a"), 2)));
        ModelInfo stepwise = model("many_to_many", "features", 1, 0, 24, 24, 1, "mse");
        assertEquals(new SeriesWindows.Spec(List.of("a"), List.of("b"), 24, 0, true),
                SeriesWindows.Spec.forModel(stepwise, List.of("a"), List.of("b"), 0));
        assertEquals("a series feeds a many_to_one or many_to_many model of float features; M is many_to_many with tokens",
                error(() -> SeriesWindows.Spec.forModel(tagger, List.of("a"), List.of("b"), 1)));
    }
}
