package io.rnnc.cli;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.CsvSeries;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.LabelledSequences;
import io.rnnc.runtime.data.Mnist;
import io.rnnc.runtime.data.Normalization;
import io.rnnc.runtime.data.Pairs;
import io.rnnc.runtime.data.SampleLayout;
import io.rnnc.runtime.data.SeriesWindows;
import io.rnnc.runtime.data.Splits;
import io.rnnc.runtime.data.TableRows;
import io.rnnc.runtime.data.TextCorpus;
import io.rnnc.runtime.data.StreamBatches;
import io.rnnc.runtime.data.TextWindows;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.train.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The user's data for a model: the format chosen from the model (or {@code --format}), read by the runtime's data
 * package, split, checked against the model (the vocabulary and classes first, so that a message gives the number to
 * write), and the settings a checkpoint keeps so that {@code eval}, {@code predict} and {@code generate} read new data
 * exactly as training did.
 *
 * @param train      the training samples
 * @param validation measured after every epoch, or null
 * @param test       measured once after training, or null
 * @param metadata   what the checkpoint keeps ({@link DataMetadata})
 * @param task       which measures fit
 * @param forecast   the naive forecast and units of a series, or null
 */
record TrainingData(Dataset train, Dataset validation, Dataset test, DataMetadata metadata, Metrics.Task task,
                    Metrics.Forecast forecast, Map<String, String> extraMetadata) {

    /** Checkpoint keys (under rnnc.data.) of a table's columns, which {@link DataMetadata} has no place for. */
    static final String TABLE_INPUTS = "table.inputs";
    static final String TABLE_TARGETS = "table.targets";

    TrainingData(Dataset train, Dataset validation, Dataset test, DataMetadata metadata, Metrics.Task task,
                 Metrics.Forecast forecast) {
        this(train, validation, test, metadata, task, forecast, Map.of());
    }

    /** Reads, splits and checks the data of {@code opts} for {@code net}. */
    static TrainingData load(RnnModel net, DataOptions opts, long seed) {
        return load(net, opts, seed, 0);
    }

    /**
     * As {@link #load(RnnModel, DataOptions, long)}; {@code streamRows} > 0 for a stateful model: its training text is
     * one stream cut into that many rows of consecutive chunks ({@link StreamBatches}), in order, the state carried.
     */
    static TrainingData load(RnnModel net, DataOptions opts, long seed, int streamRows) {
        ModelInfo info = net.info();
        DataFormat format = format(info, opts);
        if (streamRows > 0 && format != DataFormat.TEXT) {
            throw new UserException("model " + info.name() + " is stateful: it trains on one long text, cut into rows of "
                    + "consecutive chunks; " + format.word() + " data comes in separate samples (remove 'stateful' from the "
                    + "spec's sequence line to train on it)");
        }
        if (streamRows > 0 && !info.mode().equals("many_to_many")) {
            throw new UserException("model " + info.name() + " is a stateful " + info.mode() + " model: the command line streams "
                    + "text into stateful many_to_many models (a target at every step); train this one from Java with "
                    + "StreamBatches (docs/api.md)");
        }
        if (streamRows > 0 && opts.stride != null) {
            throw new UserException("--stride cuts windows; a stateful model reads its text as consecutive chunks (no --stride)");
        }
        Splits.Fractions fractions = fractions(opts);
        checkExists("--data", opts.data, format == DataFormat.IDX);
        checkExists("--validation", opts.validation, false);
        checkExists("--test", opts.test, false);
        TrainingData d = switch (format) {
            case TEXT -> text(info, opts, fractions, streamRows);
            case SERIES -> series(info, opts, fractions);
            case TABLE -> table(info, opts, fractions, seed);
            case SEQUENCES -> sequences(info, opts, fractions, seed);
            case PAIRS -> pairs(info, opts, fractions, seed);
            case IDX -> throw new IllegalStateException("IDX data is read by the train command itself");
        };
        return new TrainingData(full(net, d.train), d.validation == null ? null : full(net, d.validation),
                d.test == null ? null : full(net, d.test), d.metadata, d.task, d.forecast, d.extraMetadata);
    }

    /**
     * Data to measure a trained model on, read with the settings its checkpoint kept (vocabulary, labels,
     * normalisation, columns); {@code opts} may override columns where the checkpoint has none.
     */
    static Dataset measure(RnnModel net, DataMetadata saved, Map<String, String> raw, DataOptions opts, Path file) {
        ModelInfo info = net.info();
        checkExists("--data", file, false);
        Dataset d = switch (saved.format()) {
            case TEXT -> {
                TextCorpus corpus = TextCorpus.read(file, saved.input());
                yield new TextWindows(corpus, info.inputSteps(), stride(info, opts), info.mode().equals("many_to_many"));
            }
            case SERIES -> {
                SeriesWindows.Spec spec = saved.series();
                CsvSeries s = CsvSeries.read(file, CsvSeries.Options.columns(saved.norm().names().toArray(String[]::new)));
                yield SeriesWindows.of(s, spec, saved.norm(), 0, s.length(), "evaluation");
            }
            case TABLE -> {
                CsvSeries t = CsvSeries.read(file);
                List<List<String>> cols = raw.containsKey(TABLE_INPUTS) && opts.inputs == null && opts.target == null
                        ? List.of(List.of(raw.get(TABLE_INPUTS).split(",")), List.of(raw.get(TABLE_TARGETS).split(",")))
                        : tableColumns(info, t, opts);
                yield TableRows.of(t, cols.get(0), cols.get(1), info.classTargets(), "evaluation");
            }
            case SEQUENCES -> {
                LabelledSequences.Records r = LabelledSequences.read(file, sequenceOptions(info, saved.input(), opts));
                LabelledSequences s = r.encode(saved.input(), saved.labels(), "evaluation");
                s.checkFits(info);
                yield s;
            }
            case PAIRS -> {
                Pairs.Records r = Pairs.read(file, pairOptions(info, saved.input().tokens(), saved.target().tokens(), opts));
                Pairs p = r.encode(saved.input(), saved.target(), "evaluation");
                p.checkFits(info);
                yield p;
            }
            case IDX -> throw new IllegalStateException("IDX data is read by the eval command itself");
        };
        return full(net, d);
    }

    static DataFormat format(ModelInfo info, DataOptions opts) {
        if (opts.format == null && opts.data != null && Files.isDirectory(opts.data)) {
            return DataFormat.choose(info, DataFormat.candidates(info).contains(DataFormat.IDX) ? "idx" : null);
        }
        if (opts.format == null && opts.data != null && Files.isRegularFile(opts.data)) {
            // a token model reads a text or labelled sequences: the file tells which
            List<DataFormat> fits = DataFormat.candidates(info);
            if (fits.contains(DataFormat.TEXT) && fits.contains(DataFormat.SEQUENCES)) {
                String look = DataFormat.sniff(head(opts.data));
                boolean labelled = look.startsWith("JSON Lines") || look.startsWith("tab-separated");
                return labelled ? DataFormat.SEQUENCES : DataFormat.TEXT;
            }
        }
        return DataFormat.choose(info, opts.format);
    }

    private static byte[] head(Path file) {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(4096);
        } catch (java.io.IOException e) {
            throw new UserException("--data " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Splits.Fractions fractions(DataOptions opts) {
        if (opts.split != null) {
            return Splits.Fractions.parse(opts.split);
        }
        return opts.validation != null ? Splits.Fractions.none() : new Splits.Fractions(0.9, 0.1, 0);
    }

    private static void checkExists(String flag, Path p, boolean directory) {
        if (p == null) {
            return;
        }
        if (directory ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
            throw new UserException(flag + " " + p + ": " + (!Files.exists(p) ? "no such " + (directory ? "directory" : "file")
                    : directory ? "not a directory" : "a directory, not a data file"));
        }
    }

    private static Vocabulary.Tokens tokens(String word) {
        try {
            return word == null ? Vocabulary.Tokens.CHARS : Vocabulary.Tokens.parse(word);
        } catch (IllegalArgumentException e) {
            throw new UserException("--tokens " + word + ": " + e.getMessage(), e);
        }
    }

    private static int stride(ModelInfo info, DataOptions opts) {
        if (opts.stride == null) {
            return info.inputSteps();
        }
        Flags.positive("--stride", opts.stride);
        return opts.stride;
    }

    // ------------------------------------------------------------------------------------------------ formats

    private static TrainingData text(ModelInfo info, DataOptions opts, Splits.Fractions fractions, int streamRows) {
        TextCorpus.Split s = TextCorpus.split(opts.data, tokens(opts.tokens), fractions);
        Vocabulary v = s.vocabulary();
        s.train().checkFits(info);
        boolean every = info.mode().equals("many_to_many");
        int stride = stride(info, opts);
        Dataset train;
        if (streamRows > 0) {
            // truncated BPTT: B rows read the text side by side, batch j+1 continuing batch j's rows (char-rnn's layout);
            // the positions that do not fill a whole chunk in every row are left out
            StreamBatches stream = StreamBatches.nextTokens(s.train().ids(), streamRows, info.inputSteps(),
                    StreamBatches.Tail.DROP);
            train = stream.asDataset(String.format(java.util.Locale.ROOT,
                    "one stream of %,d tokens in %d rows of %,d, %,d chunks of %d steps each, the state carried",
                    s.train().ids().length, streamRows, stream.rowLength(), stream.chunks(), info.inputSteps()));
        } else {
            train = new TextWindows(s.train(), info.inputSteps(), stride, every);
        }
        Dataset validation = opts.validation != null ? new TextWindows(TextCorpus.read(opts.validation, v), info.inputSteps(), stride, every)
                : s.validation() == null ? null : new TextWindows(s.validation(), info.inputSteps(), info.inputSteps(), every);
        Dataset test = opts.test != null ? new TextWindows(TextCorpus.read(opts.test, v), info.inputSteps(), info.inputSteps(), every)
                : s.test() == null ? null : new TextWindows(s.test(), info.inputSteps(), info.inputSteps(), every);
        return new TrainingData(train, validation, test, new DataMetadata(DataFormat.TEXT, v, null, null, null, null),
                Metrics.Task.LANGUAGE_MODEL, null);
    }

    private static TrainingData series(ModelInfo info, DataOptions opts, Splits.Fractions fractions) {
        if (opts.target == null || opts.target.isEmpty()) {
            throw new UserException("a series needs --target COLUMN(S): the column(s) to forecast");
        }
        Flags.positive("--horizon", opts.horizon);
        CsvSeries all = opts.inputs == null ? CsvSeries.read(opts.data) : CsvSeries.read(opts.data,
                CsvSeries.Options.columns(union(opts.inputs, opts.target)));
        List<String> inputs = opts.inputs;
        if (inputs == null) {
            inputs = info.inputSize() == all.names().size() ? all.names()
                    : info.inputSize() == opts.target.size() ? opts.target : null;
            if (inputs == null) {
                throw new UserException("model " + info.name() + " reads `input " + info.inputSize() + "`, but " + opts.data
                        + " has " + all.names().size() + " columns " + all.names() + ": choose " + info.inputSize()
                        + " with --inputs");
            }
        }
        SeriesWindows.Spec spec = SeriesWindows.Spec.forModel(info, inputs, opts.target, opts.horizon);
        SeriesWindows.Split s = SeriesWindows.split(all, spec, fractions);
        Normalization norm = s.normalization();
        Dataset validation = s.validation();
        if (opts.validation != null) {
            CsvSeries v = CsvSeries.read(opts.validation, CsvSeries.Options.columns(all.names().toArray(String[]::new)));
            validation = SeriesWindows.of(v, spec, norm, 0, v.length(), "validation");
        }
        Dataset test = s.test();
        if (opts.test != null) {
            CsvSeries t = CsvSeries.read(opts.test, CsvSeries.Options.columns(all.names().toArray(String[]::new)));
            test = SeriesWindows.of(t, spec, norm, 0, t.length(), "test");
        }
        return new TrainingData(s.train(), validation, test, new DataMetadata(DataFormat.SERIES, null, null, null, norm, spec),
                Metrics.Task.VALUES, forecast(all.names(), spec, norm));
    }

    /** For each target column, the input feature holding it (the naive forecast repeats it), and its scale. */
    static Metrics.Forecast forecast(List<String> names, SeriesWindows.Spec spec, Normalization norm) {
        List<String> targets = spec.targets();
        int[] naive = new int[targets.size()];
        double[] scale = new double[targets.size()];
        List<Integer> inputColumns = new ArrayList<>();
        for (String in : spec.inputs()) {
            inputColumns.add(column(names, in));
        }
        for (int k = 0; k < naive.length; k++) {
            int c = column(names, targets.get(k));
            naive[k] = inputColumns.indexOf(c);
            scale[k] = norm.std()[c];
        }
        return new Metrics.Forecast(naive, scale);
    }

    private static int column(List<String> names, String w) {
        int i = names.indexOf(w);
        return i >= 0 ? i : Integer.parseInt(w) - 1;
    }

    private static String[] union(List<String> a, List<String> b) {
        LinkedHashSet<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return s.toArray(String[]::new);
    }

    private static TrainingData table(ModelInfo info, DataOptions opts, Splits.Fractions fractions, long seed) {
        CsvSeries t = CsvSeries.read(opts.data);
        List<List<String>> cols = tableColumns(info, t, opts);
        TableRows.Split s = TableRows.split(t, cols.get(0), cols.get(1), info.classTargets(), fractions, seed);
        Dataset validation = s.validation();
        if (opts.validation != null) {
            validation = TableRows.of(CsvSeries.read(opts.validation), cols.get(0), cols.get(1), info.classTargets(), "validation");
        }
        Dataset test = s.test();
        if (opts.test != null) {
            test = TableRows.of(CsvSeries.read(opts.test), cols.get(0), cols.get(1), info.classTargets(), "test");
        }
        return new TrainingData(s.train(), validation, test, new DataMetadata(DataFormat.TABLE, null, null, null, null, null),
                Metrics.Task.of(info, DataFormat.TABLE), null, Map.of(TABLE_INPUTS, String.join(",", cols.get(0)),
                TABLE_TARGETS, String.join(",", cols.get(1))));
    }

    /** {inputs, targets} of a table: as given, else the last column(s) are the targets and the rest the inputs. */
    static List<List<String>> tableColumns(ModelInfo info, CsvSeries t, DataOptions opts) {
        List<String> names = t.names();
        int targetCount = info.classTargets() ? 1 : info.outputs();
        List<String> targets = opts.target != null ? opts.target
                : names.size() > targetCount ? names.subList(names.size() - targetCount, names.size()) : null;
        if (targets == null) {
            throw new UserException(t.source() + " has " + names.size() + " columns " + names + "; choose --target");
        }
        List<String> inputs = opts.inputs;
        if (inputs == null) {
            inputs = new ArrayList<>();
            for (String n : names) {
                if (!targets.contains(n)) {
                    inputs.add(n);
                }
            }
        }
        if (inputs.size() != info.inputSize()) {
            throw new UserException(t.source() + ": " + inputs.size() + " input column" + (inputs.size() == 1 ? "" : "s") + " "
                    + inputs + ", but model " + info.name() + " reads `input " + info.inputSize() + "`: choose them with --inputs,"
                    + " or write `input " + inputs.size() + "`");
        }
        return List.of(List.copyOf(inputs), List.copyOf(targets));
    }

    static LabelledSequences.Options sequenceOptions(ModelInfo info, Vocabulary saved, DataOptions opts) {
        LabelledSequences.Options o = LabelledSequences.Options.forModel(info,
                saved != null ? saved.tokens() : tokens(opts.tokens));
        return opts.truncate ? o.truncating() : o;
    }

    private static TrainingData sequences(ModelInfo info, DataOptions opts, Splits.Fractions fractions, long seed) {
        LabelledSequences.Options o = sequenceOptions(info, null, opts);
        LabelledSequences.Split s = LabelledSequences.read(opts.data, o).split(fractions, seed);
        s.train().checkFits(info);
        Dataset validation = s.validation();
        if (opts.validation != null) {
            LabelledSequences v = LabelledSequences.read(opts.validation, o).encode(s.vocabulary(), s.labels(), "validation");
            v.checkFits(info);
            validation = v;
        }
        Dataset test = s.test();
        if (opts.test != null) {
            LabelledSequences t = LabelledSequences.read(opts.test, o).encode(s.vocabulary(), s.labels(), "test");
            t.checkFits(info);
            test = t;
        }
        return new TrainingData(s.train(), validation, test,
                new DataMetadata(DataFormat.SEQUENCES, s.vocabulary(), null, s.labels(), null, null),
                Metrics.Task.of(info, DataFormat.SEQUENCES), null);
    }

    /**
     * The target side's tokens when {@code --target-tokens} is not given: words if the first pair's target holds a
     * space (phonemes, a translation), else the source side's kind.
     */
    static Vocabulary.Tokens sniffTargets(Path file, Vocabulary.Tokens source) {
        String text = io.rnnc.runtime.data.TextFiles.readUtf8(file);
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (!line.isBlank() && tab >= 0) {
                return line.substring(tab + 1).strip().contains(" ") ? Vocabulary.Tokens.WORDS : source;
            }
        }
        return source;
    }

    static Pairs.Options pairOptions(ModelInfo info, Vocabulary.Tokens source, Vocabulary.Tokens target, DataOptions opts) {
        Pairs.Options o = Pairs.Options.forModel(info, source, target);
        return opts.truncate ? o.truncating() : o;
    }

    private static TrainingData pairs(ModelInfo info, DataOptions opts, Splits.Fractions fractions, long seed) {
        Vocabulary.Tokens source = tokens(opts.tokens);
        Vocabulary.Tokens target = opts.targetTokens != null ? tokens(opts.targetTokens) : sniffTargets(opts.data, source);
        Pairs.Options o = pairOptions(info, source, target, opts);
        Pairs.Split s = Pairs.read(opts.data, o).split(fractions, seed);
        s.train().checkFits(info);
        Dataset validation = s.validation();
        if (opts.validation != null) {
            Pairs v = Pairs.read(opts.validation, o).encode(s.sourceVocabulary(), s.targetVocabulary(), "validation");
            v.checkFits(info);
            validation = v;
        }
        Dataset test = s.test();
        if (opts.test != null) {
            Pairs t = Pairs.read(opts.test, o).encode(s.sourceVocabulary(), s.targetVocabulary(), "test");
            t.checkFits(info);
            test = t;
        }
        return new TrainingData(s.train(), validation, test,
                new DataMetadata(DataFormat.PAIRS, s.sourceVocabulary(), s.targetVocabulary(), null, null, null),
                Metrics.Task.SEQUENCE, null);
    }

    // ------------------------------------------------------------------------------------------------ lengths

    /**
     * The dataset as the model can take it: as it is when the model reads per-sample lengths (or the data sets none);
     * otherwise every sample must have the full length, checked now for all of them (naming the first short one), and
     * the batch is filled as a fixed-length batch.
     */
    static Dataset full(RnnModel net, Dataset data) {
        ModelInfo info = net.info();
        if (net.acceptsLengths() || (Batch.maxLengthOf(info) == 0 && Batch.maxTargetLengthOf(info) == 0)) {
            return data;
        }
        Batch probe = Batch.forModel(info, 1);
        if (data.size() == 0) {
            return data;
        }
        data.fill(0, probe, 0);
        if (!probe.hasLengths()) {
            return data; // a reader sets lengths for every sample or for none (windows, tables, images)
        }
        IntUnaryOperator line = data instanceof LabelledSequences s ? s::line : data instanceof Pairs p ? p::line : i -> -1;
        for (int i = 0; i < data.size(); i++) {
            probe.clearLengths();
            data.fill(i, probe, 0);
            boolean shortInput = Batch.maxLengthOf(info) > 0 && probe.length(0) != probe.maxLength();
            boolean shortOutput = Batch.maxTargetLengthOf(info) > 0 && probe.targetLength(0) != probe.maxTargetLength();
            if (shortInput || shortOutput) {
                int l = line.applyAsInt(i);
                throw new RnncIoException(data.layout().description() + (l > 0 ? ", line " + l : ", sample " + (i + 1)) + ": "
                        + (shortInput ? "the input has " + probe.length(0) + " steps of the model's " + probe.maxLength()
                        : "the target has " + probe.targetLength(0) + " steps (the end token included) of the model's "
                        + probe.maxTargetLength()) + "; model " + info.name() + " does not take per-sample lengths, so every "
                        + "sample must have exactly the spec's `sequence` steps (pad or cut the data, or use a spec with lengths)");
            }
        }
        return new FixedLength(data);
    }

    /** A dataset whose samples all have the full length, filled as a fixed-length batch (no lengths set). */
    private record FixedLength(Dataset data) implements Dataset {
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
            batch.clearLengths(); // every length is the maximum: checked by full()
        }
    }
}
