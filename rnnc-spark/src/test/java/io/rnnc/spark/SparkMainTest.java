package io.rnnc.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rnnc-spark command: a run on local[2] from the README line, and user errors as one message with exit code 1. */
class SparkMainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSeedModelTrainsOnLocal2AndWritesItsCheckpoint() {
        Path ckpt = dir.resolve("MnistRnn.safetensors");
        int code = run("train", "../samples/mnist/mnist_rnn.rnn", "--data", "../samples/mnist/data", "--spark", "local[2]",
                "--epochs", "1", "--train-limit", "640", "--test-limit", "200", "--checkpoint", ckpt.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err());
        assertTrue(text.contains("synchronous (bit-identical to one machine)"), text);
        assertTrue(text.contains("test accuracy: "), text);
        assertTrue(Files.isRegularFile(ckpt));
    }

    @Test
    void aBadCsvLineIsAUserErrorNamingTheLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        StringBuilder good = new StringBuilder("3");
        for (int i = 0; i < 784; i++) {
            good.append(",0.5");
        }
        Files.writeString(csv, "# label, pixels\n" + good + "\n" + good + "\n7,0.5,0.5\n");
        int code = run("train", "../samples/mnist/mnist_rnn.rnn", "--data", csv.toString(), "--spark", "local[1]",
                "--epochs", "1", "--checkpoint", dir.resolve("c.safetensors").toString());
        assertEquals(1, code, err());
        assertTrue(err().startsWith("error: " + csv + ", sample 3: 3 values, but model MnistRnn reads 1 target class id then 784"),
                err());
        assertFalse(err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void flagsAreCheckedBeforeSparkStarts() {
        // --spark without a master, before the spec: the spec is not taken for a master
        assertEquals(1, run("train", "--spark", "../samples/mnist/mnist_rnn.rnn", "--data", "x", "--strategy", "gossip"));
        assertTrue(err().contains("--strategy gossip: one of sync, average"), err());
        assertEquals(1, run("train", "nope.rnn", "--data", "x"));
        assertTrue(err().contains("nope.rnn: no such file"), err());
        assertEquals(1, run("train", "../samples/mnist/mnist_rnn.rnn", "--data", "../samples/mnist/data", "--batch", "65"));
        assertTrue(err().contains("--batch 65 is larger than model MnistRnn is sized for (64)"), err());
        assertEquals(0, run("help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: rnnc-spark train SPEC --data PATH"));
    }
}
