package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * MNIST, and any IDX image set ({@link #loadImageSet}), in its official IDX format, raw or gzipped (told apart by the gzip magic bytes, not by the
 * file name). Images are IDX3 unsigned bytes ({@code 0x00000803}, count, rows, columns), labels
 * IDX1 unsigned bytes ({@code 0x00000801}, count). Pixels are kept as bytes and scaled to [0, 1] as
 * {@code (float) b / 255f} when read, exactly as torchvision's {@code ToTensor} does.
 */
public final class Mnist {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    /** Images as stored: {@code count × rows × cols} unsigned bytes, row-major. */
    public record Images(String source, int count, int rows, int cols, byte[] pixels) {
        /** Pixel {@code (r, c)} of image {@code i}, scaled to [0, 1]. */
        public float pixel(int i, int r, int c) {
            return scale(pixels[(i * rows + r) * cols + c]);
        }

        /** Image {@code i} as floats in [0, 1], row-major. */
        public float[] image(int i) {
            int n = rows * cols;
            float[] out = new float[n];
            for (int k = 0; k < n; k++) {
                out[k] = scale(pixels[i * n + k]);
            }
            return out;
        }
    }

    private Mnist() {
    }

    static float scale(byte b) {
        return (b & 0xff) / 255f;
    }

    /** Reads an IDX3 image file. */
    public static Images readImages(Path file) {
        String where = file.toString();
        try (InputStream in = open(file)) {
            int magic = readInt(in, where, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new RnncIoException(where + ": not an IDX image file: magic number 0x" + hex(magic)
                        + ", expected 0x00000803 (unsigned bytes, 3 dimensions)"
                        + (magic == LABELS_MAGIC ? "; this looks like a label file" : ""));
            }
            int count = readInt(in, where, "image count");
            int rows = readInt(in, where, "row count");
            int cols = readInt(in, where, "column count");
            if (count < 0 || rows < 1 || cols < 1 || (long) count * rows * cols > Integer.MAX_VALUE - 16) {
                throw new RnncIoException(where + ": implausible IDX header: " + count + " images of " + rows + "×" + cols);
            }
            int per = rows * cols;
            byte[] pixels = new byte[count * per];
            int got = readFully(in, pixels, where);
            if (got < pixels.length) {
                throw new RnncIoException(where + ": truncated IDX file: header says " + count + " images, found "
                        + got / per + (got % per == 0 ? "" : " and " + got % per + " bytes of the next"));
            }
            checkEnd(in, where, count + " images");
            return new Images(where, count, rows, cols, pixels);
        } catch (IOException e) {
            throw new RnncIoException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads an IDX1 label file; values are 0..255. */
    public static int[] readLabels(Path file) {
        String where = file.toString();
        try (InputStream in = open(file)) {
            int magic = readInt(in, where, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new RnncIoException(where + ": not an IDX label file: magic number 0x" + hex(magic)
                        + ", expected 0x00000801 (unsigned bytes, 1 dimension)"
                        + (magic == IMAGES_MAGIC ? "; this looks like an image file" : ""));
            }
            int count = readInt(in, where, "label count");
            if (count < 0 || count > Integer.MAX_VALUE - 16) {
                throw new RnncIoException(where + ": implausible IDX header: " + count + " labels");
            }
            byte[] raw = new byte[count];
            int got = readFully(in, raw, where);
            if (got < count) {
                throw new RnncIoException(where + ": truncated IDX file: header says " + count + " labels, found " + got);
            }
            checkEnd(in, where, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw new RnncIoException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Images and labels as a dataset for the seed model: features {@code [28, 28]} per sample (row t is
     * pixel row t, the input of step t), one class 0..9.
     */
    public static MnistDataset load(Path images, Path labels) {
        Images im = readImages(images);
        int[] lab = readLabels(labels);
        if (im.count() != lab.length) {
            throw new RnncIoException(images + " holds " + im.count() + " images but " + labels + " holds "
                    + lab.length + " labels");
        }
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] > 9) {
                throw new RnncIoException(labels + ": label " + i + " is " + lab[i] + ", not a digit 0-9");
            }
        }
        return new MnistDataset(im, lab);
    }

    /**
     * Any IDX image set with its labels (Fashion-MNIST, EMNIST, KMNIST, ...): images IDX3 unsigned bytes of any size,
     * labels IDX1 unsigned bytes; the classes are {@code 0 .. max label} (a head of at least that many outputs).
     * Row t of an image is the input of step t: the model reads {@code sequence rows} steps of {@code input cols}.
     */
    public static MnistDataset loadImageSet(Path images, Path labels) {
        Images im = readImages(images);
        int[] lab = readLabels(labels);
        if (im.count() != lab.length) {
            throw new RnncIoException(images + " holds " + im.count() + " images but " + labels + " holds "
                    + lab.length + " labels");
        }
        if (lab.length == 0) {
            throw new RnncIoException(labels + ": no labels (the header's count is 0)");
        }
        int max = 0;
        for (int l : lab) {
            max = Math.max(max, l);
        }
        return new MnistDataset(im, lab, max + 1, "IDX images (" + im.source() + ")");
    }

    /**
     * The training ({@code train-*}) or test ({@code t10k-*}) half of the official files in {@code dir},
     * gzipped ({@code .gz}) or not.
     */
    public static MnistDataset loadDirectory(Path dir, boolean train) {
        String prefix = train ? "train" : "t10k";
        return load(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"));
    }

    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new RnncIoException(dir + ": no " + name + " or " + name + ".gz (the official MNIST files; "
                + "samples/mnist/fetch-mnist.sh fetches them)");
    }

    /** MNIST as a {@link Dataset}: features [rows, cols] in [0, 1], one class per sample. */
    public static final class MnistDataset implements Dataset {
        private final Images images;
        private final int[] labels;
        private final int classes;
        private final SampleLayout layout;

        MnistDataset(Images images, int[] labels) {
            this(images, labels, 10, "MNIST images (" + images.source() + ")");
        }

        MnistDataset(Images images, int[] labels, int classes, String description) {
            this.images = images;
            this.labels = labels;
            this.classes = classes;
            this.layout = new SampleLayout(false, new int[] {images.rows(), images.cols()}, 0, true, new int[] {1}, classes,
                    description);
        }

        /** Number of classes, {@code 0 .. classes-1}. */
        public int classes() {
            return classes;
        }

        /**
         * The same images the other way round, for a one_to_many model that draws: the input is the label one-hot
         * (features {@code [classes]}), the targets the image's rows in [0, 1] (floats {@code [rows, cols]}: step t
         * outputs row t), for a {@code sigmoid} head with {@code bce} or {@code mse}.
         */
        public Dataset drawing() {
            MnistDataset self = this;
            SampleLayout drawn = new SampleLayout(false, new int[] {classes}, 0, false, new int[] {images.rows(), images.cols()}, 0,
                    layout.description().replaceFirst(" \\(", " to draw ("));
            return new Dataset() {
                @Override
                public int size() {
                    return self.size();
                }

                @Override
                public SampleLayout layout() {
                    return drawn;
                }

                @Override
                public void fill(int index, Batch batch, int slot) {
                    java.util.Arrays.fill(batch.features, slot * classes, (slot + 1) * classes, 0.0);
                    batch.features[slot * classes + labels[index]] = 1.0;
                    int per = images.rows() * images.cols();
                    byte[] px = images.pixels();
                    for (int k = 0; k < per; k++) {
                        batch.targets[slot * per + k] = scale(px[index * per + k]);
                    }
                }
            };
        }

        public Images images() {
            return images;
        }

        public int label(int i) {
            return labels[i];
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public SampleLayout layout() {
            return layout;
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            int per = images.rows() * images.cols();
            byte[] px = images.pixels();
            double[] f = batch.features;
            int src = index * per;
            int dst = slot * per;
            for (int k = 0; k < per; k++) {
                f[dst + k] = scale(px[src + k]);
            }
            batch.classes[slot] = labels[index];
        }
    }

    // ------------------------------------------------------------------------------------ IDX plumbing

    private static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new RnncIoException(file + ": no such file", e);
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
            } catch (ZipException | EOFException e) {
                raw.close();
                throw new RnncIoException(file + ": corrupt gzip data: " + e.getMessage(), e);
            }
        }
        return raw;
    }

    private static int readInt(InputStream in, String where, String what) throws IOException {
        byte[] b = new byte[4];
        if (readFully(in, b, where) < 4) {
            throw new RnncIoException(where + ": truncated IDX file: it ends inside the header (" + what + ")");
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** Reads until {@code buf} is full or the data ends; a gzip stream that ends early counts as the end. */
    private static int readFully(InputStream in, byte[] buf, String where) throws IOException {
        int got = 0;
        try {
            while (got < buf.length) {
                int n = in.read(buf, got, buf.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (EOFException e) {
            // GZIPInputStream: "Unexpected end of ZLIB input stream": a cut-off .gz file; report what we got.
        } catch (ZipException e) {
            throw new RnncIoException(where + ": corrupt gzip data: " + e.getMessage(), e);
        }
        return got;
    }

    private static void checkEnd(InputStream in, String where, String what) throws IOException {
        long extra = 0;
        try {
            extra = in.skip(Long.MAX_VALUE);
            while (in.read() >= 0) {
                extra += 1 + in.skip(Long.MAX_VALUE);
            }
        } catch (EOFException | ZipException e) {
            throw new RnncIoException(where + ": corrupt gzip data after the " + what + ": " + e.getMessage(), e);
        }
        if (extra > 0) {
            throw new RnncIoException(where + ": " + extra + " unexpected bytes after the " + what + " the header announces");
        }
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
