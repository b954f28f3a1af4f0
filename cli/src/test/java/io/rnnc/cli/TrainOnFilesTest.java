package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample spec under samples/specs, and a model of each remaining data format, trains from the command line on
 * a small file under cli/src/test/resources/data: the format follows from the spec, the measures fit the task, and
 * the checkpoint keeps what eval, predict and generate need (format, vocabulary, labels, normalisation).
 */
class TrainOnFilesTest {

    @TempDir
    Path dir;

    static String data(String name) {
        return Cli.root().resolve("cli/src/test/resources/data/" + name).toString();
    }

    static String testSpec(String name) {
        return Cli.root().resolve("cli/src/test/resources/specs/" + name).toString();
    }

    private Cli train(String spec, String... more) {
        String[] base = {"train", spec, "--checkpoint", dir.resolve("ck.safetensors").toString(), "--chart",
                dir.resolve("curves.png").toString(), "--best", dir.resolve("best.safetensors").toString(), "--progress", "none"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    private Map<String, String> metadata() {
        return SafeTensors.read(dir.resolve("ck.safetensors")).metadata();
    }

    @Test
    void xorTrainsOnATable() {
        Cli c = train(Cli.spec("samples/specs/xor.rnn"), "--data", data("xor.csv"), "--epochs", "60", "--split", "0.75,0.25");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("data: table"), c.out());
        assertTrue(c.out().contains("epoch 60/60: train loss"), c.out());
        assertTrue(c.out().contains("validation accuracy"), c.out());
        assertTrue(c.out().contains("validation mae"), c.out());
        // XOR of two bits is learnt in 60 epochs of 48 rows: every validation row right
        assertTrue(c.out().contains("epoch 60/60: train loss") && c.out().lines().filter(l -> l.startsWith("epoch 60/60"))
                .allMatch(l -> l.contains("validation accuracy 100.0%")), c.out());
        assertEquals("table", metadata().get("rnnc.data.format"));
        assertTrue(Files.isRegularFile(dir.resolve("best.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("curves.png")));
    }

    @Test
    void charLstmTrainsOnAText() {
        Cli c = train(Cli.spec("samples/specs/char_lstm.rnn"), "--data", data("text.txt"), "--epochs", "1", "--train-limit", "4",
                "--batch", "4");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("data: text"), c.out());
        assertTrue(c.out().contains("vocabulary 44 chars (2 reserved ids included)"), c.out());
        assertTrue(c.out().contains("validation perplexity"), c.out());
        assertTrue(c.out().contains("validation bits per token"), c.out());
        Map<String, String> m = metadata();
        assertEquals("text", m.get("rnnc.data.format"));
        assertEquals("chars", m.get("rnnc.data.input.tokens"));
    }

    @Test
    void spellToSoundTrainsOnPairs() {
        Cli c = train(Cli.spec("samples/specs/spell_to_sound.rnn"), "--data", data("pairs.tsv"), "--epochs", "2");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("data: pairs"), c.out());
        assertTrue(c.out().contains("validation token accuracy"), c.out());
        assertTrue(c.out().contains("validation sequence accuracy"), c.out());
        Map<String, String> m = metadata();
        assertEquals("pairs", m.get("rnnc.data.format"));
        assertEquals("words", m.get("rnnc.data.target.tokens"), "phonemes are space-separated: words by default");
    }

    @Test
    void digitDrawerTrainsOnIdxImages() {
        Cli c = train(Cli.spec("samples/specs/digit_drawer.rnn"), "--data", Cli.mnistData(), "--train-limit", "128",
                "--test-limit", "32", "--epochs", "1");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("training DigitDrawer"), c.out());
        assertTrue(c.out().contains("test mae"), c.out());
        assertEquals("idx", metadata().get("rnnc.data.format"));
    }

    @Test
    void aClassifierTrainsOnLabelledSequences() {
        Cli c = train(testSpec("sentiment.rnn"), "--data", data("sequences.tsv"), "--epochs", "8", "--split", "0.8,0.1,0.1");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("data: sequences"), c.out());
        assertTrue(c.out().contains("validation macro f1"), c.out());
        assertTrue(c.out().contains("test: loss "), c.out());
        Map<String, String> m = metadata();
        assertEquals("sequences", m.get("rnnc.data.format"));
        assertEquals("names", m.get("rnnc.data.labels.kind"));
    }

    @Test
    void aTaggerTrainsOnJsonLines() {
        Cli c = train(testSpec("tagger.rnn"), "--data", data("tags.jsonl"), "--epochs", "2");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("data: sequences"), c.out());
        assertTrue(c.out().contains("validation accuracy"), c.out());
    }

    @Test
    void aForecasterTrainsOnASeriesAgainstTheNaiveForecast() {
        Cli c = train(testSpec("forecast.rnn"), "--data", data("series.csv"), "--target", "temp", "--inputs", "temp,load",
                "--epochs", "3", "--split", "0.8,0.1,0.1", "--lr-schedule", "cosine", "--warmup", "5");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("data: series"), c.out());
        assertTrue(c.out().contains("validation naive mae"), c.out());
        assertTrue(c.out().contains(", lr "), c.out());
        Map<String, String> m = metadata();
        assertEquals("series", m.get("rnnc.data.format"));
        assertTrue(m.containsKey("rnnc.data.norm.mean"), m.toString());
        assertEquals("cosine,0.01,5,1,0.5,1", m.get("rnnc.extra.lr_schedule"));
    }

    @Test
    void aWordLevelLanguageModelTrainsOnTheSameText() {
        Cli c = train(Cli.spec("samples/specs/char_lstm.rnn"), "--data", data("text.txt"), "--tokens", "words", "--epochs", "1",
                "--batch", "2", "--split", "0.8,0.2");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("vocabulary 60 words (2 reserved ids included)"), c.out());
        assertEquals("words", metadata().get("rnnc.data.input.tokens"));
    }

    @Test
    void givenValidationAndTestFilesAndJsonOutput() throws java.io.IOException {
        java.util.List<String> lines = Files.readAllLines(Path.of(data("sequences.tsv")));
        Path train = Files.write(dir.resolve("train.tsv"), lines.subList(0, 60));
        Path validation = Files.write(dir.resolve("validation.tsv"), lines.subList(60, 70));
        Path test = Files.write(dir.resolve("test.tsv"), lines.subList(70, 80));
        Cli c = train(testSpec("sentiment.rnn"), "--data", train.toString(), "--validation", validation.toString(), "--test",
                test.toString(), "--epochs", "2", "--json");
        assertEquals(0, c.exit(), c.toString());
        java.util.List<String> out = c.out().lines().toList();
        assertEquals(3, out.size(), c.out());
        assertTrue(out.get(0).startsWith("{\"epoch\":1,\"epochs\":2,\"train_loss\":"), out.get(0));
        assertTrue(out.get(1).contains("\"validation_macro_f1\":"), out.get(1));
        assertTrue(out.get(2).startsWith("{\"model\":\"Sentiment\",\"format\":\"sequences\",\"epochs\":2,"), out.get(2));
        assertTrue(out.get(2).contains("\"test\":{\"loss\":"), out.get(2));
    }

    @Test
    void theTestLineMeasuresTheBestEpochsWeightsAndSaysSo() throws java.io.IOException {
        java.util.List<String> lines = Files.readAllLines(Path.of(data("sequences.tsv")));
        Path train = Files.write(dir.resolve("train.tsv"), lines.subList(0, 60));
        Path validation = Files.write(dir.resolve("validation.tsv"), lines.subList(60, 70));
        Path test = Files.write(dir.resolve("test.tsv"), lines.subList(70, 80));
        String[] run = {"--data", train.toString(), "--validation", validation.toString(), "--test", test.toString(),
                "--epochs", "6", "--lr", "2"};
        // a learning rate far too high: the validation loss is best early, and the last epoch is not the best
        Cli c = train(testSpec("sentiment.rnn"), run);
        assertEquals(0, c.exit(), c.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("best: \\S+ \\(epoch (\\d)\\)").matcher(c.out());
        assertTrue(m.find(), c.out());
        int bestEpoch = Integer.parseInt(m.group(1));
        assertTrue(bestEpoch < 6, "this run's best epoch should not be its last:\n" + c.out());
        assertTrue(c.out().contains(" samples, weights of epoch " + bestEpoch + ", the best: " + dir.resolve("best.safetensors")
                + ")"), c.out());

        // the same figures as eval of the best file on the test file
        Cli j = train(testSpec("sentiment.rnn"), java.util.stream.Stream.concat(java.util.Arrays.stream(run),
                java.util.stream.Stream.of("--json")).toArray(String[]::new));
        assertEquals(0, j.exit(), j.toString());
        String summary = j.out().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(summary.contains("\"weights\":\"" + dir.resolve("best.safetensors") + "\",\"epoch\":" + bestEpoch + "}"),
                summary);
        Cli e = Cli.run("eval", testSpec("sentiment.rnn"), "--checkpoint", dir.resolve("best.safetensors").toString(),
                "--data", test.toString(), "--json", "--confusion", dir.resolve("confusion.png").toString());
        assertEquals(0, e.exit(), e.toString());
        String loss = e.out().replaceAll("(?s).*\"loss\":([-0-9.eE]+).*", "$1");
        assertTrue(summary.contains("\"test\":{\"loss\":" + loss + ","), loss + " vs " + summary);
    }
}
