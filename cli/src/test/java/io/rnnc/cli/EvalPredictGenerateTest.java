package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eval, predict and generate on checkpoints that 'rnnc train' wrote from small files: only the spec and the checkpoint
 * are needed (the checkpoint keeps the vocabulary, labels and normalisation).
 */
class EvalPredictGenerateTest {

    @TempDir
    static Path dir;

    static final String XOR = Cli.spec("samples/specs/xor.rnn");
    static final String CHARS = Cli.spec("samples/specs/char_lstm.rnn");
    static final String SPELL = Cli.spec("samples/specs/spell_to_sound.rnn");
    static final String DRAWER = Cli.spec("samples/specs/digit_drawer.rnn");
    static final String SENTIMENT = TrainOnFilesTest.testSpec("sentiment.rnn");
    static final String FORECAST = TrainOnFilesTest.testSpec("forecast.rnn");
    static final String NEXT_CHAR = TrainOnFilesTest.testSpec("next_char.rnn");

    static Path ck(String name) {
        return dir.resolve(name + ".safetensors");
    }

    static void train(String name, String spec, String... more) {
        String[] base = {"train", spec, "--checkpoint", ck(name).toString(), "--chart", dir.resolve(name + ".png").toString(),
                "--progress", "none"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        Cli c = Cli.run(args);
        assertEquals(0, c.exit(), c.toString());
    }

    @BeforeAll
    static void trainAll() {
        train("xor", XOR, "--data", TrainOnFilesTest.data("xor.csv"), "--epochs", "60", "--split", "0.75,0.25");
        train("sentiment", SENTIMENT, "--data", TrainOnFilesTest.data("sequences.tsv"), "--epochs", "8");
        train("chars", CHARS, "--data", TrainOnFilesTest.data("text.txt"), "--epochs", "1", "--train-limit", "4", "--batch", "4");
        train("spell", SPELL, "--data", TrainOnFilesTest.data("pairs.tsv"), "--epochs", "1");
        train("forecast", FORECAST, "--data", TrainOnFilesTest.data("series.csv"), "--target", "temp", "--inputs", "temp,load",
                "--epochs", "2");
        train("next", NEXT_CHAR, "--data", TrainOnFilesTest.data("text.txt"), "--epochs", "2");
        train("drawer", DRAWER, "--data", Cli.mnistData(), "--train-limit", "64", "--test-limit", "16", "--epochs", "1");
    }

    @Test
    void evalPrintsTheMeasuresAConfusionMatrixAndItsPng() throws IOException {
        Path png = dir.resolve("confusion.png");
        Cli c = Cli.run("eval", SENTIMENT, "--checkpoint", ck("sentiment").toString(), "--data",
                TrainOnFilesTest.data("sequences.tsv"), "--confusion", png.toString());
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("Sentiment on 80 samples of "), c.out());
        assertTrue(c.out().contains("accuracy "), c.out());
        assertTrue(c.out().contains("per-class F1:\n  neg "), c.out());
        assertTrue(c.out().contains("confusion matrix (rows: true class, columns: predicted):"), c.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100);

        Cli j = Cli.run("eval", SENTIMENT, "--checkpoint", ck("sentiment").toString(), "--data",
                TrainOnFilesTest.data("sequences.tsv"), "--confusion", png.toString(), "--json");
        assertEquals(0, j.exit(), j.toString());
        assertTrue(j.out().startsWith("{\"model\":\"Sentiment\",\"samples\":80,\"loss\":"), j.out());
        assertTrue(j.out().contains("\"classes\":[\"neg\",\"pos\"]"), j.out());
    }

    @Test
    void evalMeasuresEveryKindOfData() {
        Cli xor = Cli.run("eval", XOR, "--checkpoint", ck("xor").toString(), "--data", TrainOnFilesTest.data("xor.csv"));
        assertEquals(0, xor.exit(), xor.toString());
        assertTrue(xor.out().contains("Xor on 64 samples"), xor.out());
        Cli f = Cli.run("eval", FORECAST, "--checkpoint", ck("forecast").toString(), "--data", TrainOnFilesTest.data("series.csv"));
        assertEquals(0, f.exit(), f.toString());
        assertTrue(f.out().contains("naive mae"), f.out());
        Cli s = Cli.run("eval", SPELL, "--checkpoint", ck("spell").toString(), "--data", TrainOnFilesTest.data("pairs.tsv"));
        assertEquals(0, s.exit(), s.toString());
        assertTrue(s.out().contains("sequence accuracy"), s.out());
        Cli t = Cli.run("eval", CHARS, "--checkpoint", ck("chars").toString(), "--data", TrainOnFilesTest.data("text.txt"));
        assertEquals(0, t.exit(), t.toString());
        assertTrue(t.out().contains("perplexity"), t.out());
        Cli d = Cli.run("eval", DRAWER, "--checkpoint", ck("drawer").toString(), "--data", Cli.mnistData(), "--limit", "20");
        assertEquals(0, d.exit(), d.toString());
        assertTrue(d.out().contains("DigitDrawer on 20 samples"), d.out());
    }

    @Test
    void predictReadsStdinAndWritesTextCsvOrJson() {
        String sentiment = ck("sentiment").toString();
        Cli text = Cli.runWithInput("abcabcab\nxyzzyxzz\n", "predict", SENTIMENT, "--checkpoint", sentiment);
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().startsWith("abcabcab\tpos\t(p="), text.out());
        assertTrue(text.out().contains("\nxyzzyxzz\tneg\t(p="), text.out());
        Cli csv = Cli.runWithInput("abcabcab\n", "predict", SENTIMENT, "--checkpoint", sentiment, "--output", "csv");
        assertTrue(csv.out().startsWith("input,label,p\nabcabcab,pos,0."), csv.out());
        Cli json = Cli.runWithInput("{\"x\": \"xyzzyxzz\"}\n", "predict", SENTIMENT, "--checkpoint", sentiment, "--output", "json");
        assertTrue(json.out().startsWith("{\"input\":\"{\\\"x\\\": \\\"xyzzyxzz\\\"}\",\"label\":\"neg\""), json.out());

        Cli xor = Cli.runWithInput("a,b\n0,1\n1,1\n", "predict", XOR, "--checkpoint", ck("xor").toString());
        assertEquals(0, xor.exit(), xor.toString());
        assertTrue(xor.out().startsWith("line 2: "), xor.out());
        Cli next = Cli.runWithInput("The cat\n", "predict", CHARS, "--checkpoint", ck("chars").toString(), "--top", "2");
        assertEquals(0, next.exit(), next.toString());
        assertTrue(next.out().startsWith("The cat\t→ "), next.out());
        Cli spell = Cli.runWithInput("bqhdfibfgjjqgjoqfilaibaa\n", "predict", SPELL, "--checkpoint", ck("spell").toString(),
                "--beam", "2");
        assertEquals(0, spell.exit(), spell.toString());
        assertTrue(spell.out().startsWith("bqhdfibfgjjqgjoqfilaibaa\t"), spell.out());
        StringBuilder rows = new StringBuilder("temp,load\n");
        for (int i = 0; i < 12; i++) {
            rows.append(Math.sin(i / 8.0)).append(',').append(Math.cos(i / 11.0)).append('\n');
        }
        Cli f = Cli.runWithInput(rows.toString(), "predict", FORECAST, "--checkpoint", ck("forecast").toString(), "--output", "json");
        assertEquals(0, f.exit(), f.toString());
        assertTrue(f.out().startsWith("{\"forecast\":[{\"ahead\":1,\"temp\":"), f.out());
    }

    @Test
    void generateContinuesAPrimeTheSameWayForTheSameSeed() {
        String[] args = {"generate", CHARS, "--checkpoint", ck("chars").toString(), "--prime", "The ", "--length", "30",
                "--top-k", "5", "--top-p", "0.9", "--seed", "3"};
        Cli a = Cli.run(args);
        assertEquals(0, a.exit(), a.toString());
        assertTrue(a.out().startsWith("The "), a.out());
        assertEquals(a.out(), Cli.run(args).out(), "same seed, same text");
        args[args.length - 1] = "4";
        Cli other = Cli.run(args);
        assertNotEquals(a.out(), other.out(), "another seed samples other text");
        Cli greedy = Cli.run("generate", CHARS, "--checkpoint", ck("chars").toString(), "--prime", "The ", "--length", "10",
                "--temperature", "0", "--json");
        assertTrue(greedy.out().startsWith("{\"prime\":\"The \",\"text\":"), greedy.out());
    }

    @Test
    void predictOnAManyToOneTextModelReadsTheLastWindowOfEachLine() {
        String next = ck("next").toString();
        Cli c = Cli.runWithInput("The quick brown\nThe\n", "predict", NEXT_CHAR, "--checkpoint", next, "--top", "3");
        assertEquals(0, c.exit(), c.toString());
        java.util.List<String> lines = c.out().lines().toList();
        assertEquals(2, lines.size(), c.out());
        // three next characters with their probabilities (a space is shown as ' ')
        assertTrue(lines.get(0).matches("The quick brown\t→( (\\S|' ') \\(0\\.\\d{3}\\)){3}"), c.out());
        assertTrue(lines.get(1).startsWith("The\t→ "), c.out()); // shorter than the window: its own length
        // only the last 12 characters count: a longer line with the same end predicts the same
        Cli longer = Cli.runWithInput("Fire and rain. The quick brown\n", "predict", NEXT_CHAR, "--checkpoint", next, "--top",
                "3", "--output", "json");
        Cli same = Cli.runWithInput("e quick brown\n", "predict", NEXT_CHAR, "--checkpoint", next, "--top", "3", "--output",
                "json");
        assertEquals(0, longer.exit(), longer.toString());
        assertEquals(same.out().replaceAll("^\\{\"input\":\"[^\"]*\",", ""),
                longer.out().replaceAll("^\\{\"input\":\"[^\"]*\",", ""), longer.out());
        assertTrue(longer.out().contains("\"next\":{"), longer.out());
    }

    @Test
    void aLanguageModelsBeamOfOneIsGreedyAndAWiderBeamIsDeterministic() {
        String[] greedy = {"generate", CHARS, "--checkpoint", ck("chars").toString(), "--prime", "The ", "--length", "25",
                "--temperature", "0"};
        Cli g = Cli.run(greedy);
        assertEquals(0, g.exit(), g.toString());
        Cli b1 = Cli.run("generate", CHARS, "--checkpoint", ck("chars").toString(), "--prime", "The ", "--length", "25",
                "--beam", "1");
        assertEquals(0, b1.exit(), b1.toString());
        assertEquals(g.out(), b1.out(), "a beam of width 1 is greedy decoding");
        String[] wide = {"generate", CHARS, "--checkpoint", ck("chars").toString(), "--prime", "The ", "--length", "25",
                "--beam", "4", "--json"};
        Cli b4 = Cli.run(wide);
        assertEquals(0, b4.exit(), b4.toString());
        assertTrue(b4.out().startsWith("{\"prime\":\"The \",\"text\":"), b4.out());
        assertEquals(25, b4.out().replaceAll("(?s).*\"ids\":\\[([^\\]]*)\\].*", "$1").split(",").length, b4.out());
        assertEquals(b4.out(), Cli.run(wide).out(), "a beam search does not sample");
        Cli tooWide = Cli.run("generate", CHARS, "--checkpoint", ck("chars").toString(), "--beam", "999");
        assertEquals(1, tooWide.exit(), tooWide.toString());
        assertTrue(tooWide.err().contains("--beam must be 1.."), tooWide.err());
    }

    @Test
    void generateDecodesStdinWithABeamAndDrawsADigit() throws IOException {
        Cli s = Cli.runWithInput("bqhdfibfgjjqgjoqfilaibaa\nqrgqphodnprmqjghkgemlbea\n", "generate", SPELL, "--checkpoint",
                ck("spell").toString(), "--beam", "3");
        assertEquals(0, s.exit(), s.toString());
        assertEquals(2, s.out().lines().count(), s.out());
        assertTrue(s.out().startsWith("bqhdfibfgjjqgjoqfilaibaa\t"), s.out());

        Path png = dir.resolve("seven.png");
        Cli d = Cli.run("generate", DRAWER, "--checkpoint", ck("drawer").toString(), "--label", "7", "--png", png.toString());
        assertEquals(0, d.exit(), d.toString());
        assertEquals(29, d.out().lines().count(), d.out()); // 28 rows and the image line
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(28, image.getWidth());
        assertEquals(28, image.getHeight());

        Cli bad = Cli.run("generate", DRAWER, "--checkpoint", ck("drawer").toString(), "--label", "10");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--label 10 is outside 0..9 (the spec's `input 10`)"), bad.err());
        Cli notGen = Cli.run("generate", XOR, "--checkpoint", ck("xor").toString());
        assertEquals(1, notGen.exit(), notGen.toString());
        assertTrue(notGen.err().contains("does not generate"), notGen.err());
    }

    @Test
    void aResumedRunKeepsItsHistoryAndRefusesAnotherLearningRate() throws IOException {
        Path run = dir.resolve("resume-xor.safetensors");
        Files.copy(ck("xor"), run);
        byte[] before = Files.readAllBytes(run);
        Cli lr = Cli.run("train", XOR, "--data", TrainOnFilesTest.data("xor.csv"), "--split", "0.75,0.25", "--epochs", "70",
                "--checkpoint", run.toString(), "--resume", run.toString(), "--lr", "0.1", "--progress", "none");
        assertEquals(1, lr.exit(), lr.toString());
        assertTrue(lr.err().contains("the learning-rate flags (lr 0.1) contradict --resume " + run
                + ": that run was saved with lr 0.5"), lr.err());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(run)), "unchanged");
        Cli ok = Cli.run("train", XOR, "--data", TrainOnFilesTest.data("xor.csv"), "--split", "0.75,0.25", "--epochs", "62",
                "--checkpoint", run.toString(), "--resume", run.toString(), "--chart", dir.resolve("resumed.png").toString(),
                "--progress", "none");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("resuming from " + run + " at epoch 61"), ok.out());
        String history = io.rnnc.runtime.io.SafeTensors.read(run).metadata().get("rnnc.extra.history");
        assertEquals(62, history.split(";").length, history);
    }

    @Test
    void initStartsFromAPyTorchStyleStateDictLoadedByNamesAndShapes() throws IOException {
        // a plain state_dict as safetensors' save_file writes it: parameters only, no rnnc metadata
        io.rnnc.runtime.io.SafeTensors.Contents c = io.rnnc.runtime.io.SafeTensors.read(ck("xor"));
        java.util.List<io.rnnc.runtime.io.SafeTensors.Tensor> params = new java.util.ArrayList<>();
        for (io.rnnc.runtime.io.SafeTensors.Tensor t : c.tensors().values()) {
            if (!t.name().startsWith("optimizer.")) {
                params.add(t);
            }
        }
        Path stateDict = dir.resolve("state_dict.safetensors");
        io.rnnc.runtime.io.SafeTensors.write(stateDict, params, java.util.Map.of("format", "pt"));
        Cli r = Cli.run("train", XOR, "--data", TrainOnFilesTest.data("xor.csv"), "--split", "0.75,0.25", "--epochs", "1",
                "--init", stateDict.toString(), "--checkpoint", dir.resolve("init.safetensors").toString(), "--chart",
                dir.resolve("init.png").toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().startsWith("note: "), r.err());
        // the trained weights, not a fresh start: every validation row right after one more epoch
        assertTrue(r.out().contains("epoch 1/1: train loss") && r.out().contains("validation accuracy 100.0%"), r.out());
        Cli both = Cli.run("train", XOR, "--data", TrainOnFilesTest.data("xor.csv"), "--init", stateDict.toString(), "--resume",
                ck("xor").toString(), "--checkpoint", dir.resolve("both.safetensors").toString());
        assertEquals(1, both.exit(), both.toString());
        assertTrue(both.err().contains("--init and --resume contradict each other"), both.err());
    }
}
