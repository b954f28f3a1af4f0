package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input of issue 14's part 3 is a user error (exit 1) whose message says what and where, and leaves every
 * file that existed before unchanged: the checkpoint, the keep-best file and the chart a run would have rewritten.
 * (Non-finite weights and a contradicting --batch or --seed: CheckpointFlagsTest; another learning rate on resume:
 * EvalPredictGenerateTest.)
 */
class BadInputsTest {

    @TempDir
    static Path dir;

    static Path checkpoint;
    static Path best;
    static Path chart;
    static byte[] checkpointBytes;
    static byte[] bestBytes;
    static byte[] chartBytes;

    static final String SENTIMENT = TrainOnFilesTest.testSpec("sentiment.rnn");
    static final String FORECAST = TrainOnFilesTest.testSpec("forecast.rnn");
    static final String TAGGER = TrainOnFilesTest.testSpec("tagger.rnn");

    /** A good run whose three files every bad run below would overwrite. */
    @BeforeAll
    static void trainOnce() throws IOException {
        checkpoint = dir.resolve("run.safetensors");
        best = dir.resolve("run-best.safetensors");
        chart = dir.resolve("run.png");
        Cli c = Cli.run("train", SENTIMENT, "--data", TrainOnFilesTest.data("sequences.tsv"), "--epochs", "2", "--checkpoint",
                checkpoint.toString(), "--chart", chart.toString(), "--progress", "none");
        assertEquals(0, c.exit(), c.toString());
        checkpointBytes = Files.readAllBytes(checkpoint);
        bestBytes = Files.readAllBytes(best);
        chartBytes = Files.readAllBytes(chart);
    }

    static Cli train(String spec, Path data, String... more) {
        String[] base = {"train", spec, "--data", data.toString(), "--epochs", "1", "--checkpoint", checkpoint.toString(),
                "--chart", chart.toString(), "--progress", "none"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    static void unchanged() throws IOException {
        assertArrayEquals(checkpointBytes, Files.readAllBytes(checkpoint), "the checkpoint is unchanged");
        assertArrayEquals(bestBytes, Files.readAllBytes(best), "the keep-best file is unchanged");
        assertArrayEquals(chartBytes, Files.readAllBytes(chart), "the chart is unchanged");
    }

    static Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aMalformedCsvLineNamesFileLineAndColumn() throws IOException {
        StringBuilder s = new StringBuilder("temp,load\n");
        for (int i = 0; i < 60; i++) {
            s.append(i == 4 ? "0.5,abc" : i + ".0," + (i % 3)).append('\n');
        }
        Path bad = write("bad.csv", s.toString());
        Cli c = train(FORECAST, bad, "--target", "temp");
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().startsWith("rnnc: " + bad + ":6:5: "), c.err());
        assertTrue(c.err().contains("abc"), c.err());
        assertFalse(c.err().contains("\tat "), "no stack trace");
        unchanged();
    }

    @Test
    void aMalformedTsvLineNamesFileAndLine() throws IOException {
        Path bad = write("bad.tsv", "abcabcab\tpos\nxyzxyzxy\tneg\nabcabcab pos\nxyzxyzxy\tneg\n");
        Cli c = train(SENTIMENT, bad);
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().startsWith("rnnc: " + bad + ":3"), c.err());
        unchanged();
    }

    @Test
    void aMalformedJsonLineNamesFileLineAndColumn() throws IOException {
        Path bad = write("bad.jsonl", "{\"x\": \"abcdef\", \"y\": [\"c\",\"c\",\"c\",\"c\",\"c\",\"c\"]}\n{\"x\": \"abcdef\", \"y\": }\n");
        Cli c = train(TAGGER, bad);
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().startsWith("rnnc: " + bad + ":2:"), c.err());
        unchanged();
    }

    @Test
    void aSampleLongerThanTheSequenceNamesItsLineUnlessTruncated() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            s.append(i == 3 ? "abcabcabcabc" : i % 2 == 0 ? "abcabcab" : "xyzxyzxy").append('\t').append(i % 2 == 0 ? "pos" : "neg")
                    .append('\n');
        }
        Path data = write("long.tsv", s.toString());
        Cli c = train(SENTIMENT, data);
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().startsWith("rnnc: " + data + ":4"), c.err());
        assertTrue(c.err().contains("12 characters") && c.err().contains("8"), c.err());
        assertTrue(c.err().contains("--truncate") || c.err().contains("truncat"), c.err());
        unchanged();

        Path elsewhere = dir.resolve("truncated.safetensors");
        Cli t = Cli.run("train", SENTIMENT, "--data", data.toString(), "--epochs", "1", "--checkpoint", elsewhere.toString(),
                "--chart", dir.resolve("truncated.png").toString(), "--progress", "none", "--truncate");
        assertEquals(0, t.exit(), t.toString());
    }

    @Test
    void anUnknownTokenInAPrimeOrAnInputIsLocated() throws IOException {
        Path text = dir.resolve("text.safetensors");
        Cli c = Cli.run("train", Cli.spec("samples/specs/char_lstm.rnn"), "--data", TrainOnFilesTest.data("text.txt"),
                "--epochs", "1", "--train-limit", "2", "--batch", "2", "--checkpoint", text.toString(), "--chart",
                dir.resolve("text.png").toString(), "--progress", "none");
        assertEquals(0, c.exit(), c.toString());
        byte[] before = Files.readAllBytes(text);
        Cli g = Cli.run("generate", Cli.spec("samples/specs/char_lstm.rnn"), "--checkpoint", text.toString(), "--prime", "Thé");
        assertEquals(1, g.exit(), g.toString());
        assertTrue(g.err().startsWith("rnnc: --prime:1:3: character 'é' is not in the vocabulary ("), g.err());
        Cli p = Cli.runWithInput("ok\nnaïve\n", "predict", Cli.spec("samples/specs/char_lstm.rnn"), "--checkpoint", text.toString());
        assertEquals(1, p.exit(), p.toString());
        assertTrue(p.err().startsWith("rnnc: stdin:2:3: character 'ï' is not in the vocabulary"), p.err());
        assertArrayEquals(before, Files.readAllBytes(text));
    }

    @Test
    void anotherModelsCheckpointIsRefusedNamingBothUnlessForced() throws IOException {
        Path twin = write("twin.rnn", Files.readString(Path.of(SENTIMENT)).replace("model Sentiment", "model SentimentTwin"));
        Cli c = Cli.run("eval", twin.toString(), "--checkpoint", checkpoint.toString(), "--data",
                TrainOnFilesTest.data("sequences.tsv"), "--confusion", dir.resolve("c.png").toString());
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().contains("Sentiment") && c.err().contains("SentimentTwin"), c.err());
        Cli resume = Cli.run("train", twin.toString(), "--data", TrainOnFilesTest.data("sequences.tsv"), "--epochs", "3",
                "--checkpoint", checkpoint.toString(), "--chart", chart.toString(), "--resume", checkpoint.toString(),
                "--progress", "none");
        assertEquals(1, resume.exit(), resume.toString());
        assertTrue(resume.err().contains("SentimentTwin"), resume.err());
        unchanged();
        Cli forced = Cli.run("eval", twin.toString(), "--checkpoint", checkpoint.toString(), "--data",
                TrainOnFilesTest.data("sequences.tsv"), "--force", "--confusion", dir.resolve("c.png").toString());
        assertEquals(0, forced.exit(), forced.toString());
        assertTrue(forced.err().startsWith("note: "), forced.err());
    }

    @Test
    void aVocabularyTooLargeForTheSpecGivesTheNumberToWrite() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            s.append("abcdefgh\tpos\nijklmnop\tneg\n");
        }
        Path data = write("wide.tsv", s.toString());
        Cli c = train(SENTIMENT, data);
        assertEquals(1, c.exit(), c.toString());
        assertEquals("rnnc: the data has 16 distinct characters + 2 reserved ids = 18: write `input tokens 18` or more"
                + " (the spec says 8)\n", c.err());
        unchanged();
    }

    @Test
    void resumingOnDataWithOtherSettingsIsRefused() throws IOException {
        // the same ids must mean the same characters: a resumed run whose vocabulary would differ stops before any step
        Path other = write("other.tsv", Files.readString(Path.of(TrainOnFilesTest.data("sequences.tsv"))).replace('a', 'q'));
        Cli c = Cli.run("train", SENTIMENT, "--data", other.toString(), "--epochs", "3", "--checkpoint", checkpoint.toString(),
                "--chart", chart.toString(), "--resume", checkpoint.toString(), "--progress", "none");
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().contains("--resume " + checkpoint + ": the data's settings differ from the saved run's "
                + "(rnnc.data.input.entries)"), c.err());
        assertFalse(c.out().contains("epoch 3/3"), c.out());
        unchanged();
    }

    @Test
    void aShortSampleTrainsOnAModelThatTakesLengths() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            s.append(i == 5 ? "abcab" : i % 2 == 0 ? "abcabcab" : "xyzxyzxy").append('\t').append(i % 2 == 0 ? "pos" : "neg")
                    .append('\n');
        }
        Path data = write("short.tsv", s.toString());
        // every many_to_one model takes per-sample lengths, and says so through the public API
        assertTrue(Specs.instantiate(Specs.model(Path.of(SENTIMENT), null,
                new java.io.PrintWriter(java.io.Writer.nullWriter()))).acceptsLengths());
        // a one_to_many model reads one vector per sample: no lengths
        assertFalse(Specs.instantiate(Specs.model(Path.of(Cli.spec("samples/specs/digit_drawer.rnn")), null,
                new java.io.PrintWriter(java.io.Writer.nullWriter()))).acceptsLengths());
        Cli c = train(SENTIMENT, data);
        // padding is left out of the state, the loss and the measures: nothing to refuse (the run did write)
        assertEquals(0, c.exit(), c.toString());
        Files.write(checkpoint, checkpointBytes);
        Files.write(best, bestBytes);
        Files.write(chart, chartBytes);
        unchanged();
    }
}
