package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.train.SoftmaxModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistTest {

    static final Path DATA = Path.of("src/test/resources/data/mnist");
    static final int[] FIRST20 = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4};

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    @Test
    void readsRealImagesRawAndGzippedAlike() {
        Mnist.Images raw = Mnist.readImages(DATA.resolve("t10k-first20-images-idx3-ubyte"));
        Mnist.Images gz = Mnist.readImages(DATA.resolve("t10k-first20-images-idx3-ubyte.gz"));
        assertEquals(20, raw.count());
        assertEquals(28, raw.rows());
        assertEquals(28, raw.cols());
        assertArrayEquals(raw.pixels(), gz.pixels());
        // Row 7 of the first test image (a 7) begins 0 x6, 84, 185, 159, 151, 60, 36, then zeros.
        assertEquals(0f, raw.pixel(0, 7, 5));
        assertEquals(84 / 255f, raw.pixel(0, 7, 6));
        assertEquals(185 / 255f, raw.pixel(0, 7, 7));
        assertEquals(36 / 255f, raw.pixel(0, 7, 11));
        float[] img = raw.image(0);
        float max = 0;
        for (float v : img) {
            assertTrue(v >= 0 && v <= 1);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
        assertArrayEquals(FIRST20, Mnist.readLabels(DATA.resolve("t10k-first20-labels-idx1-ubyte")));
        assertArrayEquals(FIRST20, Mnist.readLabels(DATA.resolve("t10k-first20-labels-idx1-ubyte.gz")));
    }

    @Test
    void datasetFillsSeedModelShapedBatches() {
        Mnist.MnistDataset d = Mnist.load(DATA.resolve("t10k-first20-images-idx3-ubyte.gz"), DATA.resolve("t10k-first20-labels-idx1-ubyte"));
        SoftmaxModel seedShaped = new SoftmaxModel(28, 28, 10, 64, 1e-3);
        ModelInfo info = seedShaped.info();
        d.layout().checkFits(info);
        assertArrayEquals(new int[] {28, 28}, d.layout().inputShape());
        Batch b = Batch.forModel(info, 4);
        d.fill(0, b, 2);
        assertEquals(7, b.classes[2]);
        // features [B, 28, 28]: slot 2, row t = 7, column 6
        assertEquals(84 / 255f, (float) b.features[2 * 784 + 7 * 28 + 6]);
        assertEquals((double) (84 / 255f), b.features[2 * 784 + 7 * 28 + 6], "float scaling, as ToTensor");
        // The wrong model gets a clear message.
        SoftmaxModel wrong = new SoftmaxModel(28, 27, 10, 64, 1e-3);
        assertEquals("MNIST images (" + DATA.resolve("t10k-first20-images-idx3-ubyte.gz") + ") do not fit model SoftmaxModel:\n"
                + "  inputs: the data gives features [28, 28], the model expects 756 features (28 steps of 27)", error(() -> d.layout().checkFits(wrong.info())));
    }

    @Test
    void corruptFilesGiveTheirMessages() {
        Path truncated = DATA.resolve("truncated-images-idx3-ubyte");
        assertEquals(truncated + ": truncated IDX file: header says 20 images, found 13 and 300 bytes of the next",
                error(() -> Mnist.readImages(truncated)));
        Path badMagic = DATA.resolve("bad-magic-images-idx3-ubyte");
        assertEquals(badMagic + ": not an IDX image file: magic number 0x08030000, expected 0x00000803 (unsigned bytes, 3 dimensions)",
                error(() -> Mnist.readImages(badMagic)));
        Path labels = DATA.resolve("t10k-first20-labels-idx1-ubyte");
        assertEquals(labels + ": not an IDX image file: magic number 0x00000801, expected 0x00000803 (unsigned bytes, 3 dimensions); this looks like a label file",
                error(() -> Mnist.readImages(labels)));
        Path badLabel = DATA.resolve("bad-label-labels-idx1-ubyte");
        assertEquals(badLabel + ": label 5 is 42, not a digit 0-9",
                error(() -> Mnist.load(DATA.resolve("t10k-first20-images-idx3-ubyte"), badLabel)));
        Path cutGzip = DATA.resolve("truncated-gzip-images-idx3-ubyte.gz");
        String m = error(() -> Mnist.readImages(cutGzip));
        assertTrue(m.startsWith(cutGzip + ": truncated IDX file: header says 20 images, found "), m);
        Path missing = DATA.resolve("nope");
        assertEquals(missing + ": no such file", error(() -> Mnist.readImages(missing)));
    }

    @Test
    void countMismatchAndTrailingBytes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] labels = Files.readAllBytes(DATA.resolve("t10k-first20-labels-idx1-ubyte"));
        Path fewer = dir.resolve("labels19");
        byte[] b = java.util.Arrays.copyOf(labels, labels.length - 1);
        b[7] = 19;
        Files.write(fewer, b);
        Path images = DATA.resolve("t10k-first20-images-idx3-ubyte");
        assertEquals(images + " holds 20 images but " + fewer + " holds 19 labels", error(() -> Mnist.load(images, fewer)));
        Path longer = dir.resolve("labels+3");
        Files.write(longer, java.util.Arrays.copyOf(labels, labels.length + 3));
        assertEquals(longer + ": 3 unexpected bytes after the 20 labels the header announces", error(() -> Mnist.readLabels(longer)));
    }

    /** The shipped full data set: the official files, intact. */
    @Test
    void shippedMnistIsTheOfficialData() throws Exception {
        Path shipped = Path.of("../samples/mnist/data");
        assertEquals("2646ac647ad5339dbf082846283269ea", md5(shipped.resolve("t10k-images-idx3-ubyte.gz")));
        assertEquals("27ae3e4e09519cfbb04c329615203637", md5(shipped.resolve("t10k-labels-idx1-ubyte.gz")));
        Mnist.MnistDataset test = Mnist.loadDirectory(shipped, false);
        assertEquals(10_000, test.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(FIRST20[i], test.label(i));
        }
        Mnist.MnistDataset train = Mnist.loadDirectory(shipped, true);
        assertEquals(60_000, train.size());
        assertEquals(5, train.label(0));
    }

    static String md5(Path gz) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(in.readAllBytes()));
        }
    }
}
