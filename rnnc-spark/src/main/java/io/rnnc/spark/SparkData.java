package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;
import io.rnnc.runtime.data.TextCorpus;
import io.rnnc.runtime.data.TextFiles;
import io.rnnc.runtime.data.TextWindows;
import io.rnnc.runtime.data.Vocabulary;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Training data for Spark: samples keyed by their index, the order a single machine reads them in.
 *
 * <p><b>CSV</b> ({@link #csv}), read by Spark from any path it can read ({@code hdfs://}, {@code s3a://}, a local
 * file or directory, globs): one sample per line, comma-separated, its target values first and then its
 * input values, each in the batch's row-major layout — for the seed model a class id and 784 pixel values.
 * Lines that are empty or start with {@code #} are skipped. The sample index is the line's place in the
 * input (files in name order), so the same file trains the same way on one machine and on a cluster.
 *
 * <p><b>Parquet</b> ({@link #parquet}), read by Spark SQL: the same samples, one per row and one value per numeric
 * column, the same rows giving the same samples in the same order as CSV.
 *
 * <p><b>Text</b> ({@link #text}), read by Spark: a language model's corpus, cut into windows on the driver exactly as
 * {@code rnnc train}'s text format cuts it (the same file gives the same samples and vocabulary).
 */
public final class SparkData {

    /** Largest share of a driver-held dataset one task carries. */
    private static final long TASK_BYTES = 16L << 20;

    private SparkData() {
    }

    /**
     * A dataset held by the driver, spread over at least {@code slices} partitions, and more if a partition
     * would exceed 16 MB (a partition of a driver's collection travels inside its task).
     */
    public static JavaPairRDD<Long, Sample> fromDataset(JavaSparkContext sc, Dataset data, ModelInfo info, int slices) {
        data.layout().checkFits(info);
        List<Sample> samples = samples(data, info);
        long bytes = 8L * (info.inputValuesPerSample() + info.targetValuesPerSample()) * samples.size();
        int bySize = (int) Math.min(Integer.MAX_VALUE, (bytes + TASK_BYTES - 1) / TASK_BYTES);
        return sc.parallelize(samples, Math.max(1, Math.max(slices, bySize))).zipWithIndex().mapToPair(Tuple2::swap);
    }


    /** The samples of {@code data}, in order. */
    public static List<Sample> samples(Dataset data, ModelInfo info) {
        Batch scratch = Batch.forModel(info, 1);
        List<Sample> samples = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            samples.add(Sample.of(data, i, scratch, info));
        }
        return samples;
    }

    /** The samples of the CSV text at {@code path}, read by Spark, keyed by line order (comments excluded). */
    public static JavaPairRDD<Long, Sample> csv(JavaSparkContext sc, String path, ModelInfo info) {
        CsvFormat format = new CsvFormat(info, path);
        return sc.textFile(path).filter(CsvFormat::isSample).zipWithIndex()
                .mapToPair(t -> new Tuple2<>(t._2, format.parse(t._1, t._2)));
    }

    /** The CSV at {@code path} read by Spark and collected to the driver as a dataset (held-out data). */
    public static Dataset csvOnDriver(JavaSparkContext sc, String path, ModelInfo info) {
        CsvFormat format = new CsvFormat(info, path);
        List<String> lines = sc.textFile(path).filter(CsvFormat::isSample).collect();
        List<Sample> samples = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            samples.add(format.parse(lines.get(i), i));
        }
        if (samples.isEmpty()) {
            throw new UserError(path + ": no samples (no line that is neither empty nor a # comment)");
        }
        return new SampleDataset(samples, format.layout());
    }

    /**
     * The samples of the Parquet table at {@code path} (a file, a directory of parts, a glob; any file system Spark
     * reads), read by Spark SQL: one sample per row, the columns {@code target} then {@code inputs} (empty: the
     * table's columns in order, the targets first, as a CSV line holds them). Keyed by the row's place: files in
     * name order, rows in their order inside a file.
     */
    public static JavaPairRDD<Long, Sample> parquet(JavaSparkContext sc, String path, ModelInfo info, List<String> target,
                                                    List<String> inputs) {
        return ParquetSamples.read(sc, path, info, target, inputs);
    }

    /** The Parquet table at {@code path} read by Spark and collected to the driver as a dataset (held-out data). */
    public static Dataset parquetOnDriver(JavaSparkContext sc, String path, ModelInfo info, List<String> target, List<String> inputs) {
        List<Sample> samples = parquet(sc, path, info, target, inputs).values().collect(); // in key order: partition order
        if (samples.isEmpty()) {
            throw new UserError(path + ": no samples (the table has no rows)");
        }
        return new SampleDataset(samples, ParquetSamples.layout(info, path));
    }

    /** A text read through Spark for a language model: its windows and the vocabulary they are in. */
    public record Text(TextCorpus corpus, Dataset windows) {
        public Vocabulary vocabulary() {
            return corpus.vocabulary();
        }

        /** What a checkpoint keeps of this data (as {@code rnnc train} saves it), so eval and generate can read it. */
        public Map<String, String> checkpointData() {
            return new DataMetadata(DataFormat.TEXT, corpus.vocabulary(), null, null, null, null).toMetadata();
        }
    }

    /**
     * The UTF-8 text at {@code path} (a file, a directory or a glob: its files in name order, one after the other;
     * any file system Spark reads), read by Spark and cut on the driver into the windows of a language model as
     * {@code rnnc train}'s text format does: {@code sequence T} tokens a window, windows {@code stride} apart, the
     * next token the target (at every step for many_to_many). {@code vocabulary} null: the text's own, which must fit
     * the model.
     */
    public static Text text(JavaSparkContext sc, String path, ModelInfo info, Vocabulary.Tokens tokens, Vocabulary vocabulary,
                            int stride) {
        if (!info.tokenInputs() || !info.classTargets() || info.inputSteps() < 1) {
            throw new UserError(path + ": text trains a language model (input tokens, cross_entropy over a dense of the vocabulary); "
                    + "model " + info.name() + " is not one");
        }
        List<Tuple2<String, org.apache.spark.input.PortableDataStream>> files;
        try {
            files = new ArrayList<>(sc.binaryFiles(path).collect());
        } catch (Exception e) {
            throw new UserError(path + ": cannot read it (" + firstLine(e.getMessage()) + ")");
        }
        files.sort(Comparator.comparing(f -> f._1));
        StringBuilder text = new StringBuilder();
        for (Tuple2<String, org.apache.spark.input.PortableDataStream> f : files) {
            text.append(TextFiles.decode(f._1, f._2.toArray()));
        }
        if (files.isEmpty()) {
            throw new UserError(path + ": no files");
        }
        TextCorpus corpus = vocabulary == null ? TextCorpus.of(path, text.toString(), tokens) : TextCorpus.of(path, text.toString(), vocabulary);
        corpus.checkFits(info);
        return new Text(corpus, new TextWindows(corpus, info.inputSteps(), stride, info.mode().equals("many_to_many")));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Whether {@code path} names Parquet: a {@code .parquet} file or glob, or a local directory holding such files. */
    public static boolean isParquet(String path) {
        return ParquetSamples.isParquet(path);
    }

    /** Writes {@code data} as this class's CSV (the bridge from the runtime's readers to a cluster's storage). */
    public static void writeCsv(Dataset data, ModelInfo info, Path file) {
        Batch scratch = Batch.forModel(info, 1);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < data.size(); i++) {
                data.fill(i, scratch, 0);
                StringBuilder line = new StringBuilder();
                int out = info.targetValuesPerSample();
                for (int j = 0; j < out; j++) {
                    line.append(scratch.classes != null ? Integer.toString(scratch.classes[j]) : Double.toString(scratch.targets[j])).append(',');
                }
                int in = info.inputValuesPerSample();
                for (int j = 0; j < in; j++) {
                    line.append(scratch.tokens != null ? Integer.toString(scratch.tokens[j]) : Double.toString(scratch.features[j]));
                    line.append(j + 1 < in ? "," : "\n");
                }
                w.write(line.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Parses one CSV line into a sample of the model. */
    static final class CsvFormat implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final int targets;
        private final int inputs;
        private final boolean classTargets;
        private final boolean tokenInputs;
        private final int classes;
        private final int vocab;
        private final String model;

        CsvFormat(ModelInfo info, String path) {
            this.path = path;
            this.targets = info.targetValuesPerSample();
            this.inputs = info.inputValuesPerSample();
            this.classTargets = info.classTargets();
            this.tokenInputs = info.tokenInputs();
            this.classes = info.outputs();
            this.vocab = info.vocab();
            this.model = info.name();
        }

        static boolean isSample(String line) {
            String t = line.strip();
            return !t.isEmpty() && !t.startsWith("#");
        }

        SampleLayout layout() {
            return new SampleLayout(tokenInputs, new int[] {inputs}, tokenInputs ? vocab : 0, classTargets, new int[] {targets},
                    classTargets ? classes : 0, "CSV samples (" + path + ")");
        }

        Sample parse(String line, long index) {
            String[] f = line.split(",", -1);
            String where = path + ", sample " + (index + 1);
            if (f.length != targets + inputs) {
                throw new UserError(where + ": " + f.length + " values, but model " + model + " reads " + targets + " target "
                        + (classTargets ? "class id" : "value") + (targets == 1 ? "" : "s") + " then " + inputs + " input "
                        + (tokenInputs ? "token id" : "value") + (inputs == 1 ? "" : "s") + " per line");
            }
            int[] cls = classTargets ? new int[targets] : null;
            double[] tgt = classTargets ? null : new double[targets];
            int[] tok = tokenInputs ? new int[inputs] : null;
            double[] feat = tokenInputs ? null : new double[inputs];
            for (int j = 0; j < f.length; j++) {
                String v = f[j].strip();
                boolean target = j < targets;
                boolean integer = target ? classTargets : tokenInputs;
                try {
                    if (integer) {
                        int id = Integer.parseInt(v);
                        int limit = target ? classes : vocab;
                        if (id < 0 || id >= limit) {
                            throw new UserError(where + ", value " + (j + 1) + ": " + (target ? "class id " : "token id ") + id
                                    + " is outside 0.." + (limit - 1) + " (model " + model + ")");
                        }
                        if (target) {
                            cls[j] = id;
                        } else {
                            tok[j - targets] = id;
                        }
                    } else {
                        double x = Double.parseDouble(v);
                        if (!Double.isFinite(x)) {
                            throw new NumberFormatException();
                        }
                        if (target) {
                            tgt[j] = x;
                        } else {
                            feat[j - targets] = x;
                        }
                    }
                } catch (NumberFormatException e) {
                    throw new UserError(where + ", value " + (j + 1) + ": '" + v + "' is not " + (integer ? "an integer id" : "a finite number"));
                }
            }
            return new Sample(feat, tok, cls, tgt);
        }
    }

    /** Samples held in memory as a runtime {@link Dataset} (held-out data on the driver). */
    static final class SampleDataset implements Dataset {
        private final List<Sample> samples;
        private final SampleLayout layout;

        SampleDataset(List<Sample> samples, SampleLayout layout) {
            this.samples = List.copyOf(samples);
            this.layout = layout;
        }

        @Override
        public int size() {
            return samples.size();
        }

        @Override
        public SampleLayout layout() {
            return layout;
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            samples.get(index).writeTo(batch, slot);
        }
    }
}
