package io.rnnc.cli;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.io.AtomicFile;
import io.rnnc.runtime.train.Metrics;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rnnc eval SPEC --checkpoint FILE --data PATH}: the task's measures on data, and a confusion matrix. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures a trained model on data: the measures train reports, and a confusion matrix.", "",
                "Reads --data with the settings the checkpoint kept (format, vocabulary, labels, normalisation),",
                "so only the spec and the checkpoint are needed. Classification and tagging also print the",
                "per-class F1 and the confusion matrix (rows: the true class, columns: the predicted one) and draw",
                "it as a PNG. For MNIST, --data is the directory and the t10k files are measured."},
        footer = {"", "Example: rnnc eval samples/mnist/mnist_rnn.rnn --checkpoint rnnc-out/MnistRnn.safetensors --data samples/mnist/data"})
final class EvalCommand extends ModelCommand {

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "trained weights (safetensors)")
    Path checkpoint;

    @Option(names = "--force", description = "load a checkpoint of another model or spec by tensor names and shapes only")
    boolean force;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--limit", paramLabel = "N", description = "measure the first N samples only")
    Integer limit;

    @Option(names = "--confusion", paramLabel = "FILE", description = "PNG of the confusion matrix (default: rnnc-out/<Model>-confusion.png)")
    Path confusionPng;

    @Option(names = "--json", description = "print the measures as one JSON object")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--progress", paramLabel = "KIND",
            description = "on stderr after the first second: bar (redrawn in place), lines or none; default: bar on a terminal, else lines")
    Progress.Kind progress;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (dataOptions.data == null) {
            throw new UserException("no data to measure: give --data PATH");
        }
        if (limit != null) {
            Flags.positive("--limit", limit);
        }
        if (dataOptions.split != null || dataOptions.validation != null || dataOptions.test != null) {
            throw new UserException("--split, --validation and --test are for train; eval measures all of --data");
        }
        int asked = threads.asked(Runtime.getRuntime().availableProcessors());
        Trained trained = Trained.load(this, checkpoint, force);
        RnnModel net = trained.net();
        ModelInfo info = net.info();
        ThreadsOption.apply(net, asked, json ? new PrintWriter(java.io.Writer.nullWriter()) : out);
        DataMetadata meta = trained.data();
        DataFormat format = meta != null ? meta.format() : Files.isDirectory(dataOptions.data) ? DataFormat.IDX : null;
        if (format == null) {
            trained.requireData(checkpoint, "reading " + dataOptions.data);
        }
        Dataset data;
        Metrics.Forecast forecast = null;
        if (format == DataFormat.IDX) {
            if (!Files.isDirectory(dataOptions.data)) {
                throw new UserException("--data " + dataOptions.data + ": not a directory of IDX files");
            }
            Mnist.MnistDataset test = Mnist.loadDirectory(dataOptions.data, false);
            data = info.mode().equals("one_to_many") ? test.drawing() : test;
        } else {
            data = TrainingData.measure(net, meta, trained.rawData(), dataOptions, dataOptions.data);
            if (format == DataFormat.SERIES) {
                forecast = TrainingData.forecast(meta.norm().names(), meta.series(), meta.norm());
            }
        }
        if (limit != null) {
            data = Datasets.head(data, limit);
        }
        Metrics.Task task = Metrics.Task.of(info, format);
        Ticker ticker = new Ticker(err(), Ticker.kind(progress), "eval", data.size(), "samples", System::nanoTime);
        Metrics.Result r = Metrics.of(net, data, task, forecast, ticker::update);
        ticker.finish();
        List<String> names = classNames(info, meta);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", info.name());
            j.put("samples", r.samples());
            j.put("loss", r.loss());
            j.putAll(r.values());
            if (r.f1() != null) {
                Map<String, Object> f1 = new LinkedHashMap<>();
                for (int k = 0; k < names.size(); k++) {
                    f1.put(names.get(k), r.f1()[k]);
                }
                j.put("f1", f1);
                List<Object> rows = new ArrayList<>();
                for (int k = 0; k < names.size(); k++) {
                    List<Object> row = new ArrayList<>();
                    for (int p = 0; p < names.size(); p++) {
                        row.add(r.confusion()[k][p]);
                    }
                    rows.add(row);
                }
                j.put("confusion", rows);
                j.put("classes", names);
            }
            out.println(JsonOut.write(j));
        } else {
            out.printf(Locale.ROOT, "%s on %,d samples of %s: %s%n", info.name(), r.samples(), dataOptions.data,
                    Measures.line(r.loss(), r.values()));
            if (r.confusion() != null) {
                printConfusion(out, r, names);
            }
        }
        if (r.confusion() != null) {
            Path png = confusionPng != null ? confusionPng : Path.of("rnnc-out", info.name() + "-confusion.png");
            try {
                Files.createDirectories(png.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UserException("cannot create directory " + png.toAbsolutePath().getParent() + ": " + e.getMessage(), e);
            }
            drawConfusion(png, info.name(), r.confusion(), names);
            if (!json) {
                out.println("confusion matrix: " + png);
            }
        }
        out.flush();
        return Main.OK;
    }

    /** Class names: the checkpoint's labels, else the class ids; only the classes the data or the head can hold. */
    static List<String> classNames(ModelInfo info, DataMetadata meta) {
        List<String> names = new ArrayList<>();
        if (meta != null && meta.labels() != null) {
            names.addAll(meta.labels().names());
        } else {
            for (int k = 0; k < info.outputs(); k++) {
                names.add(Integer.toString(k));
            }
        }
        return names;
    }

    private static void printConfusion(PrintWriter out, Metrics.Result r, List<String> names) {
        int n = names.size();
        out.println("per-class F1:");
        for (int k = 0; k < n; k++) {
            long support = 0;
            for (long v : r.confusion()[k]) {
                support += v;
            }
            out.printf(Locale.ROOT, "  %-12s %s  (%d samples)%n", names.get(k), Measures.value("f1", r.f1()[k]), support);
        }
        if (n > 30) {
            out.println("confusion matrix: " + n + " classes, too many for text; see the PNG or --json");
            return;
        }
        int w = 6;
        for (String s : names) {
            w = Math.max(w, Math.min(12, s.length()) + 1);
        }
        for (long[] row : r.confusion()) {
            for (long v : row) {
                w = Math.max(w, Long.toString(v).length() + 1);
            }
        }
        out.println("confusion matrix (rows: true class, columns: predicted):");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%" + w + "s", ""));
        for (String s : names) {
            head.append(String.format(Locale.ROOT, "%" + w + "s", cut(s)));
        }
        out.println(head);
        for (int k = 0; k < n; k++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%" + w + "s", cut(names.get(k))));
            for (int p = 0; p < n; p++) {
                row.append(String.format(Locale.ROOT, "%" + w + "d", r.confusion()[k][p]));
            }
            out.println(row);
        }
    }

    private static String cut(String s) {
        return s.length() > 11 ? s.substring(0, 11) : s;
    }

    /** The matrix as a heat map: each row shaded by its share of the row's samples, the counts written in. */
    static void drawConfusion(Path file, String title, long[][] confusion, List<String> names) {
        int n = names.size();
        int cell = Math.max(18, Math.min(48, 640 / Math.max(1, n)));
        int left = 110;
        int top = 60;
        int width = left + n * cell + 20;
        int height = top + n * cell + 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + ": confusion matrix (rows: true, columns: predicted)", 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(12, cell / 3))));
        for (int k = 0; k < n; k++) {
            long total = 0;
            for (int p = 0; p < n; p++) {
                total += confusion[k][p];
            }
            g.setColor(Color.BLACK);
            g.drawString(cut(names.get(k)), 10, top + k * cell + cell / 2 + 4);
            g.drawString(cut(names.get(k)), left + k * cell + 2, top - 6);
            for (int p = 0; p < n; p++) {
                double share = total == 0 ? 0 : (double) confusion[k][p] / total;
                int shade = (int) Math.round(255 * (1 - share));
                g.setColor(k == p ? new Color(shade, 255 - (255 - shade) / 3, shade) : new Color(255, shade, shade));
                g.fillRect(left + p * cell, top + k * cell, cell - 1, cell - 1);
                if (cell >= 24) {
                    g.setColor(share > 0.6 ? Color.WHITE : Color.BLACK);
                    g.drawString(Long.toString(confusion[k][p]), left + p * cell + 3, top + k * cell + cell / 2 + 4);
                }
            }
        }
        g.dispose();
        AtomicFile.write(file, o -> {
            if (!ImageIO.write(image, "png", o)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }
}
