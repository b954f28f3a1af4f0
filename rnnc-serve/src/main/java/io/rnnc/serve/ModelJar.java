package io.rnnc.serve;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Normalization;
import io.rnnc.runtime.data.SeriesWindows;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.io.RnncIoException;
import io.rnnc.runtime.io.SafeTensors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * A model packaged by {@code rnnc package}: the generated class, the runtime, this module's serving classes and
 * the checkpoint (weights, vocabulary, labels, normalisation) in one jar. {@link #load()} is the one call a program
 * makes with the jar on its classpath; {@link #main} is {@code java -jar model.jar predict|serve|info}.
 */
public final class ModelJar {

    /** The jar's description of its model: {@code class}, {@code name}, {@code mode}. */
    public static final String PROPERTIES = "META-INF/rnnc/model.properties";
    /** The checkpoint, as the training run wrote it. */
    public static final String WEIGHTS = "META-INF/rnnc/model.safetensors";

    private ModelJar() {
    }

    /** The packaged model as a predictor with one worker per core. */
    public static Predictor load() {
        return load(ModelJar.class.getClassLoader(), Predictor.defaultWorkers());
    }

    /** The model packaged in the jar that {@code loader} sees, with {@code workers} instances. */
    public static Predictor load(ClassLoader loader, int workers) {
        Properties p = new Properties();
        byte[] weights;
        try (InputStream props = loader.getResourceAsStream(PROPERTIES);
             InputStream w = loader.getResourceAsStream(WEIGHTS)) {
            if (props == null || w == null) {
                throw new IllegalStateException("no packaged model on the classpath (" + PROPERTIES + " and " + WEIGHTS
                        + "): is the jar written by 'rnnc package' on it?");
            }
            p.load(new InputStreamReader(props, StandardCharsets.UTF_8));
            weights = w.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the packaged model: " + e.getMessage(), e);
        }
        String cls = p.getProperty("class");
        Supplier<RnnModel> factory = () -> {
            try {
                return (RnnModel) Class.forName(cls, true, loader).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot instantiate the packaged model class " + cls + ": " + e, e);
            }
        };
        return Predictor.load(factory, WEIGHTS, SafeTensors.parse(WEIGHTS, weights), workers);
    }

    /** {@code java -jar model.jar predict|serve|info [options]}; exit 0, 1 (a bad line or option), 2 (internal). */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static final String USAGE = """
            usage: java -jar model.jar COMMAND [options]
              info                      the model: name, mode, shapes, vocabulary
              predict                   one request per line of stdin, one answer per line of stdout
                --format text|csv|json  how answers are written (text)
                --temperature T         generation: 0 = greedy (0)
                --top-k K               sampling: draw among the K most likely ids only (0 = all)
                --top-p P               sampling: draw among the most likely ids up to probability P (1 = all)
                --seed S                generation: the sampling seed (0)
                --beam W                translation, one_to_many: beam width (1)
                --max N                 language model: ids to generate (100)
              serve [--port P]          the HTTP endpoint on 127.0.0.1 (P = 8080)
            Lines: feature values separated by commas or spaces (T x I, row-major; a JSON array too), or text when the
            checkpoint has a vocabulary (else token ids). Run with --add-modules jdk.incubator.vector for the fast kernels.""";

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
                out.println(USAGE);
                return args.length == 0 ? 1 : 0;
            }
            Options o = Options.parse(args);
            Predictor p = load(ModelJar.class.getClassLoader(), o.command.equals("serve") ? Predictor.defaultWorkers() : 1);
            switch (o.command) {
                case "info" -> {
                    ModelInfo i = p.info();
                    out.println(i.name() + ": " + i.mode() + ", " + (i.tokenInputs() ? "tokens of " + i.vocab() : i.inputSize() + " features")
                            + " x " + i.inputSteps() + " steps -> " + i.outputs() + " outputs (" + i.head() + ") x " + i.outputSteps()
                            + (p.data() != null ? "; data: " + p.data().format().word() : ""));
                    return 0;
                }
                case "serve" -> {
                    HttpEndpoint http = HttpEndpoint.start(p, o.port);
                    out.println("serving " + p.info().name() + " on " + http.uri() + " (GET /v1/model)");
                    out.flush();
                    Thread.currentThread().join();
                    return 0;
                }
                default -> {
                    return predict(p, o, in, out, err);
                }
            }
        } catch (BadRequest | RnncIoException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("internal error: " + e);
            return 2;
        }
    }

    /** The predict loop over a given predictor (tests; the jar's own runs through {@link #run}). */
    static int predictWith(Predictor p, String[] args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        try {
            return predict(p, Options.parse(args), in, out, err);
        } catch (BadRequest e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static final class Options {
        String command;
        String format = "text";
        double temperature;
        int topK;
        double topP = 1;
        long seed;
        int beam = 1;
        int max = 100;
        int port = 8080;

        static Options parse(String[] args) {
            Options o = new Options();
            o.command = args[0];
            if (!o.command.equals("predict") && !o.command.equals("serve") && !o.command.equals("info")) {
                throw new BadRequest("unknown command '" + o.command + "' (predict, serve, info)");
            }
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new BadRequest("unknown option or missing value: '" + a + "'");
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--format" -> {
                            if (!v.equals("text") && !v.equals("csv") && !v.equals("json")) {
                                throw new BadRequest("--format " + v + ": one of text, csv, json");
                            }
                            o.format = v;
                        }
                        case "--temperature" -> o.temperature = Double.parseDouble(v);
                        case "--top-k" -> o.topK = Integer.parseInt(v);
                        case "--top-p" -> o.topP = Double.parseDouble(v);
                        case "--seed" -> o.seed = Long.parseLong(v);
                        case "--beam" -> o.beam = Integer.parseInt(v);
                        case "--max" -> o.max = Integer.parseInt(v);
                        case "--port" -> o.port = Integer.parseInt(v);
                        default -> throw new BadRequest("unknown option '" + a + "'");
                    }
                } catch (NumberFormatException e) {
                    throw new BadRequest(a + " " + v + ": not a number");
                }
            }
            return o;
        }
    }

    private static int predict(Predictor p, Options o, InputStream in, PrintStream out, PrintStream err) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int status = 0;
        int lineNo = 0;
        for (String line; (line = r.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                out.println(answer(p, o, line, lineNo));
            } catch (BadRequest | RnncIoException e) {
                // a vocabulary's message is located already (stdin:LINE:COLUMN)
                err.println(e.getMessage().startsWith("stdin:") ? e.getMessage() : "stdin:" + lineNo + ": " + e.getMessage());
                status = 1;
            }
        }
        out.flush();
        return status;
    }

    /** One line in, one answer out, as the model's mode implies. */
    static String answer(Predictor p, Options o, String line, int lineNo) {
        ModelInfo info = p.info();
        DataMetadata data = p.data();
        Vocabulary inVocab = data != null ? data.input() : null;
        Vocabulary outVocab = data != null && data.target() != null ? data.target() : inVocab;
        switch (info.mode()) {
            case "seq2seq" -> {
                int end = outVocab != null && outVocab.hasEnd() ? Vocabulary.END : -1;
                int[] ids = p.translate(tokens(line, inVocab, lineNo), o.beam, end);
                return tokensOut(ids, outVocab, o.format);
            }
            case "one_to_many" -> {
                double[] x = HttpEndpoint.numbers(line);
                if (info.head().equals("softmax")) {
                    return tokensOut(p.generateFrom(x, o.temperature, o.topK, o.topP, o.seed, o.beam, -1), outVocab, o.format);
                }
                return valuesOut(p.generateValues(x), -1, null, o.format);
            }
            default -> {
                boolean languageModel = info.mode().equals("many_to_many") && info.tokenInputs() && info.outputs() == info.vocab();
                if (languageModel) {
                    int[] prompt = tokens(line, inVocab, lineNo);
                    int end = outVocab != null && outVocab.hasEnd() ? Vocabulary.END : -1;
                    return tokensOut(p.generate(prompt, o.max, o.temperature, o.topK, o.topP, o.seed, end), outVocab, o.format);
                }
                double[] outputs = info.tokenInputs() ? p.predict(tokens(line, inVocab, lineNo))
                        : p.predict(normalized(HttpEndpoint.numbers(line), info, data));
                return valuesOut(denormalized(outputs, info, data), info.head().equals("softmax") ? info.outputs() : -1,
                        data != null ? data.labels() : null, o.format);
            }
        }
    }

    private static int[] tokens(String line, Vocabulary v, int lineNo) {
        if (v == null) {
            return HttpEndpoint.ids(line);
        }
        try {
            return v.encodeStrict(line, "stdin", lineNo, 1);
        } catch (RnncIoException | IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    /** Series models read normalised inputs: the checkpoint's statistics, column by column. */
    private static double[] normalized(double[] x, ModelInfo info, DataMetadata d) {
        if (d == null || d.norm() == null || d.series() == null || x.length % info.inputSize() != 0) {
            return x;
        }
        Normalization n = d.norm();
        SeriesWindows.Spec s = d.series();
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            String column = s.inputs().get(i % info.inputSize());
            y[i] = n.normalize(n.column(column), y[i]);
        }
        return y;
    }

    /** A series model's outputs back in the data's units: each value by its target column's statistics. */
    private static double[] denormalized(double[] out, ModelInfo info, DataMetadata d) {
        // many_to_one: [H, targets] (the next H rows); many_to_many: [steps, targets]
        List<String> targets = d == null || d.series() == null ? List.of() : d.series().targets();
        if (d == null || d.norm() == null || targets.isEmpty() || info.head().equals("softmax")
                || info.outputs() % targets.size() != 0) {
            return out;
        }
        Normalization n = d.norm();
        double[] y = out.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = n.denormalize(n.column(targets.get(i % targets.size())), y[i]);
        }
        return y;
    }

    private static String tokensOut(int[] ids, Vocabulary v, String format) {
        String text = v != null ? v.decode(ids, 0, ids.length) : null;
        return switch (format) {
            case "json" -> "{\"ids\":" + HttpEndpoint.json(ids) + (text != null ? ",\"text\":" + HttpEndpoint.quote(text) : "") + "}";
            case "csv" -> join(ids, ",");
            default -> text != null ? text : join(ids, " ");
        };
    }

    /** Outputs; with {@code classes > 0} (softmax), each block of that many is also read as its most likely class. */
    private static String valuesOut(double[] v, int classes, io.rnnc.runtime.data.Labels labels, String format) {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            csv.append(i == 0 ? "" : ",").append(v[i]);
        }
        if (format.equals("csv")) {
            return csv.toString();
        }
        if (classes <= 0) {
            return format.equals("json") ? "{\"outputs\":" + HttpEndpoint.json(v) + "}" : csv.toString().replace(',', ' ');
        }
        StringBuilder text = new StringBuilder();
        StringBuilder ids = new StringBuilder("[");
        for (int off = 0; off < v.length; off += classes) {
            int best = off;
            for (int k = off + 1; k < off + classes; k++) {
                best = v[k] > v[best] ? k : best;
            }
            int id = best - off;
            String name = labels != null ? labels.name(id) : Integer.toString(id);
            text.append(off == 0 ? "" : " ").append(classes == v.length
                    ? String.format(Locale.ROOT, "%s (p=%.3f)", name, v[best]) : name);
            ids.append(off == 0 ? "" : ",").append(id);
        }
        if (format.equals("json")) {
            return "{\"outputs\":" + HttpEndpoint.json(v) + ",\"class\":" + (classes == v.length ? ids.substring(1) : ids + "]")
                    + (labels != null && classes == v.length ? ",\"label\":" + HttpEndpoint.quote(text.substring(0, text.indexOf(" (p="))) : "")
                    + "}";
        }
        return text.toString();
    }

    private static String join(int[] ids, String sep) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            s.append(i == 0 ? "" : sep).append(ids[i]);
        }
        return s.toString();
    }
}
