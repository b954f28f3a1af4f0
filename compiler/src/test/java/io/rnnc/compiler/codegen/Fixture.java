package io.rnnc.compiler.codegen;

import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One PyTorch reference fixture: its config keys (a tiny extraction) and tensors. */
final class Fixture {

    /**
     * A set of the PyTorch reference fixtures committed in the repository ({@code testdata/pytorch/<set>}:
     * {@code fixtures}, {@code fixtures-ext}, {@code fixtures-w2}), found from any working directory: the
     * system property {@code rnnc.fixtures} if set, else the nearest ancestor holding the folder.
     */
    static Path fixtureSet(String set) {
        String override = System.getProperty("rnnc.fixtures");
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize().resolve(set);
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata/pytorch");
            if (Files.isRegularFile(candidate.resolve("fixtures/index.json"))) {
                return candidate.resolve(set);
            }
        }
        throw new IllegalStateException("no testdata/pytorch/fixtures/index.json in " + start + " or any parent");
    }

    final String name;
    final String config;
    final SafeTensors.Contents tensors;

    Fixture(Path dir) {
        this.name = dir.getFileName().toString();
        try {
            this.config = Files.readString(dir.resolve("config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.tensors = SafeTensors.read(dir.resolve("tensors.safetensors"));
    }

    /** A scalar or string value of a key (first occurrence), or null for JSON null. */
    String raw(String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\"[^\"]*\"|[^,}\\s]+)").matcher(config);
        if (!m.find()) {
            throw new IllegalArgumentException(name + ": no key " + key);
        }
        String v = m.group(1);
        if (v.equals("null")) {
            return null;
        }
        return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    String str(String key) {
        return raw(key);
    }

    int integer(String key) {
        return Integer.parseInt(raw(key));
    }

    double number(String key) {
        return Double.parseDouble(raw(key));
    }

    boolean has(String key) {
        return config.contains("\"" + key + "\"");
    }

    /** [a, b] of "betas". */
    double[] betas() {
        Matcher m = Pattern.compile("\"betas\"\\s*:\\s*\\[\\s*([^,\\s]+)\\s*,\\s*([^\\]\\s]+)\\s*]").matcher(config);
        if (!m.find()) {
            return null;
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    static CellType cell(String s) {
        for (CellType c : CellType.values()) {
            if (c.fixtureName().equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException(s);
    }

    boolean float64() {
        return "float64".equals(str("dtype"));
    }

    /** The model matching this fixture's config, in either fixture set's config format. */
    Model model() {
        var b = TestModels.builder(className()).pkg("gen.fixture").seed(integer("seed")).batch(integer("batch"));
        String cell = str("cell");
        int h = integer("hidden_size");
        int layers = integer("num_layers");
        boolean bidirectional = has("bidirectional") && "true".equals(raw("bidirectional"));
        for (int l = 0; l < layers; l++) {
            if (bidirectional) {
                b.bidirectional(cell(cell), h);
            } else {
                b.layer(cell(cell), h);
            }
        }
        String mode = str("mode");
        b.mode(SequenceMode.valueOf(mode.toUpperCase(Locale.ROOT)));
        String loss = str("loss");
        int o = integer("output_size");
        switch (loss) {
            case "cross_entropy" -> b.head(o, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY);
            case "mse" -> b.head(o, HeadActivation.LINEAR, LossKind.MSE);
            case "bce" -> b.head(o, HeadActivation.SIGMOID, LossKind.BCE);
            default -> throw new IllegalArgumentException(loss);
        }
        if (has("beta1")) { // the first fixture set
            b.adam(number("lr"), number("beta1"), number("beta2"), number("eps"), 0);
        } else if ("adam".equals(str("kind"))) {
            double[] betas = betas();
            b.adam(number("lr"), betas[0], betas[1], number("eps"), number("weight_decay"));
        } else {
            String mu = raw("momentum");
            b.sgd(number("lr"), mu == null ? 0 : Double.parseDouble(mu), number("weight_decay"));
        }
        if (raw("clip_norm") != null) {
            b.clipNorm(number("clip_norm"));
        }
        if (float64()) {
            b.float64();
        }
        String kind = has("input_kind") ? str("input_kind") : "features";
        if (has("stateful_chunks") && raw("stateful_chunks") != null) {
            b.stateful();
        }
        if (mode.equals("seq2seq")) {
            b.encoder(InputSpec.embedded(integer("vocab_size"), integer("embed_size"), SourcePos.NONE), integer("t_in"));
            b.embedded(integer("dec_vocab_size"), integer("dec_embed_size")).steps(integer("t_out"));
            return b.build();
        }
        int t = integer("seq_len");
        b.steps(t);
        switch (kind) {
            case "features" -> b.features(integer("input_size"));
            case "tokens" -> b.tokens(integer("vocab_size"));
            case "tokens_embed" -> b.embedded(integer("vocab_size"), integer("embed_size"));
            default -> throw new IllegalArgumentException(kind);
        }
        return b.build();
    }

    String className() {
        StringBuilder s = new StringBuilder("F");
        for (String part : name.split("_")) {
            s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return s.toString();
    }
}
