package io.rnnc.cli;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.data.DataFormat;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.runtime.generate.BeamSearch;
import io.rnnc.runtime.generate.Sampler;
import io.rnnc.runtime.generate.StepModel;
import io.rnnc.runtime.init.Rng;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rnnc generate SPEC --checkpoint FILE}: text from a language model, sequences from a seq2seq or one_to_many model. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates with a trained model.", "",
                "A token language model continues --prime for --length tokens (sampled, or the most likely",
                "continuation by beam search with --beam W). An encoder-decoder reads one input",
                "per line (stdin, or --input FILE) and writes its output sequence, by beam search (--beam W) or by",
                "sampling. A one_to_many model starts from --label K (a one-hot input) or --features V,V,...: a",
                "softmax head gives tokens, a value head (sigmoid, tanh, linear) gives T rows of values (a drawing",
                "is shown in characters, --png writes it). Temperature 0 is greedy; above 0 it samples, filtered",
                "by --top-k and --top-p; the same --seed gives the same output."},
        footer = {"", "Examples:",
                "  rnnc generate samples/specs/char_lstm.rnn --checkpoint rnnc-out/CharLstm.safetensors --prime 'The ' --length 200",
                "  echo 'rhythm' | rnnc generate samples/specs/spell_to_sound.rnn --checkpoint rnnc-out/Spell2Sound.safetensors --beam 4",
                "  rnnc generate samples/specs/digit_drawer.rnn --checkpoint rnnc-out/DigitDrawer.safetensors --label 7"})
final class GenerateCommand extends ModelCommand {

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "trained weights (safetensors)")
    Path checkpoint;

    @Option(names = "--force", description = "load a checkpoint of another model or spec by tensor names and shapes only")
    boolean force;

    @Option(names = "--prime", paramLabel = "TEXT", description = "language model: the text to continue (default: a line break)")
    String prime;

    @Option(names = "--length", paramLabel = "N", defaultValue = "200", description = "language model: tokens to generate (default: ${DEFAULT-VALUE})")
    int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "0 greedy; above 0 samples softmax(logits / T) (default: ${DEFAULT-VALUE}; 0 with --beam)")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "sample among the K most likely tokens (0: all)")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "sample within the nucleus of probability P (1: all)")
    double topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of the sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--beam", paramLabel = "W",
            description = "beam search of width W (1: greedy): a language model's most likely continuation, an encoder-decoder's or a one_to_many token model's output")
    Integer beam;

    @Option(names = "--input", paramLabel = "FILE", description = "encoder-decoder: inputs, one per line (default: stdin)")
    Path input;

    @Option(names = "--label", paramLabel = "K", description = "one_to_many: start from class K (a one-hot input)")
    Integer label;

    @Option(names = "--features", paramLabel = "V", split = ",", description = "one_to_many: the input vector")
    List<Double> features;

    @Option(names = "--png", paramLabel = "FILE", description = "one_to_many with values: the rows as a grey image")
    Path png;

    @Option(names = "--json", description = "one JSON object per output")
    boolean json;

    @Option(names = "--progress", paramLabel = "KIND",
            description = "encoder-decoder inputs, on stderr after the first second: bar, lines or none; default: bar on a terminal, else lines")
    Progress.Kind progress;

    @Override
    public Integer call() {
        if (length < 1) {
            throw new UserException("--length must be at least 1, got " + length);
        }
        if (topK < 0) {
            throw new UserException("--top-k must be 0 or more, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new UserException("--top-p must be in (0, 1], got " + topP);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new UserException("--temperature must be a finite number >= 0, got " + temperature);
        }
        Trained trained = Trained.load(this, checkpoint, force);
        RnnModel net = trained.net();
        ModelInfo info = net.info();
        if (!(net instanceof StepModel step) || !(net instanceof SequenceGenerator gen)) {
            throw new UserException("model " + info.name() + " (" + info.mode() + ") does not generate: generation is for token "
                    + "language models (many_to_many), encoder-decoders and one_to_many models");
        }
        if (beam != null && (beam < 1 || beam > info.maxBatch())) {
            throw new UserException("--beam must be 1.." + info.maxBatch() + " (the spec's batch), got " + beam);
        }
        Sampler sampler = new Sampler(step);
        sampler.setFilters(topK, topP);
        Rng rng = new Rng(seed);
        PrintWriter out = out();
        switch (info.mode()) {
            case "many_to_many" -> languageModel(trained, step, sampler, rng, out);
            case "seq2seq" -> sequences(trained, step, sampler, rng, out);
            case "one_to_many" -> oneToMany(trained, gen, step, sampler, rng, out);
            default -> throw new UserException("model " + info.name() + " (" + info.mode() + ") does not generate");
        }
        out.flush();
        return Main.OK;
    }

    private void languageModel(Trained trained, StepModel step, Sampler sampler, Rng rng, PrintWriter out) {
        ModelInfo info = trained.net().info();
        if (!info.tokenInputs() || !info.classTargets()) {
            throw new UserException("model " + info.name() + " is many_to_many over " + info.inputKind() + " with " + info.loss()
                    + ": only a token language model (token inputs, cross_entropy) generates text");
        }
        DataMetadata meta = trained.requireData(checkpoint, "generating text");
        Vocabulary v = meta.input();
        String text = prime == null ? "\n" : prime;
        if (text.isEmpty()) {
            throw new UserException("--prime must hold at least one token");
        }
        int[] prompt = v.encodeStrict(text, "--prime", 1, 1);
        if (prompt.length == 0) {
            throw new UserException("--prime must hold at least one token");
        }
        int[] generated = new int[length];
        int n;
        if (beam != null) {
            // the most likely continuation of --length tokens among the beam's (width 1: greedy)
            PromptedSteps primed = new PromptedSteps(step, prompt);
            n = new BeamSearch(primed, length).search(null, null, primed.lastToken(), beam, SequenceGenerator.NO_END_TOKEN,
                    generated);
        } else {
            n = sampler.continuePrompt(prompt, temperature, rng, SequenceGenerator.NO_END_TOKEN, generated);
        }
        String result = v.decode(Predictions.safe(generated, n, v), 0, n);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("prime", prime == null ? "\n" : prime);
            j.put("text", result);
            j.put("ids", java.util.Arrays.copyOf(generated, n));
            out.println(JsonOut.write(j));
        } else {
            String sep = v.tokens() == Vocabulary.Tokens.WORDS && !text.endsWith(" ") ? " " : "";
            out.println((prime == null ? "" : text + sep) + result);
        }
    }

    private void sequences(Trained trained, StepModel step, Sampler sampler, Rng rng, PrintWriter out) {
        ModelInfo info = trained.net().info();
        DataMetadata meta = trained.requireData(checkpoint, "reading the inputs");
        if (meta.format() != DataFormat.PAIRS || meta.input() == null || meta.target() == null) {
            throw new UserException(checkpoint + ": an encoder-decoder's checkpoint should hold the pairs' two vocabularies");
        }
        Vocabulary source = meta.input();
        Vocabulary target = meta.target();
        int end = target.hasEnd() ? Vocabulary.END : SequenceGenerator.NO_END_TOKEN;
        BeamSearch search = beam == null ? null : new BeamSearch(step, info.outputSteps());
        List<String> lines = Inputs.lines(input, in());
        int[] outIds = new int[info.outputSteps()];
        Ticker ticker = new Ticker(err(), Ticker.kind(progress), "generate", lines.size(), "inputs", System::nanoTime);
        for (int i = 0; i < lines.size(); i++) {
            ticker.update(i);
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = (input == null ? "stdin" : input.toString()) + ":" + (i + 1);
            int[] ids = source.encode(line.strip());
            if (ids.length == 0) {
                continue;
            }
            if (ids.length > info.inputSteps()) {
                throw new UserException(where + ": the input has " + ids.length + " " + (source.tokens() == Vocabulary.Tokens.CHARS ? "characters" : "words") + ", more than "
                        + info.inputSteps() + " (the encoder's `sequence`)");
            }
            int n = search != null ? search.search(ids, null, SequenceGenerator.START_TOKEN, beam, end, outIds)
                    : sampler.generate(ids, null, SequenceGenerator.START_TOKEN, info.outputSteps(), temperature, rng, end, outIds);
            String result = target.decode(Predictions.safe(outIds, n, target), 0, n);
            if (json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("input", line.strip());
                j.put("output", result);
                out.println(JsonOut.write(j));
            } else {
                out.println(line.strip() + "\t" + result);
            }
            out.flush();
        }
        ticker.update(lines.size());
        ticker.finish();
    }

    private void oneToMany(Trained trained, SequenceGenerator gen, StepModel step, Sampler sampler, Rng rng, PrintWriter out) {
        ModelInfo info = trained.net().info();
        double[] x = new double[info.inputSize()];
        if ((label == null) == (features == null)) {
            throw new UserException("give the input: --label K (one of " + info.inputSize() + " classes, one-hot) or --features "
                    + "with " + info.inputSize() + " values");
        }
        if (label != null) {
            if (label < 0 || label >= info.inputSize()) {
                throw new UserException("--label " + label + " is outside 0.." + (info.inputSize() - 1) + " (the spec's `input "
                        + info.inputSize() + "`)");
            }
            x[label] = 1;
        } else {
            if (features.size() != info.inputSize()) {
                throw new UserException("--features has " + features.size() + " values; model " + info.name() + " reads "
                        + info.inputSize());
            }
            for (int k = 0; k < x.length; k++) {
                x[k] = features.get(k);
            }
        }
        int steps = info.outputSteps();
        int o = info.outputs();
        if (info.classTargets()) {
            int[] ids = new int[steps];
            int n = beam != null ? new BeamSearch(step, steps).search(null, x, -1, beam, SequenceGenerator.NO_END_TOKEN, ids)
                    : sampler.generate(null, x, -1, steps, temperature, rng, SequenceGenerator.NO_END_TOKEN, ids);
            int[] result = java.util.Arrays.copyOf(ids, n);
            out.println(json ? JsonOut.write(Map.of("ids", result)) : java.util.Arrays.toString(result));
            return;
        }
        if (beam != null) {
            throw new UserException("--beam needs a softmax head; model " + info.name() + " outputs values (" + info.head() + ")");
        }
        double[] values = new double[steps * o];
        gen.generateValues(x, values);
        if (json) {
            List<Object> rows = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                List<Object> row = new ArrayList<>();
                for (int k = 0; k < o; k++) {
                    row.add(values[t * o + k]);
                }
                rows.add(row);
            }
            out.println(JsonOut.write(Map.of("rows", rows)));
        } else {
            boolean unit = info.head().equals("sigmoid");
            String shades = " .:-=+*#%@";
            for (int t = 0; t < steps; t++) {
                StringBuilder s = new StringBuilder();
                for (int k = 0; k < o; k++) {
                    double v = values[t * o + k];
                    if (unit) {
                        s.append(shades.charAt((int) Math.min(shades.length() - 1, Math.max(0, v * shades.length()))));
                    } else {
                        s.append(k == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4f", v));
                    }
                }
                out.println(s);
            }
        }
        if (png != null) {
            writePng(png, values, steps, o);
            if (!json) {
                out.println("image: " + png);
            }
        }
    }

    private static void writePng(Path file, double[] values, int rows, int cols) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(cols, rows, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                image.getRaster().setSample(c, r, 0, (int) Math.round(255 * Math.max(0, Math.min(1, values[r * cols + c]))));
            }
        }
        io.rnnc.runtime.io.AtomicFile.write(file, o -> {
            if (!javax.imageio.ImageIO.write(image, "png", o)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }
}
