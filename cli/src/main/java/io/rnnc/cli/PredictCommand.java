package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.Mnist;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rnnc predict SPEC --checkpoint FILE --input FILE}: run a trained model on images. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a trained model on new inputs.", "",
                "Reads the inputs as the checkpoint's data settings say (format, vocabulary, labels, normalisation),",
                "from --input FILE or stdin, and writes one prediction per input as text, CSV or JSON (--output):",
                "  labelled sequences: one sequence per line (text, numbers, or a JSON object) -> the class and its",
                "    probability, or a class per step for a tagger;",
                "  text (a language model): one line each -> the most likely next tokens (a many_to_one model reads",
                "    the line's last `sequence` tokens, the window it was trained on);",
                "  pairs (an encoder-decoder): one source per line -> the output sequence (greedy, or --beam W);",
                "  series: a CSV with the training columns -> the forecast after its last `sequence` rows, in data units;",
                "  table: a CSV with the input columns -> each row's class or values;",
                "  images (MNIST): an IDX image file (raw or .gz) or a PNG of a digit (any size, light on dark or the",
                "    reverse; scaled to the model's rows x columns) -> class and probabilities.",
                "SPEC is the spec the checkpoint was trained from."})
final class PredictCommand extends ModelCommand {

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "trained weights (safetensors)")
    Path checkpoint;

    @Option(names = "--force", description = {"load a checkpoint written for another model or another spec of this one",
            "by tensor names and shapes only"})
    boolean force;

    @Option(names = "--input", paramLabel = "FILE", description = "the inputs (default: stdin; images need a file)")
    Path input;

    @Option(names = "--output", paramLabel = "KIND", defaultValue = "text", description = "text, csv or json (default: ${DEFAULT-VALUE})")
    String output;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "language model: next tokens to list (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--beam", paramLabel = "W", description = "encoder-decoder: beam search of width W (default: greedy)")
    Integer beam;

    @Option(names = "--truncate", description = "keep the first `sequence` steps of longer inputs instead of failing")
    boolean truncate;

    @Option(names = "--index", paramLabel = "I", defaultValue = "0", description = "first image of an IDX file (default: 0)")
    int index;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "images of an IDX file (default: 1)")
    int count;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (index < 0) {
            throw new UserException("--index must be 0 or more, got " + index);
        }
        Flags.positive("--count", count);
        Flags.positive("--top", top);
        Predictions.Kind kind = Predictions.Kind.parse(output);
        Trained trained = Trained.load(this, checkpoint, force);
        RnnModel net = trained.net();
        ModelInfo info = net.info();
        if (trained.data() != null && trained.data().format() != io.rnnc.runtime.data.DataFormat.IDX) {
            new Predictions(trained, kind, out, input, in(), truncate, top, beam).run();
            out.flush();
            return Main.OK;
        }
        if (info.mode().equals("one_to_many")) {
            throw new UserException("model " + info.name() + " is one_to_many: it generates from one input; use "
                    + "rnnc generate SPEC --checkpoint " + checkpoint + " --label K (or --features V,V,...)");
        }
        if (input == null) {
            throw new UserException("--input FILE: an IDX image file or a PNG (images are not read from stdin)");
        }
        if (info.tokenInputs() || !info.classTargets() || info.outputSteps() != 1) {
            throw new UserException("predict reads images and prints one class each; model " + info.name()
                    + " takes " + (info.tokenInputs() ? "tokens" : "features") + " and predicts "
                    + (info.classTargets() ? info.outputSteps() + " classes per sample" : "values")
                    + (trained.data() == null ? ", and " + checkpoint + " holds no data settings to read other inputs with" : ""));
        }
        int rows = info.inputSteps();
        int cols = info.inputSize();
        float[][] images = isPng(input) ? new float[][] {png(input, rows, cols)} : idx(input, rows, cols);
        Batch batch = Batch.forModel(info);
        double[] probs = new double[info.maxBatch() * info.logitsPerSample()];
        int o = info.outputs();
        for (int start = 0; start < images.length; start += info.maxBatch()) {
            int n = Math.min(info.maxBatch(), images.length - start);
            batch.setSize(n);
            for (int i = 0; i < n; i++) {
                float[] im = images[start + i];
                for (int k = 0; k < im.length; k++) {
                    batch.features[i * im.length + k] = im[k];
                }
            }
            net.forward(batch);
            net.copyOutputs(probs);
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int k = 1; k < o; k++) {
                    if (probs[i * o + k] > probs[i * o + best]) {
                        best = k;
                    }
                }
                String label = isPng(input) ? input.getFileName().toString() : "image " + (index + start + i);
                if (kind == Predictions.Kind.JSON) {
                    java.util.Map<String, Object> j = new java.util.LinkedHashMap<>();
                    j.put("input", label);
                    j.put("class", best);
                    j.put("p", probs[i * o + best]);
                    java.util.List<Object> ps = new java.util.ArrayList<>();
                    for (int k = 0; k < o; k++) {
                        ps.add(probs[i * o + k]);
                    }
                    j.put("probabilities", ps);
                    out.println(JsonOut.write(j));
                    continue;
                }
                if (kind == Predictions.Kind.CSV) {
                    if (start + i == 0) {
                        out.println("input,class,p");
                    }
                    out.println(Predictions.csv(label) + "," + best + String.format(Locale.ROOT, ",%.6f", probs[i * o + best]));
                    continue;
                }
                StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: %d (p=%.3f)  [", label, best,
                        probs[i * o + best]));
                for (int k = 0; k < o; k++) {
                    s.append(String.format(Locale.ROOT, "%s%d: %.3f", k == 0 ? "" : "  ", k, probs[i * o + k]));
                }
                out.println(s.append(']'));
            }
        }
        out.flush();
        return Main.OK;
    }

    private float[][] idx(Path file, int rows, int cols) {
        Mnist.Images im = Mnist.readImages(file);
        if (im.rows() != rows || im.cols() != cols) {
            throw new UserException(file + " holds " + im.rows() + "x" + im.cols() + " images; the model reads " + rows
                    + " steps of " + cols);
        }
        if (index >= im.count()) {
            throw new UserException("--index " + index + " is past the last image of " + file + " (" + im.count() + " images)");
        }
        int n = Math.min(count, im.count() - index);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = im.image(index + i);
        }
        return out;
    }

    private static boolean isPng(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && (magic[0] & 0xff) == 0x89 && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G';
        } catch (NoSuchFileException e) {
            throw new UserException("--input " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UserException("--input " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * A PNG as the model sees MNIST: grey levels in [0, 1], the digit bright on a dark background
     * (inverted if the border is light), scaled to rows x columns.
     */
    static float[] png(Path file, int rows, int cols) {
        BufferedImage src;
        try {
            src = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UserException("--input " + file + ": not a readable PNG: " + e.getMessage(), e);
        }
        if (src == null) {
            throw new UserException("--input " + file + ": not a readable PNG");
        }
        BufferedImage grey = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, cols, rows); // transparent pixels count as paper
        g.drawImage(src, 0, 0, cols, rows, null);
        g.dispose();
        float[] px = new float[rows * cols];
        double border = 0;
        int borderCount = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = grey.getRaster().getSample(c, r, 0);
                px[r * cols + c] = v / 255f;
                if (r == 0 || c == 0 || r == rows - 1 || c == cols - 1) {
                    border += v;
                    borderCount++;
                }
            }
        }
        if (border / borderCount > 127) {
            for (int i = 0; i < px.length; i++) {
                px[i] = 1f - px[i];
            }
        }
        return px;
    }
}
