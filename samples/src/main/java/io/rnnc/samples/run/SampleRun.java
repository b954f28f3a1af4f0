package io.rnnc.samples.run;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.CsvSeries;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.Datasets;
import io.rnnc.runtime.data.LabelledSequences;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.data.Pairs;
import io.rnnc.runtime.data.SampleLayout;
import io.rnnc.runtime.data.SeriesWindows;
import io.rnnc.runtime.data.StreamBatches;
import io.rnnc.runtime.data.Splits;
import io.rnnc.runtime.data.TableRows;
import io.rnnc.runtime.data.TextCorpus;
import io.rnnc.runtime.data.TextWindows;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.state.StatefulModel;
import io.rnnc.runtime.train.Trainer;
import io.rnnc.runtime.train.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Trains one sample on its data through the runtime's Java API (the readers, {@link Trainer}, generation) and prints
 * the metric of its task; the last line, {@code result {...}}, is what {@code bench/learning-table.sh} reads. It is
 * what {@code rnnc train} will do for every mode (issue 14), written against the classes rnnc-maven-plugin generated
 * from the samples' specs, so the samples have figures before the command line reads their formats, and it shows a
 * Java user the API.
 *
 * <p>Every many_to_one, many_to_many and encoder-decoder model the compiler generates takes per-sample lengths, so
 * padding is never read. A class generated before that (which refuses a batch carrying lengths) is trained with the
 * lengths cleared, reading the padding as data ("padded"), as the PyTorch scripts do with {@code --padded}. Metrics
 * always count valid positions only.
 *
 * <pre>
 * java -cp samples/target/classes:runtime/target/classes io.rnnc.samples.run.SampleRun names --epochs 10 --seed 0
 * </pre>
 *
 * <p>{@code --save-init FILE} writes the initial weights, for {@code bench/pytorch_samples.py SAMPLE --init FILE
 * --order rnnc} to train from the same start in the same batch order.
 */
public final class SampleRun {

    /** The root of the samples (the folder holding {@code names/}, {@code forecast/}, ...). */
    private final Path root;
    private final int epochs;
    private final long seed;
    private final int threads;
    private final Integer trainLimit;
    private final Integer evalLimit;
    private final Path outDir;
    private Path saveInit;
    private final Map<String, Object> result = new LinkedHashMap<>();

    public SampleRun(Path root, int epochs, long seed, int threads, Integer trainLimit, Integer evalLimit, Path outDir) {
        this.root = root;
        this.epochs = epochs;
        this.seed = seed;
        this.threads = threads;
        this.trainLimit = trainLimit;
        this.evalLimit = evalLimit;
        this.outDir = outDir;
    }

    /**
     * Also writes the initial weights (the draw for this seed, PyTorch's names) to {@code file} before training, for
     * {@code bench/pytorch_samples.py --init} to start from the same point.
     */
    public SampleRun saveInitialWeights(Path file) {
        this.saveInit = file;
        return this;
    }

    /** Default epochs per sample: what fits in the 15-minute budget on 2 cores (see each README). */
    public static int defaultEpochs(String sample) {
        return switch (sample) {
            case "char_lm" -> 2;
            case "sunspots" -> 60;
            case "births" -> 20;
            case "air_passengers" -> 15;
            case "g2p" -> 3;
            case "names" -> 8;
            case "sensor" -> 30;
            case "digit_drawer" -> 4;
            case "xor" -> 300;
            default -> throw new IllegalArgumentException("unknown sample '" + sample + "'; the samples are " + SAMPLES);
        };
    }

    static final List<String> SAMPLES = List.of("char_lm", "sunspots", "births", "air_passengers", "g2p", "names", "sensor", "digit_drawer", "xor");

    /** The command line: {@code SAMPLE [--epochs N] [--seed S] [--threads N] [--train-limit N] [--eval-limit N] [--root DIR] [--out DIR]}. */
    public record Options(String sample, int epochs, long seed, int threads, Integer trainLimit, Integer evalLimit, Path root,
                          Path out, Path saveInit) {

        static final String USAGE = "usage: SampleRun SAMPLE [--epochs N] [--seed S] [--threads N] [--train-limit N]"
                + " [--eval-limit N] [--root DIR] [--out DIR] [--save-init FILE]\n  SAMPLE: " + String.join(", ", SAMPLES);

        /** @throws IllegalArgumentException with the usage, for a bad command line */
        public static Options parse(String... args) {
            if (args.length == 0 || args[0].startsWith("-")) {
                throw new IllegalArgumentException(USAGE);
            }
            String sample = args[0];
            int epochs = defaultEpochs(sample);
            long seed = 0;
            int threads = Runtime.getRuntime().availableProcessors();
            Integer trainLimit = null;
            Integer evalLimit = null;
            Path root = Path.of("samples");
            Path out = Path.of("rnnc-out");
            Path saveInit = null;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value\n" + USAGE);
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--train-limit" -> trainLimit = Integer.parseInt(v);
                    case "--eval-limit" -> evalLimit = Integer.parseInt(v);
                    case "--root" -> root = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    case "--save-init" -> saveInit = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                }
            }
            return new Options(sample, epochs, seed, threads, trainLimit, evalLimit, root, out, saveInit);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        SampleRun run = new SampleRun(o.root(), o.epochs(), o.seed(), o.threads(), o.trainLimit(), o.evalLimit(), o.out())
                .saveInitialWeights(o.saveInit());
        System.out.println("result " + json(run.run(o.sample())));
    }

    /** Trains and evaluates one sample; returns its metrics. */
    public Map<String, Object> run(String sample) throws IOException {
        result.put("sample", sample);
        result.put("seed", seed);
        result.put("epochs", epochs);
        long t0 = System.nanoTime();
        switch (sample) {
            case "char_lm" -> charLm();
            case "sunspots" -> forecast("sunspots", new io.rnnc.samples.forecast.Sunspots(), List.of("sunspots"), 11);
            case "births" -> forecast("births", new io.rnnc.samples.forecast.Births(), List.of("births", "day_of_week"), 7);
            case "air_passengers" -> airPassengers();
            case "g2p" -> g2p();
            case "names" -> names();
            case "sensor" -> sensor();
            case "digit_drawer" -> drawer();
            case "xor" -> xor();
            default -> throw new IllegalArgumentException("unknown sample '" + sample + "'; the samples are " + SAMPLES);
        }
        result.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        return result;
    }

    // ---------------------------------------------------------------- the samples

    private void charLm() {
        RnnModel model = new io.rnnc.samples.charlm.CharLm();
        Path data = root.resolve("char_lm/data");
        TextCorpus train = TextCorpus.read(data.resolve("dickens-train.txt"));
        TextCorpus valid = TextCorpus.read(data.resolve("dickens-valid.txt"), train.vocabulary());
        int steps = model.info().inputSteps();
        int[] ids = train.ids();
        if (trainLimit != null) { // --train-limit N: the first N windows' worth of text (N x T characters)
            ids = Arrays.copyOf(ids, (int) Math.min(ids.length, (long) trainLimit * steps + 1));
        }
        // The book as B parallel streams, chunk j of every stream in batch j: the stateful spec carries each
        // row's state from one chunk to the next (PyTorch's batchify and get_batch, h.detach() between chunks)
        StreamBatches stream = StreamBatches.nextTokens(ids, model.info().maxBatch(), steps, StreamBatches.Tail.KEEP);
        Dataset validSet = evalLimit(new TextWindows(valid, steps, steps, true));
        trainStateful(model, stream, validSet);
        double loss = meanLoss(model, validSet);
        put("valid_bpc", loss / Math.log(2));
        Vocabulary v = train.vocabulary();
        SequenceGenerator gen = (SequenceGenerator) model;
        for (double temperature : new double[] {0.5, 1.0}) {
            int[] out = new int[300];
            int n = gen.generate(v.encode("The "), null, temperature, new Rng(seed), SequenceGenerator.NO_END_TOKEN, out);
            String text = "The " + decode(v, out, n);
            System.out.printf(Locale.ROOT, "%n--- generated at temperature %.1f ---%n%s%n", temperature, text);
            result.put("sample_t" + temperature, text);
        }
    }

    /** Ids to text; an id the data's vocabulary lacks (the spec's is an upper bound) reads U+FFFD. */
    static String decode(Vocabulary v, int[] ids, int n) {
        int[] known = new int[n];
        for (int i = 0; i < n; i++) {
            known[i] = ids[i] < v.size() ? ids[i] : Vocabulary.UNKNOWN;
        }
        return v.decode(known, 0, n);
    }

    private void forecast(String name, RnnModel model, List<String> inputs, int period) {
        CsvSeries series = CsvSeries.read(root.resolve("forecast/data/" + name + ".csv"));
        SeriesWindows.Spec spec = SeriesWindows.Spec.forModel(model.info(), inputs, List.of(name), 1);
        SeriesWindows.Split split = SeriesWindows.split(series, spec, new Splits.Fractions(0.7, 0.1, 0.2));
        train(model, limit(split.train()), split.validation());
        SeriesWindows test = split.test();
        // the one-step-ahead forecast of each test window: its last output (many_to_many) or its only one
        double[] truth = series.column(name);
        int steps = model.info().outputSteps();
        double[] out = outputs(model, test);
        double absErr = 0;
        double sqErr = 0;
        double naiveAbs = 0;
        double naiveSq = 0;
        int n = test.size();
        for (int w = 0; w < n; w++) {
            int row = test.startRow(w) + spec.steps();
            double predicted = test.toDataUnits(out, w * steps + steps - 1, w * steps + steps)[0];
            double actual = truth[row];
            double naive = truth[row - period];
            absErr += Math.abs(predicted - actual);
            sqErr += (predicted - actual) * (predicted - actual);
            naiveAbs += Math.abs(naive - actual);
            naiveSq += (naive - actual) * (naive - actual);
        }
        double[] forecast = new double[n];
        double[] actualRows = new double[n];
        for (int w = 0; w < n; w++) {
            forecast[w] = test.toDataUnits(out, w * steps + steps - 1, w * steps + steps)[0];
            actualRows[w] = truth[test.startRow(w) + spec.steps()];
        }
        // a long test part is unreadable whole: its last 120 rows show the pattern
        int shown = n > 400 ? 120 : n;
        plot(name, Arrays.copyOfRange(forecast, n - shown, n), Arrays.copyOfRange(actualRows, n - shown, n),
                test.startRow(n - shown) + spec.steps());
        put("test_mae", absErr / n);
        put("test_rmse", Math.sqrt(sqErr / n));
        put("naive_mae", naiveAbs / n);
        put("naive_rmse", Math.sqrt(naiveSq / n));
        result.put("test_points", n);
    }

    /**
     * AirPassengers: the network forecasts next month's year-over-year log growth; the metric is in passengers
     * (thousands), the growth turned back with the month a year before ({@code before * exp(growth)}), against the
     * 12-month seasonal-naive forecast (that month a year before, unchanged).
     */
    private void airPassengers() {
        RnnModel model = new io.rnnc.samples.forecast.AirPassengers();
        CsvSeries series = CsvSeries.read(root.resolve("forecast/data/air_passengers.csv"),
                CsvSeries.Options.columns("passengers", "passengers_year_before", "log_growth"));
        SeriesWindows.Spec spec = SeriesWindows.Spec.forModel(model.info(), List.of("log_growth"), List.of("log_growth"), 1);
        SeriesWindows.Split split = SeriesWindows.split(series, spec, new Splits.Fractions(0.7, 0.1, 0.2));
        train(model, limit(split.train()), split.validation());
        SeriesWindows test = split.test();
        double[] passengers = series.column("passengers");
        double[] yearBefore = series.column("passengers_year_before");
        double[] out = outputs(model, test);
        int n = test.size();
        double[] forecast = new double[n];
        double[] actual = new double[n];
        double absErr = 0;
        double sqErr = 0;
        double naiveAbs = 0;
        double naiveSq = 0;
        for (int w = 0; w < n; w++) {
            int row = test.startRow(w) + spec.steps();
            double growth = test.toDataUnits(out, w, w + 1)[0];
            forecast[w] = yearBefore[row] * Math.exp(growth);
            actual[w] = passengers[row];
            absErr += Math.abs(forecast[w] - actual[w]);
            sqErr += (forecast[w] - actual[w]) * (forecast[w] - actual[w]);
            naiveAbs += Math.abs(yearBefore[row] - actual[w]);
            naiveSq += (yearBefore[row] - actual[w]) * (yearBefore[row] - actual[w]);
        }
        plot("air_passengers", forecast, actual, test.startRow(0) + spec.steps());
        put("test_mae", absErr / n);
        put("test_rmse", Math.sqrt(sqErr / n));
        put("naive_mae", naiveAbs / n);
        put("naive_rmse", Math.sqrt(naiveSq / n));
        result.put("test_points", n);
    }

    /** A PNG of the test rows: the truth in black, the forecast in red. */
    private void plot(String name, double[] forecast, double[] truth, int firstRow) {
        int width = 900;
        int height = 300;
        int margin = 30;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, width, height);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < truth.length; i++) {
            lo = Math.min(lo, Math.min(truth[i], forecast[i]));
            hi = Math.max(hi, Math.max(truth[i], forecast[i]));
        }
        double span = hi > lo ? hi - lo : 1;
        double min = lo;
        java.util.function.IntToDoubleFunction x = i -> margin + (width - 2.0 * margin) * i / Math.max(1, truth.length - 1);
        java.util.function.DoubleUnaryOperator y = v -> height - margin - (height - 2.0 * margin) * (v - min) / span;
        g.setColor(java.awt.Color.GRAY);
        g.drawString(String.format(Locale.ROOT, "%s, test rows %d-%d: truth (black), forecast (red); %.0f to %.0f", name,
                firstRow + 1, firstRow + truth.length, lo, hi), margin, 18);
        for (double[] series : new double[][] {truth, forecast}) {
            g.setColor(series == truth ? java.awt.Color.BLACK : new java.awt.Color(200, 30, 30));
            for (int i = 1; i < series.length; i++) {
                g.draw(new java.awt.geom.Line2D.Double(x.applyAsDouble(i - 1), y.applyAsDouble(series[i - 1]),
                        x.applyAsDouble(i), y.applyAsDouble(series[i])));
            }
        }
        g.dispose();
        try {
            Files.createDirectories(outDir);
            Path png = outDir.resolve(name + "-forecast-seed" + seed + ".png");
            ImageIO.write(image, "png", png.toFile());
            System.out.println("forecast plot: " + png);
            result.put("png", png.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void g2p() {
        RnnModel model = new io.rnnc.samples.g2p.G2p();
        Path data = root.resolve("g2p/data");
        Pairs.Options options = Pairs.Options.forModel(model.info(), Vocabulary.Tokens.CHARS, Vocabulary.Tokens.WORDS);
        Pairs.Split split = Pairs.read(data.resolve("train.tsv"), options).split(Splits.Fractions.none(), seed);
        Pairs valid = Pairs.read(data.resolve("valid.tsv"), options)
                .encode(split.sourceVocabulary(), split.targetVocabulary(), "validation");
        Pairs test = Pairs.read(data.resolve("test.tsv"), options)
                .encode(split.sourceVocabulary(), split.targetVocabulary(), "test");
        train(model, limit(split.train()), evalLimit(valid));
        SequenceGenerator gen = (SequenceGenerator) model;
        int tIn = model.info().inputSteps();
        int tOut = model.info().outputSteps();
        Batch one = Batch.forModel(model.info(), 1);
        int words = evalLimit == null ? test.size() : Math.min(evalLimit, test.size());
        for (int width : new int[] {1, 4}) {
            long edits = 0;
            long phonemes = 0;
            int exact = 0;
            for (int i = 0; i < words; i++) {
                test.fill(i, one, 0);
                int[] source = sourceOf(one, tIn);
                int refLength = one.targetLength(0) - 1; // without END
                int[] ref = Arrays.copyOf(one.classes, refLength);
                int[] out = new int[tOut];
                int n = width == 1
                        ? gen.generate(source, null, 0, null, Vocabulary.END, out)
                        : gen.beamSearch(source, null, width, Vocabulary.END, out);
                int[] hyp = Arrays.copyOf(out, n > 0 && out[n - 1] == Vocabulary.END ? n - 1 : n);
                int d = editDistance(hyp, ref);
                edits += d;
                phonemes += ref.length;
                exact += d == 0 ? 1 : 0;
            }
            String key = width == 1 ? "greedy" : "beam" + width;
            put(key + "_per", (double) edits / phonemes);
            put(key + "_word_acc", (double) exact / words);
        }
        result.put("test_words", words);
    }

    private void names() {
        RnnModel model = new io.rnnc.samples.names.Names();
        Path data = root.resolve("names/data");
        LabelledSequences.Options options = LabelledSequences.Options.forModel(model.info(), Vocabulary.Tokens.CHARS);
        LabelledSequences.Split split = LabelledSequences.read(data.resolve("train.tsv"), options).all();
        LabelledSequences valid = LabelledSequences.read(data.resolve("valid.tsv"), options)
                .encode(split.vocabulary(), split.labels(), "validation");
        LabelledSequences test = LabelledSequences.read(data.resolve("test.tsv"), options)
                .encode(split.vocabulary(), split.labels(), "test");
        train(model, limit(split.train()), valid);
        int classes = split.labels().size();
        int[][] confusion = confusion(model, test, classes);
        put("test_accuracy", accuracy(confusion));
        put("test_macro_f1", macroF1(confusion));
        System.out.println("confusion (rows: true " + split.labels().names() + ", columns: predicted): "
                + Arrays.deepToString(confusion));
    }

    private void sensor() {
        RnnModel model = new io.rnnc.samples.sensor.SensorTagger();
        Path data = root.resolve("sensor_tagging/data");
        LabelledSequences.Options options = LabelledSequences.Options.forModel(model.info(), null);
        LabelledSequences.Split split = LabelledSequences.read(data.resolve("train.tsv"), options).all();
        LabelledSequences test = LabelledSequences.read(data.resolve("test.tsv"), options)
                .encode(null, split.labels(), "test");
        train(model, limit(split.train()), null);
        int[][] confusion = confusion(model, test, 2);
        int tp = confusion[1][1];
        int fp = confusion[0][1];
        int fn = confusion[1][0];
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        put("event_precision", precision);
        put("event_recall", recall);
        put("event_f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        System.out.println("confusion per reading (rows: true normal/event, columns: predicted): " + Arrays.deepToString(confusion));
    }

    private void drawer() throws IOException {
        RnnModel model = new io.rnnc.samples.drawer.DigitDrawer();
        Path data = root.resolve("mnist/data");
        Dataset train = limit(Mnist.loadDirectory(data, true).drawing());
        Dataset test = evalLimit(Mnist.loadDirectory(data, false).drawing());
        train(model, train, test);
        put("test_bce", meanLoss(model, test));
        // the ten digits it draws, side by side, 4x scale
        SequenceGenerator gen = (SequenceGenerator) model;
        int scale = 4;
        BufferedImage image = new BufferedImage(10 * 28 * scale, 28 * scale, BufferedImage.TYPE_BYTE_GRAY);
        double[] rows = new double[28 * 28];
        for (int digit = 0; digit < 10; digit++) {
            double[] x = new double[10];
            x[digit] = 1;
            gen.generateValues(x, rows);
            for (int y = 0; y < 28 * scale; y++) {
                for (int c = 0; c < 28 * scale; c++) {
                    int v = (int) Math.round(255 * Math.min(1, Math.max(0, rows[(y / scale) * 28 + c / scale])));
                    image.getRaster().setSample(digit * 28 * scale + c, y, 0, v);
                }
            }
        }
        Files.createDirectories(outDir);
        Path png = outDir.resolve("digit_drawer-seed" + seed + ".png");
        ImageIO.write(image, "png", png.toFile());
        System.out.println("drawn digits: " + png);
        result.put("png", png.toString());
    }

    private void xor() {
        RnnModel model = new io.rnnc.samples.Xor();
        CsvSeries table = CsvSeries.read(root.resolve("xor/data/xor.csv"));
        TableRows rows = TableRows.of(table, List.of("a", "b"), List.of("xor"), false, "training");
        train(model, rows, rows);
        double[] out = outputs(model, rows);
        int correct = 0;
        double[] truth = table.column("xor");
        for (int i = 0; i < truth.length; i++) {
            correct += Math.round(out[i]) == truth[i] ? 1 : 0;
        }
        put("accuracy", (double) correct / truth.length);
        put("final_loss", meanLoss(model, rows));
    }

    // ---------------------------------------------------------------- training and evaluation

    private void train(RnnModel model, Dataset train, Dataset validation) {
        boolean lengths = takesLengths(model, train);
        result.put("lengths", lengths ? "packed" : "padded");
        Dataset t = lengths ? train : padded(train);
        Dataset v = validation == null ? null : lengths ? validation : padded(validation);
        model.initialize(seed);
        saveInitialWeights(model);
        model.setThreads(threads);
        ModelInfo info = model.info();
        System.out.printf(Locale.ROOT, "training %s (%s): %,d parameters, %,d samples, batch %d, %d epochs, seed %d, %s%n",
                info.name(), info.mode(), info.parameterCount(), t.size(), info.maxBatch(), epochs, seed,
                lengths ? "per-sample lengths" : "padded (the model takes no lengths yet)");
        double[] firstLoss = {Double.NaN};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void step(TrainingListener.Step e) {
                if (Double.isNaN(firstLoss[0])) {
                    firstLoss[0] = e.loss();
                }
            }

            @Override
            public void epochEnded(TrainingListener.EpochEnd e) {
                if (e.epoch() % Math.max(1, epochs / 20) != 0 && e.epoch() != epochs) {
                    return; // at most about 20 lines
                }
                System.out.printf(Locale.ROOT, "epoch %d: training loss %.4f%s%n", e.epoch(), e.trainLoss(),
                        Double.isNaN(e.validationLoss()) ? "" : String.format(Locale.ROOT, ", validation loss %.4f", e.validationLoss()));
            }
        };
        Trainer.Result r = new Trainer(model, t, v, new Trainer.Options(epochs, info.maxBatch(), seed, null), listener).run();
        if (!r.completed()) {
            throw new IllegalStateException("training stopped: " + r.stopped().message());
        }
        put("first_step_loss", firstLoss[0]);
        put("train_loss", r.last().trainLoss());
        padded = !lengths;
    }

    private boolean padded;

    private void saveInitialWeights(RnnModel model) {
        if (saveInit != null) {
            Checkpoint.saveParameters(saveInit, model);
            System.out.println("initial weights: " + saveInit);
        }
    }

    /**
     * Truncated BPTT over a stream (a stateful spec): every epoch walks the chunks in order, the model resets its
     * carried state at chunk 0 and carries it otherwise. The validation loss is measured on windows from zeros.
     */
    private void trainStateful(RnnModel model, StreamBatches stream, Dataset validation) {
        StatefulModel stateful = (StatefulModel) model;
        model.initialize(seed);
        saveInitialWeights(model);
        model.setThreads(threads);
        ModelInfo info = model.info();
        System.out.printf(Locale.ROOT, "training %s (%s, stateful): %,d parameters, %d streams of %,d steps in chunks of %d, "
                        + "%d epochs, seed %d%n", info.name(), info.mode(), info.parameterCount(), stream.rows(),
                stream.rowLength(), stream.steps(), epochs, seed);
        Batch batch = Batch.forModel(info);
        double first = Double.NaN;
        double epochLoss = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double sum = 0;
            long positions = 0;
            for (int j = 0; j < stream.chunks(); j++) {
                if (stream.fill(j, batch) == StreamBatches.Start.RESET_STATE) {
                    stateful.resetState();
                }
                double loss = model.trainStep(batch);
                if (Double.isNaN(first)) {
                    first = loss;
                }
                sum += loss * stream.chunkSteps(j); // the loss is a mean over valid positions: weight by them
                positions += stream.chunkSteps(j);
            }
            epochLoss = sum / positions;
            if (epoch % Math.max(1, epochs / 20) == 0 || epoch == epochs) {
                System.out.printf(Locale.ROOT, "epoch %d: training loss %.4f, validation loss %.4f%n", epoch, epochLoss,
                        meanLoss(model, validation));
            }
        }
        result.put("lengths", "packed");
        put("first_step_loss", first);
        put("train_loss", epochLoss);
        padded = false;
    }

    /**
     * Whether the generated class honours per-sample lengths: the generated code's answer to
     * {@code ChunkedModel.takesLengths()} (protected: the runtime has no public accessor yet, so it is read
     * reflectively, as the CLI does). A data set without lengths needs no answer.
     */
    static boolean takesLengths(RnnModel model, Dataset data) {
        Batch probe = Batch.forModel(model.info(), 1);
        data.fill(0, probe, 0);
        if (!probe.hasLengths()) {
            return true;
        }
        if (!(model instanceof ChunkedModel)) {
            return false;
        }
        try {
            Method hook = ChunkedModel.class.getDeclaredMethod("takesLengths");
            hook.setAccessible(true);
            return (Boolean) hook.invoke(model);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot ask " + model.info().name() + " whether it takes per-sample lengths", e);
        }
    }

    /** The same samples with their lengths cleared after filling: the model reads padding as data. */
    static Dataset padded(Dataset data) {
        return new Dataset() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public SampleLayout layout() {
                return data.layout();
            }

            @Override
            public void fill(int index, Batch batch, int slot) {
                data.fill(index, batch, slot);
                batch.clearLengths();
            }
        };
    }

    private Dataset limit(Dataset data) {
        return trainLimit == null ? data : Datasets.head(data, Math.min(trainLimit, data.size()));
    }

    private Dataset evalLimit(Dataset data) {
        return evalLimit == null ? data : Datasets.head(data, Math.min(evalLimit, data.size()));
    }

    /** Mean loss per sample over a dataset (as the model computes it: valid positions only when it takes lengths). */
    private double meanLoss(RnnModel model, Dataset data) {
        Dataset d = padded ? padded(data) : data;
        Batches batches = new Batches(d, model.info().maxBatch(), false, 0);
        Batch batch = Batch.forModel(model.info());
        double sum = 0;
        int samples = 0;
        for (int b = 0; b < batches.count(); b++) {
            int n = batches.fill(b, batch);
            sum += model.evaluate(batch) * n;
            samples += n;
        }
        return sum / samples;
    }

    /** Head outputs (after the activation) of every sample, {@code [n, T_out, O]}. */
    private double[] outputs(RnnModel model, Dataset data) {
        Dataset d = padded ? padded(data) : data;
        ModelInfo info = model.info();
        int per = info.outputSteps() * info.outputs();
        Batches batches = new Batches(d, info.maxBatch(), false, 0);
        Batch batch = Batch.forModel(info);
        double[] all = new double[data.size() * per];
        double[] chunk = new double[info.maxBatch() * per];
        int at = 0;
        for (int b = 0; b < batches.count(); b++) {
            int n = batches.fill(b, batch);
            model.forward(batch);
            model.copyOutputs(chunk);
            System.arraycopy(chunk, 0, all, at, n * per);
            at += n * per;
        }
        return all;
    }

    /** Confusion counts over valid positions ({@code [true][predicted]}) of a classifier or tagger. */
    private int[][] confusion(RnnModel model, LabelledSequences data, int classes) {
        ModelInfo info = model.info();
        int steps = info.outputSteps();
        int outputs = info.outputs();
        double[] out = outputs(model, data);
        int[][] confusion = new int[classes][classes];
        Batch one = Batch.forModel(info, 1);
        for (int i = 0; i < data.size(); i++) {
            data.fill(i, one, 0);
            int valid = steps == 1 ? 1 : data.length(i);
            for (int t = 0; t < valid; t++) {
                int base = (i * steps + t) * outputs;
                int best = 0;
                for (int o = 1; o < outputs; o++) {
                    if (out[base + o] > out[base + best]) {
                        best = o;
                    }
                }
                confusion[one.classes[t]][best]++;
            }
        }
        return confusion;
    }

    static double accuracy(int[][] confusion) {
        long right = 0;
        long all = 0;
        for (int i = 0; i < confusion.length; i++) {
            for (int j = 0; j < confusion.length; j++) {
                all += confusion[i][j];
                right += i == j ? confusion[i][j] : 0;
            }
        }
        return (double) right / all;
    }

    static double macroF1(int[][] confusion) {
        double sum = 0;
        for (int k = 0; k < confusion.length; k++) {
            long tp = confusion[k][k];
            long predicted = 0;
            long actual = 0;
            for (int j = 0; j < confusion.length; j++) {
                predicted += confusion[j][k];
                actual += confusion[k][j];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = actual == 0 ? 0 : (double) tp / actual;
            sum += p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
        return sum / confusion.length;
    }

    /** Levenshtein distance between two id sequences. */
    /**
     * The source ids to decode from: the whole padded row when the model reads padding as data (as it was trained),
     * else the word's own ids.
     */
    private int[] sourceOf(Batch one, int tIn) {
        return padded ? Arrays.copyOf(one.tokens, tIn) : Arrays.copyOf(one.tokens, one.length(0));
    }

    static int editDistance(int[] a, int[] b) {
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }

    private void put(String key, double value) {
        result.put(key, Double.parseDouble(String.format(Locale.ROOT, "%.6g", value)));
        System.out.printf(Locale.ROOT, "%s: %.4f%n", key, value);
    }

    /** A flat JSON object of numbers and strings. */
    static String json(Map<String, Object> map) {
        List<String> fields = new ArrayList<>();
        for (var e : map.entrySet()) {
            Object v = e.getValue();
            String value = v instanceof Number ? v.toString() : quote(String.valueOf(v));
            fields.add(quote(e.getKey()) + ": " + value);
        }
        return "{" + String.join(", ", fields) + "}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
