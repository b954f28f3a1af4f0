package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.io.RnncIoException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Sequence pairs for an encoder-decoder (seq2seq): a TSV file of {@code source<TAB>target} lines, each side cut into
 * characters or space-separated tokens (chosen per side: letters in, phonemes out). An optional header line
 * {@code source<TAB>target} is skipped. Each pair fills its batch row: the source ids padded to {@code T_in} with
 * its length set ({@link Batch#setLength}), the target ids followed by {@link Vocabulary#END} padded to
 * {@code T_out} with that length set ({@link Batch#setTargetLength}). The decoder reads {@link Vocabulary#START}
 * (id 0) first and learns to emit END, where generation stops.
 *
 * <p>A source longer than {@code T_in}, or a target whose tokens and END exceed {@code T_out}, is an error naming the
 * line unless truncation is asked for (then the first steps are kept, the target's END last).
 */
public final class Pairs implements Dataset {

    /**
     * @param sourceTokens how the source side is cut
     * @param targetTokens how the target side is cut
     * @param sourceSteps  T_in, the encoder's {@code sequence}
     * @param targetSteps  T_out, the decoder's {@code sequence} (the END id counts)
     * @param truncate     keep the first steps of longer sides instead of failing
     */
    public record Options(Vocabulary.Tokens sourceTokens, Vocabulary.Tokens targetTokens, int sourceSteps, int targetSteps,
                          boolean truncate) {
        public Options {
            if (sourceTokens == null || targetTokens == null || sourceSteps < 1 || targetSteps < 2) {
                throw new IllegalArgumentException("pairs need token kinds, T_in >= 1 and T_out >= 2 (a token and END): "
                        + sourceSteps + ", " + targetSteps);
            }
        }

        /** The options an encoder-decoder implies: T_in and T_out from its encoder's and decoder's {@code sequence}. */
        public static Options forModel(io.rnnc.runtime.ModelInfo model, Vocabulary.Tokens sourceTokens, Vocabulary.Tokens targetTokens) {
            return new Options(sourceTokens, targetTokens, model.inputSteps(), model.outputSteps(), false);
        }

        public Options truncating() {
            return new Options(sourceTokens, targetTokens, sourceSteps, targetSteps, true);
        }
    }

    /** One pair as read: its 1-based line and both sides' tokens (the target without END). */
    public record Pair(int line, List<String> source, List<String> target) {
        public Pair {
            source = List.copyOf(source);
            target = List.copyOf(target);
        }
    }

    /** The pairs of one file, parsed. */
    public static final class Records {
        private final String source;
        private final Options options;
        private final List<Pair> pairs;

        Records(String source, Options options, List<Pair> pairs) {
            this.source = source;
            this.options = options;
            this.pairs = List.copyOf(pairs);
        }

        public String source() {
            return source;
        }

        public int size() {
            return pairs.size();
        }

        public Pair pair(int i) {
            return pairs.get(i);
        }

        /** A seeded split by line ({@link Splits#shuffled}); both vocabularies come from the training part. */
        public Split split(Splits.Fractions fractions, long seed) {
            Splits.Parts p = Splits.shuffled(pairs.size(), fractions, seed, source + ": " + pairs.size() + " pairs");
            List<String> src = new ArrayList<>();
            List<String> tgt = new ArrayList<>();
            for (int i : p.train()) {
                src.addAll(pairs.get(i).source());
                tgt.addAll(pairs.get(i).target());
            }
            Vocabulary sv = Vocabulary.build(options.sourceTokens(), false, src);
            Vocabulary tv = Vocabulary.build(options.targetTokens(), true, tgt);
            return new Split(new Pairs(this, sv, tv, p.train(), "training"),
                    p.validation().length == 0 ? null : new Pairs(this, sv, tv, p.validation(), "validation"),
                    p.test().length == 0 ? null : new Pairs(this, sv, tv, p.test(), "test"), sv, tv);
        }

        /** Every pair in given vocabularies (the training split's, or a checkpoint's). */
        public Pairs encode(Vocabulary sourceVocabulary, Vocabulary targetVocabulary, String part) {
            if (!targetVocabulary.hasEnd()) {
                throw new IllegalArgumentException("the target vocabulary needs the END id");
            }
            int[] all = new int[pairs.size()];
            Arrays.setAll(all, i -> i);
            return new Pairs(this, sourceVocabulary, targetVocabulary, all, part);
        }
    }

    /** The parts of a split and their vocabularies; validation and test may be null. */
    public record Split(Pairs train, Pairs validation, Pairs test, Vocabulary sourceVocabulary, Vocabulary targetVocabulary) {
    }

    private final int sourceSteps;
    private final int targetSteps;
    private final int[][] sources;
    private final int[][] targets; // END included
    private final int[] lines;
    private final Vocabulary sourceVocabulary;
    private final Vocabulary targetVocabulary;
    private final SampleLayout layout;

    private Pairs(Records r, Vocabulary sv, Vocabulary tv, int[] indices, String part) {
        this.sourceSteps = r.options.sourceSteps();
        this.targetSteps = r.options.targetSteps();
        this.sourceVocabulary = sv;
        this.targetVocabulary = tv;
        this.sources = new int[indices.length][];
        this.targets = new int[indices.length][];
        this.lines = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            Pair p = r.pair(indices[k]);
            lines[k] = p.line();
            sources[k] = p.source().stream().mapToInt(sv::id).toArray();
            targets[k] = new int[p.target().size() + 1];
            for (int t = 0; t < p.target().size(); t++) {
                targets[k][t] = tv.id(p.target().get(t));
            }
            targets[k][p.target().size()] = Vocabulary.END;
        }
        this.layout = new SampleLayout(true, new int[] {sourceSteps}, sv.size(), true, new int[] {targetSteps}, tv.size(),
                part + " pairs of " + r.source());
    }

    /** Reads a TSV file of pairs. */
    public static Records read(Path file, Options options) {
        return parse(file.toString(), TextFiles.readUtf8(file), options);
    }

    /** As {@link #read} for text in memory ({@code \n} line ends); {@code source} names it in messages. */
    public static Records parse(String source, String text, Options options) {
        List<Pair> pairs = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean first = true;
        for (int k = 0; k < lines.length; k++) {
            String line = lines[k];
            if (line.isBlank()) {
                continue;
            }
            String at = source + ":" + (k + 1);
            String[] f = line.split("\t", -1);
            if (first && f.length == 2 && f[0].strip().toLowerCase(Locale.ROOT).equals("source")
                    && f[1].strip().toLowerCase(Locale.ROOT).equals("target")) {
                first = false;
                continue;
            }
            first = false;
            if (f.length != 2) {
                throw new RnncIoException(at + ": expected 2 tab-separated fields (source, target), found " + f.length
                        + (f.length == 1 ? " (no tab on this line)" : ""));
            }
            List<String> src = side(f[0], options.sourceTokens(), options.sourceSteps(), options.truncate(), at + ":1", "source");
            List<String> tgt = side(f[1], options.targetTokens(), options.targetSteps() - 1, options.truncate(),
                    at + ":" + (f[0].length() + 2), "target");
            pairs.add(new Pair(k + 1, src, tgt));
        }
        if (pairs.isEmpty()) {
            throw new RnncIoException(source + ": no pairs (the file is empty)");
        }
        return new Records(source, options, pairs);
    }

    private static List<String> side(String text, Vocabulary.Tokens tokens, int max, boolean truncate, String at, String what) {
        List<String> out = new ArrayList<>();
        for (Vocabulary.Token t : Vocabulary.split(tokens, text)) {
            out.add(t.text());
        }
        if (out.isEmpty() || (tokens == Vocabulary.Tokens.CHARS && text.isBlank())) {
            throw new RnncIoException(at + ": empty " + what + " (expected at least one " + (tokens == Vocabulary.Tokens.CHARS
                    ? "character" : "token") + ")");
        }
        if (out.size() > max) {
            if (!truncate) {
                String unit = tokens.plural();
                throw new RnncIoException(at + ": the " + what + " has " + out.size() + " " + unit + ", more than "
                        + (what.equals("source") ? "the encoder's `sequence " + max + "`"
                        : max + " (the decoder's `sequence " + (max + 1) + "` less one for the end token)")
                        + "; shorten it, raise the spec's sequence, or ask for truncation");
            }
            return out.subList(0, max);
        }
        return out;
    }

    public Vocabulary sourceVocabulary() {
        return sourceVocabulary;
    }

    public Vocabulary targetVocabulary() {
        return targetVocabulary;
    }

    /**
     * Checks the pairs against an encoder-decoder, the vocabularies first so the message gives the number to write
     * ({@code decoder: the data has 14 distinct words + 3 reserved ids = 17: write `dense 17 softmax` or more ...}; the
     * decoder's {@code input tokens} must hold as many).
     *
     * @throws RnncIoException saying what does not fit
     */
    public void checkFits(io.rnnc.runtime.ModelInfo model) {
        if (sourceVocabulary.size() > model.vocab()) {
            throw new RnncIoException("encoder: " + sourceVocabulary.fitMessage(model.vocab(), "input tokens"));
        }
        if (targetVocabulary.size() > model.outputs()) {
            throw new RnncIoException("decoder: " + targetVocabulary.fitMessage(model.outputs(), "dense")
                    + ", and `input tokens " + targetVocabulary.size() + "` or more in the decoder");
        }
        layout.checkFits(model);
    }

    /** The file line of pair {@code i}. */
    public int line(int i) {
        return lines[i];
    }

    @Override
    public int size() {
        return lines.length;
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void fill(int index, Batch batch, int slot) {
        int[] s = sources[index];
        int at = slot * sourceSteps;
        System.arraycopy(s, 0, batch.tokens, at, s.length);
        Arrays.fill(batch.tokens, at + s.length, at + sourceSteps, Vocabulary.PADDING);
        int[] y = targets[index];
        int to = slot * targetSteps;
        System.arraycopy(y, 0, batch.classes, to, y.length);
        Arrays.fill(batch.classes, to + y.length, to + targetSteps, Vocabulary.PADDING);
        batch.setLength(slot, s.length);
        batch.setTargetLength(slot, y.length);
    }

    @Override
    public String toString() {
        return layout.description() + " (" + size() + ")";
    }
}
