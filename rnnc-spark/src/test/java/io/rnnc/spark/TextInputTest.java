package io.rnnc.spark;

import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.TextCorpus;
import io.rnnc.runtime.data.TextWindows;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.Trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A language model's text read through Spark ({@code rnnc-spark train SPEC --data corpus.txt}) trains as the plain
 * trainer does on the windows {@code rnnc train}'s text format cuts from the same file, and keeps the vocabulary.
 */
class TextInputTest {

    static final Path SPEC = Path.of("src/test/resources/tiny_chars.rnn");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void textThroughSparkTrainsAsThePlainTrainerOnTheSameWindows() throws Exception {
        StringBuilder text = new StringBuilder();
        String[] words = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dogs"};
        for (int i = 0; i < 300; i++) {
            text.append(words[(i * 7 + i / 3) % words.length]).append(i % 9 == 8 ? "\n" : " ");
        }
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, text);

        ModelBlueprint bp = ModelBlueprint.compile(SPEC, null);
        ChunkedModel plain = bp.newModel();
        TextCorpus c = TextCorpus.read(corpus);
        Dataset windows = new TextWindows(c, 8, 8, true);
        plain.initialize(3);
        plain.setThreads(2);
        Path expected = dir.resolve("plain.safetensors");
        assertTrue(new Trainer(plain, windows, null, new Trainer.Options(2, 64, 3, expected,
                new DataMetadata(io.rnnc.runtime.data.DataFormat.TEXT, c.vocabulary(), null, null, null, null).toMetadata()), null)
                .run().completed());

        Path actual = dir.resolve("spark.safetensors");
        int code = run("train", SPEC.toString(), "--data", corpus.toString(), "--spark", "local[2]", "--epochs", "2", "--seed", "3",
                "--checkpoint", actual.toString());
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(": " + windows.size() + " samples"), out.toString(StandardCharsets.UTF_8));
        // Tensor for tensor, and the data settings key for key (main's Trainer also records bookkeeping extras of its
        // own, such as its history, which SparkTrainer does not write)
        SafeTensors.Contents a = SafeTensors.read(expected);
        SafeTensors.Contents b = SafeTensors.read(actual);
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(a.get(name).values(), b.get(name).values(), name);
            assertArrayEquals(a.get(name).shape(), b.get(name).shape(), name);
        }
        int dataKeys = 0;
        for (var e : a.metadata().entrySet()) {
            if (e.getKey().startsWith(Checkpoint.DATA_PREFIX) || e.getKey().equals("rnnc.step") || e.getKey().equals("rnnc.optimizer.step")
                    || e.getKey().equals("rnnc.extra.train_loss")) {
                assertEquals(e.getValue(), b.metadata().get(e.getKey()), e.getKey());
                dataKeys += e.getKey().startsWith(Checkpoint.DATA_PREFIX) ? 1 : 0;
            }
        }
        assertTrue(dataKeys >= 3, "the vocabulary is kept: " + a.metadata().keySet());
        assertEquals("text", b.metadata().get(Checkpoint.DATA_PREFIX + "format"));
    }

    @Test
    void textForAModelThatIsNotALanguageModelIsRefused() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, "abc abc abc\n");
        assertEquals(1, run("train", "src/test/resources/tiny_series.rnn", "--data", corpus.toString(), "--spark", "local[1]"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("error: " + corpus + ": text trains a language model"), e);
        assertFalse(e.contains("\tat "), e);
    }
}
