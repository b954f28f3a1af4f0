package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.data.StreamBatches;
import io.rnnc.runtime.data.TextCorpus;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.state.StatefulModel;
import io.rnnc.runtime.train.Trainer;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stateful training on a text stream (issue 13, item 4, from the command line): the trainer's stream mode is exactly
 * StreamBatches' chunk loop (state reset at chunk 0, carried after), and 'rnnc train' uses it for a stateful spec.
 */
class StreamTrainingTest {

    static final String SPEC = TrainOnFilesTest.testSpec("stateful_chars.rnn");

    @TempDir
    Path dir;

    private static RnnModel model() {
        return Specs.instantiate(Specs.model(Path.of(SPEC), null, new PrintWriter(Writer.nullWriter())));
    }

    @Test
    void theTrainersStreamModeIsTheChunkLoopOfStreamBatches() {
        TextCorpus text = TextCorpus.read(Path.of(TrainOnFilesTest.data("text.txt")), Vocabulary.Tokens.CHARS);
        StreamBatches stream = StreamBatches.nextTokens(text.ids(), 4, 16, StreamBatches.Tail.DROP);
        assertTrue(stream.chunks() > 3, "several chunks: " + stream.chunks());

        RnnModel viaTrainer = model();
        viaTrainer.initialize(7);
        Trainer.Result r = new Trainer(viaTrainer, stream.asDataset("text"), null,
                new Trainer.Options(2, 4, 7, null).withStream(), null).run();
        assertTrue(r.completed());

        RnnModel byHand = model();
        byHand.initialize(7);
        Batch batch = Batch.forModel(byHand.info(), 4);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int j = 0; j < stream.chunks(); j++) {
                if (stream.fill(j, batch) == StreamBatches.Start.RESET_STATE) {
                    ((StatefulModel) byHand).resetState();
                }
                byHand.trainStep(batch);
            }
        }
        for (TensorInfo t : byHand.info().parameters()) {
            assertArrayEquals(byHand.parameters().copyOut(t.name()), viaTrainer.parameters().copyOut(t.name()), t.name());
        }

        // and the carried state matters: the same chunks shuffled as independent windows train other weights
        RnnModel shuffled = model();
        shuffled.initialize(7);
        new Trainer(shuffled, stream.asDataset("text"), null, new Trainer.Options(2, 4, 7, null), null).run();
        String name = byHand.info().parameters().get(0).name();
        assertFalse(java.util.Arrays.equals(byHand.parameters().copyOut(name), shuffled.parameters().copyOut(name)));
    }

    @Test
    void trainOnAStatefulSpecReadsTheTextAsOneStream() throws Exception {
        Cli c = Cli.run("train", SPEC, "--data", TrainOnFilesTest.data("text.txt"), "--split", "0.9,0.1", "--epochs", "2",
                "--checkpoint", dir.resolve("ck.safetensors").toString(), "--chart", dir.resolve("c.png").toString(),
                "--progress", "none");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().matches("(?s).*data: text \\(one stream of [\\d,]+ tokens in 4 rows of [\\d,]+, [\\d,]+ chunks of 16 "
                + "steps each, the state carried\\).*"), c.out());
        assertTrue(c.out().contains("epoch 2/2: train loss"), c.out());
        assertTrue(c.out().contains("validation perplexity"), c.out());
        assertTrue(Files.isRegularFile(dir.resolve("ck.safetensors")));
        // the checkpoint serves generate like any language model's
        Cli g = Cli.run("generate", SPEC, "--checkpoint", dir.resolve("ck.safetensors").toString(), "--prime", "The ",
                "--length", "10", "--temperature", "0");
        assertEquals(0, g.exit(), g.toString());
        assertTrue(g.out().startsWith("The "), g.out());
    }

    @Test
    void aStatefulSpecRefusesDataThatIsNotOneStream() {
        Cli c = Cli.run("train", SPEC, "--data", TrainOnFilesTest.data("text.txt"), "--stride", "4", "--checkpoint",
                dir.resolve("ck.safetensors").toString(), "--progress", "none");
        assertEquals(1, c.exit(), c.toString());
        assertTrue(c.err().contains("a stateful model reads its text as consecutive chunks (no --stride)"), c.err());
        assertFalse(Files.exists(dir.resolve("ck.safetensors")));
    }
}
