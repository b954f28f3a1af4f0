package io.rnnc.cli;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.data.CsvSeries;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.LabelledSequences;
import io.rnnc.runtime.data.Normalization;
import io.rnnc.runtime.data.SeriesWindows;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.generate.BeamSearch;
import io.rnnc.runtime.generate.Sampler;
import io.rnnc.runtime.generate.StepModel;
import io.rnnc.runtime.io.RnncIoException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code rnnc predict} for data read with a checkpoint's settings: sequences, text, pairs, series, tables. */
final class Predictions {

    /** How predictions are written. */
    enum Kind {
        TEXT, CSV, JSON;

        static Kind parse(String w) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(w.strip())) {
                    return k;
                }
            }
            throw new UserException("--output " + w + ": expected text, csv or json");
        }
    }

    private final Trained trained;
    private final RnnModel net;
    private final ModelInfo info;
    private final DataMetadata meta;
    private final Kind kind;
    private final PrintWriter out;
    private final Path input;
    private final InputStream stdin;
    private final boolean truncate;
    private final int top;
    private final Integer beam;
    private boolean headerDone;

    Predictions(Trained trained, Kind kind, PrintWriter out, Path input, InputStream stdin, boolean truncate, int top,
                Integer beam) {
        this.trained = trained;
        this.net = trained.net();
        this.info = net.info();
        this.meta = trained.data();
        this.kind = kind;
        this.out = out;
        this.input = input;
        this.stdin = stdin;
        this.truncate = truncate;
        this.top = top;
        this.beam = beam;
    }

    void run() {
        switch (meta.format()) {
            case SEQUENCES -> sequences();
            case TEXT -> text();
            case PAIRS -> pairs();
            case SERIES -> series();
            case TABLE -> table();
            case IDX -> throw new IllegalStateException("images are predicted by PredictCommand");
        }
    }

    private String where(int line) {
        return (input == null ? "stdin" : input.toString()) + ":" + line;
    }

    // ------------------------------------------------------------------------------------------------ sequences

    private void sequences() {
        LabelledSequences.Options o = LabelledSequences.Options.forModel(info,
                meta.input() != null ? meta.input().tokens() : Vocabulary.Tokens.CHARS);
        if (truncate) {
            o = o.truncating();
        }
        boolean lengths = net.acceptsLengths();
        Batch batch = Batch.forModel(info, 1);
        int steps = info.inputSteps();
        int o2 = info.outputs();
        double[] probs = new double[info.logitsPerSample()];
        List<String> lines = Inputs.lines(input, stdin);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            LabelledSequences.Input x = LabelledSequences.input(line, o, meta.input(), where(i + 1));
            if (!lengths && x.steps() != steps) {
                throw new RnncIoException(where(i + 1) + ": the input has " + x.steps() + " steps; model " + info.name()
                        + " does not take per-sample lengths, so every input must have exactly the spec's `sequence " + steps + "`");
            }
            batch.clearLengths();
            if (x.tokens() != null) {
                Arrays.fill(batch.tokens, 0);
                System.arraycopy(x.tokens(), 0, batch.tokens, 0, x.steps());
            } else {
                Arrays.fill(batch.features, 0);
                System.arraycopy(x.features(), 0, batch.features, 0, x.features().length);
            }
            if (lengths && Batch.maxLengthOf(info) > 0) {
                batch.setLength(0, x.steps());
            }
            net.forward(batch);
            net.copyOutputs(probs);
            int outSteps = info.mode().equals("many_to_many") ? x.steps() : 1;
            List<String> labels = new ArrayList<>();
            List<Double> ps = new ArrayList<>();
            for (int t = 0; t < outSteps; t++) {
                int best = io.rnnc.runtime.train.Metrics.argMax(probs, t * o2, o2);
                labels.add(best < meta.labels().size() ? meta.labels().name(best) : Integer.toString(best));
                ps.add(probs[t * o2 + best]);
            }
            String text = line.strip();
            switch (kind) {
                case JSON -> {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("input", text);
                    if (outSteps == 1) {
                        j.put("label", labels.get(0));
                        j.put("p", ps.get(0));
                        Map<String, Object> all = new LinkedHashMap<>();
                        for (int k = 0; k < meta.labels().size() && k < o2; k++) {
                            all.put(meta.labels().name(k), probs[k]);
                        }
                        j.put("probabilities", all);
                    } else {
                        j.put("labels", labels);
                        j.put("p", ps);
                    }
                    out.println(JsonOut.write(j));
                }
                case CSV -> {
                    header("input,label,p");
                    out.println(csv(text) + "," + csv(String.join(" ", labels)) + ","
                            + (outSteps == 1 ? String.format(Locale.ROOT, "%.6f", ps.get(0)) : ""));
                }
                case TEXT -> out.println(text + "\t" + String.join(" ", labels)
                        + (outSteps == 1 ? String.format(Locale.ROOT, "\t(p=%.3f)", ps.get(0)) : ""));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ text

    private void text() {
        boolean window = info.mode().equals("many_to_one");
        StepModel step = net instanceof StepModel m ? m : null;
        if (!window && step == null) {
            throw new UserException("model " + info.name() + " cannot predict text token by token");
        }
        Vocabulary v = meta.input();
        double[] logits = new double[info.outputs()];
        Batch batch = window ? Batch.forModel(info, 1) : null;
        double[] windowLogits = window ? new double[info.logitsPerSample()] : null;
        List<String> lines = Inputs.lines(input, stdin);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            int[] ids = v.encodeStrict(line, input == null ? "stdin" : input.toString(), i + 1, 1);
            if (ids.length == 0) {
                continue;
            }
            if (window) {
                // a window model predicts the token after its last `sequence` tokens, as it was trained (TextWindows):
                // a longer line is read from its last T tokens, a shorter one with its own length
                int t = Math.min(ids.length, info.inputSteps());
                batch.setSize(1);
                batch.clearLengths();
                Arrays.fill(batch.tokens, 0);
                System.arraycopy(ids, ids.length - t, batch.tokens, 0, t);
                if (t < info.inputSteps()) {
                    if (!net.acceptsLengths()) {
                        throw new RnncIoException(where(i + 1) + ": the input has " + t + " tokens; model " + info.name()
                                + " does not take per-sample lengths, so it needs at least its `sequence " + info.inputSteps() + "`");
                    }
                    batch.setLength(0, t);
                }
                net.forward(batch);
                net.copyLogits(windowLogits);
                System.arraycopy(windowLogits, 0, logits, 0, logits.length);
            } else {
                step.start(1, ids, null);
                for (int id : ids) {
                    step.feedToken(0, id);
                    step.step(1);
                }
                step.logits(1, logits);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            Integer[] order = new Integer[logits.length];
            for (int k = 0; k < order.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
            Map<String, Object> next = new LinkedHashMap<>();
            for (int k = 0; k < Math.min(top, order.length); k++) {
                int id = order[k];
                next.put(id < v.size() ? v.token(id) : "<" + id + ">", Math.exp(logits[id] - max) / sum);
            }
            switch (kind) {
                case JSON -> {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("input", line);
                    j.put("next", next);
                    out.println(JsonOut.write(j));
                }
                case CSV -> {
                    header("input,next,p");
                    var first = next.entrySet().iterator().next();
                    out.println(csv(line) + "," + csv(first.getKey()) + String.format(Locale.ROOT, ",%.6f", (Double) first.getValue()));
                }
                case TEXT -> {
                    StringBuilder s = new StringBuilder(line).append("\t→");
                    next.forEach((t, p) -> s.append(' ').append(visible(t)).append(String.format(Locale.ROOT, " (%.3f)", (Double) p)));
                    out.println(s);
                }
            }
        }
    }

    private static String visible(String token) {
        return token.equals("\n") ? "\\n" : token.equals(" ") ? "' '" : token;
    }

    // ------------------------------------------------------------------------------------------------ pairs

    private void pairs() {
        if (!(net instanceof StepModel step)) {
            throw new UserException("model " + info.name() + " cannot decode step by step");
        }
        Vocabulary source = meta.input();
        Vocabulary target = meta.target();
        int end = target.hasEnd() ? Vocabulary.END : SequenceGenerator.NO_END_TOKEN;
        if (beam != null && (beam < 1 || beam > info.maxBatch())) {
            throw new UserException("--beam must be 1.." + info.maxBatch() + " (the spec's batch), got " + beam);
        }
        BeamSearch search = beam == null ? null : new BeamSearch(step, info.outputSteps());
        Sampler greedy = new Sampler(step);
        int[] ids = new int[info.outputSteps()];
        List<String> lines = Inputs.lines(input, stdin);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int[] src = source.encode(line);
            if (src.length > info.inputSteps()) {
                if (!truncate) {
                    throw new RnncIoException(where(i + 1) + ": the input has " + src.length + " tokens, more than "
                            + info.inputSteps() + " (the encoder's `sequence`); shorten it or give --truncate");
                }
                src = Arrays.copyOf(src, info.inputSteps());
            }
            int n = search != null ? search.search(src, null, SequenceGenerator.START_TOKEN, beam, end, ids)
                    : greedy.generate(src, null, SequenceGenerator.START_TOKEN, info.outputSteps(), 0, null, end, ids);
            String result = target.decode(safe(ids, n, target), 0, n);
            switch (kind) {
                case JSON -> {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("input", line);
                    j.put("output", result);
                    out.println(JsonOut.write(j));
                }
                case CSV -> {
                    header("input,output");
                    out.println(csv(line) + "," + csv(result));
                }
                case TEXT -> out.println(line + "\t" + result);
            }
        }
    }

    /** Ids past the data's vocabulary (the spec's may be larger; an untrained model may pick them) read as unknown. */
    static int[] safe(int[] ids, int n, Vocabulary v) {
        int[] out = Arrays.copyOf(ids, n);
        for (int k = 0; k < n; k++) {
            if (out[k] >= v.size()) {
                out[k] = Vocabulary.UNKNOWN;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ series

    private void series() {
        SeriesWindows.Spec spec = meta.series();
        Normalization norm = meta.norm();
        String source = input == null ? "stdin" : input.toString();
        CsvSeries s = CsvSeries.parse(source, Inputs.text(input, stdin),
                CsvSeries.Options.columns(norm.names().toArray(String[]::new)));
        int steps = spec.steps();
        if (s.length() < steps) {
            throw new RnncIoException(source + ": " + s.length() + " rows; the model reads the last " + steps
                    + " (its `sequence`) to forecast");
        }
        Batch batch = Batch.forModel(info, 1);
        int width = spec.inputs().size();
        int first = s.length() - steps;
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < width; k++) {
                int c = norm.column(spec.inputs().get(k));
                batch.features[t * width + k] = norm.normalize(c, s.columns()[c][first + t]);
            }
        }
        net.forward(batch);
        double[] y = new double[info.logitsPerSample()];
        net.copyOutputs(y);
        List<String> targets = spec.targets();
        int horizon = spec.everyStep() ? 1 : spec.horizon();
        int offset = spec.everyStep() ? (steps - 1) * targets.size() : 0; // many_to_many: the last step's outputs
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int h = 0; h < horizon; h++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ahead", spec.everyStep() ? spec.horizon() : h + 1);
            for (int k = 0; k < targets.size(); k++) {
                int c = norm.column(targets.get(k));
                row.put(targets.get(k), norm.denormalize(c, y[offset + h * targets.size() + k]));
            }
            rows.add(row);
        }
        switch (kind) {
            case JSON -> out.println(JsonOut.write(Map.of("forecast", rows)));
            case CSV -> {
                out.println("ahead," + String.join(",", targets));
                for (Map<String, Object> r : rows) {
                    StringBuilder b = new StringBuilder(r.get("ahead").toString());
                    for (String t : targets) {
                        b.append(String.format(Locale.ROOT, ",%.6g", (Double) r.get(t)));
                    }
                    out.println(b);
                }
            }
            case TEXT -> {
                for (Map<String, Object> r : rows) {
                    StringBuilder b = new StringBuilder("+" + r.get("ahead") + ":");
                    for (String t : targets) {
                        b.append(String.format(Locale.ROOT, " %s %.6g", t, (Double) r.get(t)));
                    }
                    out.println(b);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ table

    private void table() {
        String source = input == null ? "stdin" : input.toString();
        Map<String, String> raw = trained.rawData();
        List<String> inputs = raw.containsKey(TrainingData.TABLE_INPUTS) ? List.of(raw.get(TrainingData.TABLE_INPUTS).split(","))
                : null;
        String text = Inputs.text(input, stdin);
        CsvSeries t = inputs == null ? CsvSeries.parse(source, text, CsvSeries.Options.all())
                : CsvSeries.parse(source, text, CsvSeries.Options.columns(inputs.toArray(String[]::new)));
        if (t.names().size() < info.inputSize()) {
            throw new RnncIoException(source + ": " + t.names().size() + " columns; model " + info.name() + " reads "
                    + info.inputSize());
        }
        Batch batch = Batch.forModel(info, 1);
        double[] y = new double[info.logitsPerSample()];
        int o = info.outputs();
        for (int r = 0; r < t.length(); r++) {
            for (int k = 0; k < info.inputSize(); k++) {
                batch.features[k] = t.columns()[k][r];
            }
            net.forward(batch);
            net.copyOutputs(y);
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("line", t.lines()[r]);
            if (info.classTargets()) {
                int best = io.rnnc.runtime.train.Metrics.argMax(y, 0, o);
                j.put("class", best);
                j.put("p", y[best]);
            } else {
                List<Object> v = new ArrayList<>();
                for (int k = 0; k < o; k++) {
                    v.add(y[k]);
                }
                j.put("values", v);
            }
            switch (kind) {
                case JSON -> out.println(JsonOut.write(j));
                case CSV -> {
                    header(info.classTargets() ? "line,class,p" : "line," + String.join(",", columnNames(raw, o)));
                    out.println(info.classTargets() ? t.lines()[r] + "," + j.get("class") + String.format(Locale.ROOT, ",%.6f", y[(int) j.get("class")])
                            : t.lines()[r] + "," + joined(y, o, ","));
                }
                case TEXT -> out.println("line " + t.lines()[r] + ": " + (info.classTargets()
                        ? j.get("class") + String.format(Locale.ROOT, " (p=%.3f)", (Double) j.get("p")) : joined(y, o, " ")));
            }
        }
    }

    private static List<String> columnNames(Map<String, String> raw, int o) {
        if (raw.containsKey(TrainingData.TABLE_TARGETS)) {
            return List.of(raw.get(TrainingData.TABLE_TARGETS).split(","));
        }
        List<String> n = new ArrayList<>();
        for (int k = 0; k < o; k++) {
            n.add("y" + k);
        }
        return n;
    }

    private static String joined(double[] y, int n, String sep) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < n; k++) {
            b.append(k == 0 ? "" : sep).append(String.format(Locale.ROOT, "%.6g", y[k]));
        }
        return b.toString();
    }

    private void header(String h) {
        if (!headerDone) {
            out.println(h);
            headerDone = true;
        }
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
