package io.rnnc.runtime.data;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.io.RnncIoException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kinds of data file the runtime reads, and which of them fit a model. The default is chosen from the model's
 * mode, input kind and loss ({@link #candidates}: the first fits by default, {@link #choose} takes an override);
 * {@link #expects} and {@link #sniff} give the one-line texts a command line shows. Data, not command-line code.
 */
public enum DataFormat {
    /** {@link TextCorpus} through {@link StreamBatches} or {@link TextWindows}. */
    TEXT("text", "plain UTF-8 text, cut into characters or words; the target is the next token"),
    /** {@link SeriesWindows}. */
    SERIES("series", "a CSV/TSV time series, one row per time step under a header; input and target columns, a horizon"),
    /** {@link TableRows}. */
    TABLE("table", "CSV/TSV rows, one sample per row: input columns and target columns"),
    /** {@link LabelledSequences}. */
    SEQUENCES("sequences", "labelled sequences, one per line: TSV/CSV `sequence<TAB>label(s)` or JSON Lines {\"x\": ..., \"y\": ...}"),
    /** {@link Pairs}. */
    PAIRS("pairs", "TSV pairs `source<TAB>target`, each side characters or space-separated tokens"),
    /** {@link Mnist} (any IDX image set). */
    IDX("idx", "IDX image and label files (MNIST's format, raw or gzipped); image rows are the steps");

    private final String word;
    private final String summary;

    DataFormat(String word, String summary) {
        this.word = word;
        this.summary = summary;
    }

    /** The name a user writes ({@code --format sequences}). */
    public String word() {
        return word;
    }

    /** What a file of this format holds, in one line. */
    public String summary() {
        return summary;
    }

    /**
     * A format by name.
     *
     * @throws RnncIoException listing the names
     */
    public static DataFormat parse(String name) {
        for (DataFormat f : values()) {
            if (f.word.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new RnncIoException("unknown data format '" + name + "'; the formats are "
                + List.of(values()).stream().map(DataFormat::word).collect(Collectors.joining(", ")));
    }

    /** The formats a model can train on, the default first; empty when none reads such a model yet. */
    public static List<DataFormat> candidates(ModelInfo info) {
        boolean tokens = info.tokenInputs();
        boolean classes = info.classTargets();
        List<DataFormat> out = new ArrayList<>();
        switch (info.mode()) {
            case "one_to_one" -> out.add(tokens ? SEQUENCES : TABLE);
            case "one_to_many" -> {
                if (!tokens && !classes) {
                    out.add(IDX);
                }
            }
            case "many_to_one" -> {
                if (tokens && classes) {
                    out.addAll(List.of(SEQUENCES, TEXT));
                } else if (!tokens) {
                    out.addAll(classes ? List.of(IDX, SEQUENCES) : List.of(SERIES));
                }
            }
            case "many_to_many" -> {
                if (tokens && classes) {
                    out.addAll(List.of(TEXT, SEQUENCES));
                } else if (!tokens) {
                    out.add(classes ? SEQUENCES : SERIES);
                }
            }
            case "seq2seq" -> {
                if (tokens && classes) {
                    out.add(PAIRS);
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + info.mode());
        }
        return List.copyOf(out);
    }

    /**
     * The format to read for a model: {@code override} (a format name, or null for the default).
     *
     * @throws RnncIoException when the override does not fit the model, or no format does
     */
    public static DataFormat choose(ModelInfo info, String override) {
        List<DataFormat> fits = candidates(info);
        if (fits.isEmpty()) {
            throw new RnncIoException("no data format reads model " + info.name() + " (" + describe(info) + ") yet; "
                    + "train it from Java with your own Dataset");
        }
        if (override == null) {
            return fits.get(0);
        }
        DataFormat f = parse(override);
        if (!fits.contains(f)) {
            throw new RnncIoException("data format '" + f.word + "' does not fit model " + info.name() + " (" + describe(info)
                    + "); it reads " + fits.stream().map(DataFormat::word).collect(Collectors.joining(" or ")));
        }
        return f;
    }

    /** The model in data terms: {@code many_to_one, 28 float features per step, cross_entropy over 10 classes}. */
    public static String describe(ModelInfo info) {
        String in = info.tokenInputs() ? "token ids (vocabulary " + info.vocab() + ")"
                : info.inputSize() + " float feature" + (info.inputSize() == 1 ? "" : "s")
                + (info.mode().equals("one_to_one") || info.mode().equals("one_to_many") ? "" : " per step");
        String out = info.classTargets() ? "cross_entropy over " + info.outputs() + " classes"
                : info.loss() + " on " + info.outputs() + " value" + (info.outputs() == 1 ? "" : "s");
        return info.mode() + ", " + in + ", " + out;
    }

    /**
     * What the data of a model should be, for a {@code --data} help line: {@code many_to_one, 28 float features per
     * step, cross_entropy over 10 classes: reads IDX image and label files (...) or labelled sequences, ...}.
     */
    public static String expects(ModelInfo info) {
        List<DataFormat> fits = candidates(info);
        if (fits.isEmpty()) {
            return describe(info) + ": no data format reads this model yet";
        }
        return describe(info) + ": reads " + fits.stream().map(f -> f.word + " (" + f.summary + ")")
                .collect(Collectors.joining(" or "));
    }

    /**
     * What the first bytes of a file look like, for a message next to {@link #expects}: {@code an IDX image file
     * (20 images of 28x28)}, {@code JSON Lines}, {@code tab-separated, 2 fields on line 1}, ...
     */
    public static String sniff(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return "gzip data (IDX files may be gzipped)";
        }
        if (head.length >= 4) {
            int magic = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
            if (magic == Mnist.IMAGES_MAGIC && head.length >= 16) {
                return "an IDX image file (" + readInt(head, 4) + " images of " + readInt(head, 8) + "x" + readInt(head, 12) + ")";
            }
            if (magic == Mnist.LABELS_MAGIC && head.length >= 8) {
                return "an IDX label file (" + readInt(head, 4) + " labels)";
            }
        }
        String text;
        try {
            // a multi-byte character cut at the end of the head is not an error
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(head, 0, utf8Boundary(head))).toString();
        } catch (CharacterCodingException e) {
            return "binary data, not UTF-8 text";
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            return "an empty file";
        }
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        String first = "";
        for (String l : lines) {
            if (!l.isBlank()) {
                first = l;
                break;
            }
        }
        if (first.stripLeading().startsWith("{")) {
            return "JSON Lines (a JSON object on line 1)";
        }
        if (first.indexOf('\t') >= 0) {
            return "tab-separated, " + first.split("\t", -1).length + " fields on the first line";
        }
        if (first.indexOf(',') >= 0) {
            String[] f = first.split(",", -1);
            boolean numeric = true;
            for (String x : f) {
                numeric &= CsvSeries.isNumber(x.strip());
            }
            return "comma-separated, " + f.length + " fields on the first line" + (numeric ? "" : " (a header?)");
        }
        return "plain text";
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** The length of {@code head} without a trailing incomplete UTF-8 sequence. */
    private static int utf8Boundary(byte[] head) {
        int n = head.length;
        for (int back = 1; back <= 3 && n - back >= 0; back++) {
            int b = head[n - back] & 0xff;
            if ((b & 0xC0) != 0x80) { // a lead byte (or ASCII) at n - back
                int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return need > back ? n - back : n;
            }
        }
        return n;
    }
}
