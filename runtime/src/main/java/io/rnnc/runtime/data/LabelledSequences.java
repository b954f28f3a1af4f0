package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Variable-length labelled sequences, one sample per line, for classification (many_to_one: one label per sample)
 * and tagging (many_to_many: one label per step). Each sample fills its row of a {@link Batch} up to its length,
 * pads the rest with 0 and sets the row's length ({@link Batch#setLength}), so padding never counts.
 *
 * <h2>Files</h2>
 * <ul>
 *   <li><b>TSV or CSV</b> (tab-separated when the first line holds a tab, else comma-separated; a field may be
 *       double-quoted): two fields per line, {@code sequence<TAB>label}. An optional header is recognised by its
 *       last field: {@code label, labels, y, target, targets, tag, tags, class}.</li>
 *   <li><b>JSON Lines</b> (the first non-blank character is <code>{</code>): one object per line with the sequence
 *       under {@code "x"} (or {@code "input"}, {@code "text"}, {@code "tokens"}, {@code "features"}) and the label(s)
 *       under {@code "y"} (or {@code "label"}, {@code "labels"}, {@code "tags"}, {@code "target"}).</li>
 * </ul>
 * A <b>token</b> sequence is text cut into characters or whitespace-separated words (a JSON array of strings gives
 * the tokens as they are). A <b>feature</b> sequence is numbers: steps separated by {@code ;} and a step's I values
 * by blanks or commas ({@code 0.1 0.2; 0.3 0.4}), or, without {@code ;}, all values in step order (a multiple of
 * I); in JSON an array of numbers (the same) or of I-number arrays. A label is a word or a whole number; labels per
 * step are separated by blanks (JSON: an array), one per step.
 *
 * <p>A sample longer than the model's {@code sequence T} is an error naming its line, unless truncation is asked
 * for (then its first T steps are kept). Ids come from a {@link Vocabulary} and {@link Labels} built on the training
 * split ({@link Records#split}); a token the training split lacks reads {@link Vocabulary#UNKNOWN}, a label it
 * lacks is an error naming the line.
 */
public final class LabelledSequences implements Dataset {

    static final Set<String> HEADER_LABELS = Set.of("label", "labels", "y", "target", "targets", "tag", "tags", "class");
    private static final List<String> INPUT_KEYS = List.of("x", "input", "text", "tokens", "features");
    private static final List<String> LABEL_KEYS = List.of("y", "label", "labels", "tags", "target");

    /**
     * How to read the samples.
     *
     * @param tokens       characters or words for token inputs; null for feature inputs
     * @param features     I, values per step of feature inputs; 0 for tokens
     * @param labelPerStep one label per step (tagging, many_to_many) rather than per sample (many_to_one)
     * @param maxSteps     T, the model's {@code sequence}: the longest sample
     * @param truncate     keep the first T steps of a longer sample instead of failing
     */
    public record Options(Vocabulary.Tokens tokens, int features, boolean labelPerStep, int maxSteps, boolean truncate) {
        public Options {
            if ((tokens == null) == (features == 0) || features < 0 || maxSteps < 1) {
                throw new IllegalArgumentException("give either tokens or a positive feature width, and maxSteps >= 1: "
                        + tokens + ", " + features + ", " + maxSteps);
            }
        }

        public static Options tokens(Vocabulary.Tokens tokens, int maxSteps, boolean labelPerStep) {
            return new Options(tokens, 0, labelPerStep, maxSteps, false);
        }

        public static Options features(int width, int maxSteps, boolean labelPerStep) {
            return new Options(null, width, labelPerStep, maxSteps, false);
        }

        /**
         * The options a model implies: token or feature inputs (I = its {@code input}), a label per step for
         * many_to_many, T = its {@code sequence}. {@code tokens} is how text is cut (ignored for feature models).
         */
        public static Options forModel(io.rnnc.runtime.ModelInfo model, Vocabulary.Tokens tokens) {
            boolean perStep = model.mode().equals("many_to_many");
            return model.tokenInputs() ? tokens(tokens, model.inputSteps(), perStep)
                    : features(model.inputSize(), model.inputSteps(), perStep);
        }

        /** The same, keeping the first T steps of longer samples. */
        public Options truncating() {
            return new Options(tokens, features, labelPerStep, maxSteps, true);
        }

        boolean tokenInputs() {
            return tokens != null;
        }

        String stepName() {
            return tokens == null ? "steps" : tokens.plural();
        }
    }

    /**
     * One sample as read, before ids.
     *
     * @param line     its 1-based line in the file
     * @param tokens   its tokens (token inputs), else null
     * @param features its values {@code [steps * I]} (feature inputs), else null
     * @param labels   one label, or one per step
     * @param labelAt  where its label field starts ({@code file:line:column}), for messages
     */
    public record Sample(int line, List<String> tokens, double[] features, List<String> labels, String labelAt) {
        public int steps(int width) {
            return tokens != null ? tokens.size() : features.length / width;
        }
    }

    /** The samples of one file, parsed. */
    public static final class Records {
        private final String source;
        private final Options options;
        private final List<Sample> samples;

        Records(String source, Options options, List<Sample> samples) {
            this.source = source;
            this.options = options;
            this.samples = List.copyOf(samples);
        }

        public String source() {
            return source;
        }

        public Options options() {
            return options;
        }

        public int size() {
            return samples.size();
        }

        public Sample sample(int i) {
            return samples.get(i);
        }

        /**
         * A seeded split by line ({@link Splits#shuffled}); the vocabulary and the labels come from the training part.
         */
        public Split split(Splits.Fractions fractions, long seed) {
            Splits.Parts p = Splits.shuffled(samples.size(), fractions, seed, source + ": " + samples.size() + " samples");
            Vocabulary vocabulary = options.tokenInputs() ? buildVocabulary(p.train()) : null;
            Labels labels = buildLabels(p.train());
            return new Split(encode(vocabulary, labels, p.train(), "training"),
                    p.validation().length == 0 ? null : encode(vocabulary, labels, p.validation(), "validation"),
                    p.test().length == 0 ? null : encode(vocabulary, labels, p.test(), "test"), vocabulary, labels);
        }

        /** Every sample is training data (the other parts come from other files: {@link #encode}). */
        public Split all() {
            return split(Splits.Fractions.none(), 0);
        }

        private Vocabulary buildVocabulary(int[] indices) {
            List<String> words = new ArrayList<>();
            for (int i : indices) {
                words.addAll(samples.get(i).tokens());
            }
            // Tokens are given one by one: WORDS splits none of them, CHARS gets single characters.
            return Vocabulary.build(options.tokens(), false, words);
        }

        private Labels buildLabels(int[] indices) {
            List<String> all = new ArrayList<>();
            for (int i : indices) {
                all.addAll(samples.get(i).labels());
            }
            return Labels.build(all);
        }

        /** Every sample in a given vocabulary and labels (the training split's, or a checkpoint's). */
        public LabelledSequences encode(Vocabulary vocabulary, Labels labels, String part) {
            int[] all = new int[samples.size()];
            Arrays.setAll(all, i -> i);
            return encode(vocabulary, labels, all, part);
        }

        LabelledSequences encode(Vocabulary vocabulary, Labels labels, int[] indices, String part) {
            if (options.tokenInputs() && (vocabulary == null || vocabulary.tokens() != options.tokens())) {
                throw new IllegalArgumentException("token samples need a vocabulary of " + options.tokens().plural());
            }
            return new LabelledSequences(this, vocabulary, labels, indices, part);
        }
    }

    /** The parts of a split and the ids they share; validation and test may be null, the vocabulary null for features. */
    public record Split(LabelledSequences train, LabelledSequences validation, LabelledSequences test, Vocabulary vocabulary,
                        Labels labels) {
    }

    private final int steps;
    private final int width;
    private final boolean perStep;
    private final int[][] inputs;   // token ids, or null
    private final double[][] values; // features, or null
    private final int[][] classes;
    private final int[] lengths;
    private final int[] lines;
    private final Vocabulary vocabulary;
    private final Labels labels;
    private final SampleLayout layout;

    private LabelledSequences(Records r, Vocabulary vocabulary, Labels labels, int[] indices, String part) {
        Options o = r.options();
        this.steps = o.maxSteps();
        this.width = o.tokenInputs() ? 1 : o.features();
        this.perStep = o.labelPerStep();
        this.vocabulary = vocabulary;
        this.labels = labels;
        int n = indices.length;
        this.inputs = o.tokenInputs() ? new int[n][] : null;
        this.values = o.tokenInputs() ? null : new double[n][];
        this.classes = new int[n][];
        this.lengths = new int[n];
        this.lines = new int[n];
        for (int k = 0; k < n; k++) {
            Sample s = r.sample(indices[k]);
            lines[k] = s.line();
            lengths[k] = s.steps(width);
            if (inputs != null) {
                inputs[k] = new int[lengths[k]];
                for (int t = 0; t < lengths[k]; t++) {
                    inputs[k][t] = vocabulary.id(s.tokens().get(t));
                }
            } else {
                values[k] = s.features();
            }
            classes[k] = new int[s.labels().size()];
            for (int t = 0; t < classes[k].length; t++) {
                classes[k][t] = labels.idAt(s.labels().get(t), s.labelAt());
            }
        }
        this.layout = new SampleLayout(o.tokenInputs(), o.tokenInputs() ? new int[] {steps} : new int[] {steps, width},
                vocabulary == null ? 0 : vocabulary.size(), true, new int[] {perStep ? steps : 1}, labels.size(),
                part + " sequences of " + r.source());
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * One unlabelled input, e.g. a line to predict on: token ids (a token the vocabulary lacks reads
     * {@link Vocabulary#UNKNOWN}) or feature values {@code [steps * I]}.
     */
    public record Input(int[] tokens, double[] features, int steps) {
    }

    /**
     * Reads one input written as a file's sequence field (text, or numbers with {@code ;} between steps) or, when it
     * starts with <code>{</code>, as a JSON object holding the sequence under {@code "x"} (or another input key).
     * {@code where} names it in messages ({@code stdin:3}).
     *
     * @param vocabulary the model's input vocabulary (null for feature inputs)
     * @throws RnncIoException for an empty or malformed input, or one longer than T unless truncating
     */
    public static Input input(String text, Options options, Vocabulary vocabulary, String where) {
        List<String> tokens;
        double[] features;
        if (text.stripLeading().startsWith("{")) {
            Object parsed;
            try {
                parsed = JsonValues.parse(text);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new RnncIoException(where + (m.startsWith("column ") ? ":" + m.substring(7) : ": " + m));
            }
            if (!(parsed instanceof Map<?, ?> object)) {
                throw new RnncIoException(where + ": expected a JSON object with the sequence under \"x\", found "
                        + JsonValues.describe(parsed));
            }
            Object x = first(object, INPUT_KEYS);
            if (x == null) {
                throw new RnncIoException(where + ": no sequence field (\"x\", \"input\", \"text\", \"tokens\" or \"features\"); "
                        + "the fields are " + object.keySet());
            }
            Sequence sequence = jsonSequence(x, options, where);
            tokens = sequence.tokens();
            features = sequence.features();
        } else if (options.tokenInputs()) {
            tokens = new ArrayList<>();
            for (Vocabulary.Token t : Vocabulary.split(options.tokens(), text)) {
                tokens.add(t.text());
            }
            features = null;
        } else {
            tokens = null;
            features = parseFeatures(text, options.features(), where, 1);
        }
        Options unlabelled = new Options(options.tokens(), options.features(), false, options.maxSteps(), options.truncate());
        int steps = tokens != null ? tokens.size() : features.length / options.features();
        Sample s = finish(where, where, 0, tokens, features, steps, List.of("-"), unlabelled);
        if (features != null) {
            return new Input(null, s.features(), s.steps(options.features()));
        }
        int[] ids = new int[s.tokens().size()];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = vocabulary.id(s.tokens().get(k));
        }
        return new Input(ids, null, ids.length);
    }

    /** Reads a TSV, CSV or JSON Lines file of samples. */
    public static Records read(Path file, Options options) {
        return parse(file.toString(), TextFiles.readUtf8(file), options);
    }

    /** As {@link #read} for text in memory ({@code \n} line ends); {@code source} names it in messages. */
    public static Records parse(String source, String text, Options options) {
        List<Sample> samples = new ArrayList<>();
        if (text.stripLeading().startsWith("{")) {
            String[] lines = text.split("\n", -1);
            for (int k = 0; k < lines.length; k++) {
                if (!lines[k].isBlank()) {
                    samples.add(jsonSample(source, k + 1, lines[k], options));
                }
            }
        } else {
            char delimiter = DelimitedLines.delimiter(text);
            List<DelimitedLines.Line> lines = DelimitedLines.read(source, text, delimiter);
            for (int k = 0; k < lines.size(); k++) {
                DelimitedLines.Line line = lines.get(k);
                List<DelimitedLines.Field> f = line.fields();
                if (k == 0 && f.size() == 2 && HEADER_LABELS.contains(f.get(1).text().strip().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (f.size() != 2) {
                    throw new RnncIoException(source + ":" + line.number() + ": expected 2 " + DelimitedLines.name(delimiter)
                            + "-separated fields (sequence, " + (options.labelPerStep() ? "labels" : "label") + "), found "
                            + f.size() + (f.size() > 2 ? " (quote a field that holds a " + DelimitedLines.name(delimiter) + ")" : ""));
                }
                samples.add(delimitedSample(source, line.number(), f.get(0), f.get(1), options));
            }
        }
        if (samples.isEmpty()) {
            throw new RnncIoException(source + ": no samples (the file is empty)");
        }
        return new Records(source, options, samples);
    }

    private static Sample delimitedSample(String source, int line, DelimitedLines.Field x, DelimitedLines.Field y, Options o) {
        String at = source + ":" + line;
        List<String> tokens = null;
        double[] features = null;
        if (o.tokenInputs()) {
            tokens = new ArrayList<>();
            for (Vocabulary.Token t : Vocabulary.split(o.tokens(), x.text())) {
                tokens.add(t.text());
            }
        } else {
            features = parseFeatures(x.text(), o.features(), at, x.column());
        }
        int steps = tokens != null ? tokens.size() : features.length / o.features();
        List<String> labels = new ArrayList<>();
        String labelAt = at + ":" + y.column();
        if (o.labelPerStep()) {
            for (Vocabulary.Token t : Vocabulary.split(Vocabulary.Tokens.WORDS, y.text())) {
                labels.add(t.text());
            }
        } else if (!y.text().isBlank()) {
            labels.add(y.text().strip());
        }
        return finish(at + ":" + x.column(), labelAt, line, tokens, features, steps, labels, o);
    }

    private static Sample jsonSample(String source, int line, String text, Options o) {
        String at = source + ":" + line;
        Object parsed;
        try {
            parsed = JsonValues.parse(text);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new RnncIoException(at + (m.startsWith("column ") ? ":" + m.substring(7) : ": " + m)
                    + " (each line must be one JSON object)");
        }
        if (!(parsed instanceof Map<?, ?> object)) {
            throw new RnncIoException(at + ": expected a JSON object such as {\"x\": ..., \"y\": ...}, found " + JsonValues.describe(parsed));
        }
        Object x = first(object, INPUT_KEYS);
        Object y = first(object, LABEL_KEYS);
        if (x == null || y == null) {
            throw new RnncIoException(at + ": no " + (x == null ? "sequence field (\"x\", \"input\", \"text\", \"tokens\" or \"features\")"
                    : "label field (\"y\", \"label\", \"labels\", \"tags\" or \"target\")") + "; the fields are " + object.keySet());
        }
        Sequence sequence = jsonSequence(x, o, at);
        List<String> tokens = sequence.tokens();
        double[] features = sequence.features();
        int steps = tokens != null ? tokens.size() : features.length / o.features();
        List<String> labels = new ArrayList<>();
        if (o.labelPerStep()) {
            if (!(y instanceof List<?> list)) {
                throw new RnncIoException(at + ": the labels are " + JsonValues.describe(y) + ", expected an array with one label per step");
            }
            for (Object e : list) {
                labels.add(jsonLabel(e, at));
            }
        } else {
            labels.add(jsonLabel(y, at));
        }
        return finish(at, at, line, tokens, features, steps, labels, o);
    }

    /** A sequence as read: its tokens, or its feature values. */
    private record Sequence(List<String> tokens, double[] features) {
    }

    private static Sequence jsonSequence(Object x, Options o, String at) {
        List<String> tokens = null;
        double[] features = null;
        if (o.tokenInputs()) {
            tokens = new ArrayList<>();
            if (x instanceof String s) {
                for (Vocabulary.Token t : Vocabulary.split(o.tokens(), s)) {
                    tokens.add(t.text());
                }
            } else if (x instanceof List<?> list) {
                for (int k = 0; k < list.size(); k++) {
                    Object e = list.get(k);
                    boolean ok = e instanceof String s && !s.isEmpty() && (o.tokens() == Vocabulary.Tokens.CHARS
                            ? s.codePointCount(0, s.length()) == 1 : s.codePoints().noneMatch(Character::isWhitespace));
                    if (!ok) {
                        throw new RnncIoException(at + ": token " + (k + 1) + " of the sequence is " + JsonValues.describe(e)
                                + ", expected one " + (o.tokens() == Vocabulary.Tokens.CHARS ? "character" : "word without blanks")
                                + " as a string");
                    }
                    tokens.add((String) e);
                }
            } else {
                throw new RnncIoException(at + ": the sequence is " + JsonValues.describe(x) + ", expected a string or an array of strings");
            }
        } else {
            features = jsonFeatures(x, o.features(), at);
        }
        return new Sequence(tokens, features);
    }

    private static Sample finish(String xAt, String labelAt, int line, List<String> tokens, double[] features, int steps,
                                 List<String> labels, Options o) {
        if (steps == 0) {
            throw new RnncIoException(xAt + ": empty sequence (expected at least one " + (o.tokenInputs()
                    ? o.tokens() == Vocabulary.Tokens.CHARS ? "character" : "word" : "step of " + o.features() + " values") + ")");
        }
        if (labels.isEmpty()) {
            throw new RnncIoException(labelAt + ": no label (expected " + (o.labelPerStep() ? "one label per step" : "a label") + ")");
        }
        if (o.labelPerStep() && labels.size() != steps) {
            throw new RnncIoException(labelAt + ": " + labels.size() + " labels for " + steps + " " + o.stepName()
                    + " (expected one label per step)");
        }
        if (steps > o.maxSteps()) {
            if (!o.truncate()) {
                throw new RnncIoException(xAt + ": the sequence has " + steps + " " + o.stepName() + ", more than the model's `sequence "
                        + o.maxSteps() + "` (shorten the sample, raise the spec's sequence, or ask for truncation)");
            }
            steps = o.maxSteps();
            tokens = tokens == null ? null : List.copyOf(tokens.subList(0, steps));
            features = features == null ? null : Arrays.copyOf(features, steps * o.features());
            labels = o.labelPerStep() ? labels.subList(0, steps) : labels;
        }
        return new Sample(line, tokens == null ? null : List.copyOf(tokens), features, List.copyOf(labels), labelAt);
    }

    private static Object first(Map<?, ?> object, List<String> keys) {
        for (String k : keys) {
            if (object.containsKey(k)) {
                return object.get(k);
            }
        }
        return null;
    }

    private static String jsonLabel(Object v, String at) {
        if (v instanceof String s && !s.isBlank()) {
            return s.strip();
        }
        if (v instanceof Double d && d == Math.rint(d) && d >= 0 && d < 1e9) {
            return Long.toString(d.longValue());
        }
        throw new RnncIoException(at + ": a label is " + JsonValues.describe(v) + ", expected a non-empty string or a whole number >= 0");
    }

    private static double[] jsonFeatures(Object x, int width, String at) {
        if (!(x instanceof List<?> list)) {
            throw new RnncIoException(at + ": the sequence is " + JsonValues.describe(x) + ", expected an array of numbers or of "
                    + width + "-number arrays");
        }
        List<Double> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            Object e = list.get(k);
            if (e instanceof Double d) {
                out.add(d);
            } else if (e instanceof List<?> step) {
                if (step.size() != width) {
                    throw new RnncIoException(at + ": step " + (k + 1) + " has " + step.size() + " values, expected " + width);
                }
                for (Object v : step) {
                    if (!(v instanceof Double d)) {
                        throw new RnncIoException(at + ": step " + (k + 1) + " holds " + JsonValues.describe(v) + ", expected numbers");
                    }
                    out.add(d);
                }
            } else {
                throw new RnncIoException(at + ": step " + (k + 1) + " is " + JsonValues.describe(e) + ", expected a number or an array of "
                        + width);
            }
        }
        if (out.size() % width != 0) {
            throw new RnncIoException(at + ": " + out.size() + " values are not whole steps of " + width);
        }
        double[] v = new double[out.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = out.get(k);
        }
        return v;
    }

    /** Numbers separated by blanks or commas; with ';', steps separated by ';' (each checked to hold I values). */
    static double[] parseFeatures(String text, int width, String at, int column) {
        List<Double> out = new ArrayList<>();
        boolean grouped = text.indexOf(';') >= 0;
        int groupStart = 0;
        int step = 1;
        while (groupStart <= text.length()) {
            int end = grouped ? text.indexOf(';', groupStart) : -1;
            if (end < 0) {
                end = text.length();
            }
            String group = text.substring(groupStart, end);
            boolean last = end == text.length();
            if (!(grouped && last && group.isBlank() && step > 1)) { // a trailing ';' is allowed
                int before = out.size();
                int i = 0;
                while (i < group.length()) {
                    if (" ,\t".indexOf(group.charAt(i)) >= 0) {
                        i++;
                        continue;
                    }
                    int start = i;
                    while (i < group.length() && " ,\t".indexOf(group.charAt(i)) < 0) {
                        i++;
                    }
                    String v = group.substring(start, i);
                    if (!CsvSeries.isNumber(v)) {
                        throw new RnncIoException(at + ":" + (column + groupStart + start) + ": '" + v
                                + "' is not a number (expected feature values)");
                    }
                    out.add(Double.parseDouble(v));
                }
                if (grouped && out.size() - before != width) {
                    int lead = 0;
                    while (lead < group.length() && " ,\t".indexOf(group.charAt(lead)) >= 0) {
                        lead++;
                    }
                    throw new RnncIoException(at + ":" + (column + groupStart + lead) + ": step " + step + " has " + (out.size() - before)
                            + " values, expected " + width);
                }
            }
            step++;
            groupStart = end + 1;
        }
        if (!grouped && out.size() % width != 0) {
            throw new RnncIoException(at + ":" + column + ": " + out.size() + " values are not whole steps of " + width
                    + " (separate steps with ';' to have each checked)");
        }
        double[] v = new double[out.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = out.get(k);
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------------ dataset

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Checks the data against a model, the vocabulary and the classes first so the message gives the number to write
     * ({@code the data has 87 distinct characters + 2 reserved ids = 89: write `input tokens 89` or more ...}).
     *
     * @throws RnncIoException saying what does not fit
     */
    public void checkFits(io.rnnc.runtime.ModelInfo model) {
        if (vocabulary != null && model.tokenInputs()) {
            vocabulary.checkFits(model.vocab(), "input tokens");
        }
        if (model.classTargets()) {
            labels.checkFits(model.outputs());
        }
        layout.checkFits(model);
    }

    public Labels labels() {
        return labels;
    }

    /** Steps of sample {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /** The file line of sample {@code i}. */
    public int line(int i) {
        return lines[i];
    }

    @Override
    public int size() {
        return lengths.length;
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        int n = lengths[index];
        if (inputs != null) {
            int at = slot * steps;
            System.arraycopy(inputs[index], 0, batch.tokens, at, n);
            Arrays.fill(batch.tokens, at + n, at + steps, Vocabulary.PADDING);
        } else {
            int at = slot * steps * width;
            System.arraycopy(values[index], 0, batch.features, at, n * width);
            Arrays.fill(batch.features, at + n * width, at + steps * width, 0.0);
        }
        if (perStep) {
            int at = slot * steps;
            System.arraycopy(classes[index], 0, batch.classes, at, n);
            Arrays.fill(batch.classes, at + n, at + steps, 0);
        } else {
            batch.classes[slot] = classes[index][0];
        }
        if (batch.maxLength() > 0) { // one_to_one reads one step and has no lengths
            batch.setLength(slot, n);
        }
    }

    @Override
    public String toString() {
        return layout.description() + " (" + size() + ")";
    }
}
