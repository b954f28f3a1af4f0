package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.nio.file.Path;
import java.util.List;

/**
 * A text as token ids (characters or words, see {@link Vocabulary}), for a language model: feed {@link #ids()} to
 * {@link StreamBatches#nextTokens} (stateful consecutive chunks) or the corpus to {@link TextWindows}. Read through
 * {@link TextFiles#readUtf8}: strict UTF-8, byte-order mark dropped, line ends {@code \n} (a character model sees
 * them as a token; a word model only as separators). A token outside the vocabulary becomes {@link Vocabulary#UNKNOWN}.
 */
public final class TextCorpus {

    /** The parts of a text split in order, all in the training part's vocabulary; validation and test may be null. */
    public record Split(TextCorpus train, TextCorpus validation, TextCorpus test) {
        public Vocabulary vocabulary() {
            return train.vocabulary();
        }
    }

    private final String source;
    private final String text;
    private final Vocabulary vocabulary;
    private final int[] ids;

    private TextCorpus(String source, String text, Vocabulary vocabulary) {
        if (text.isEmpty()) {
            throw new RnncIoException(source + ": the text is empty");
        }
        this.source = source;
        this.text = text;
        this.vocabulary = vocabulary;
        this.ids = vocabulary.encode(text);
        if (ids.length == 0) {
            throw new RnncIoException(source + ": the text holds no " + vocabulary.tokens().plural() + " (only blanks)");
        }
    }

    /** A file's characters with the vocabulary of its own characters. */
    public static TextCorpus read(Path file) {
        return read(file, Vocabulary.Tokens.CHARS);
    }

    /** A file's tokens with the vocabulary of its own tokens. */
    public static TextCorpus read(Path file, Vocabulary.Tokens tokens) {
        return of(file.toString(), TextFiles.readUtf8(file), tokens);
    }

    /** A file's text in a given vocabulary (the training part's, or one read from a checkpoint). */
    public static TextCorpus read(Path file, Vocabulary vocabulary) {
        return of(file.toString(), TextFiles.readUtf8(file), vocabulary);
    }

    /** A character corpus with its own vocabulary; {@code source} names the text in messages. */
    public static TextCorpus of(String source, String text) {
        return of(source, text, Vocabulary.Tokens.CHARS);
    }

    public static TextCorpus of(String source, String text, Vocabulary.Tokens tokens) {
        return new TextCorpus(source, text, Vocabulary.build(tokens, false, List.of(text)));
    }

    public static TextCorpus of(String source, String text, Vocabulary vocabulary) {
        return new TextCorpus(source, text, vocabulary);
    }

    /**
     * Splits a text in order at line boundaries ({@link Splits#inOrder} over its lines): the first lines train, the
     * next validate, the last test; the vocabulary is built from the training lines only.
     */
    public static Split split(String source, String text, Vocabulary.Tokens tokens, Splits.Fractions fractions) {
        String[] lines = text.split("(?<=\n)");
        int[] c = Splits.counts(lines.length, fractions, source + ": " + lines.length + " lines");
        String train = String.join("", java.util.Arrays.copyOfRange(lines, 0, c[0]));
        Vocabulary v = Vocabulary.build(tokens, false, List.of(train));
        return new Split(new TextCorpus(source + " (training lines 1-" + c[0] + ")", train, v),
                c[1] == 0 ? null : new TextCorpus(source + " (validation lines " + (c[0] + 1) + "-" + (c[0] + c[1]) + ")",
                        String.join("", java.util.Arrays.copyOfRange(lines, c[0], c[0] + c[1])), v),
                c[2] == 0 ? null : new TextCorpus(source + " (test lines " + (c[0] + c[1] + 1) + "-" + lines.length + ")",
                        String.join("", java.util.Arrays.copyOfRange(lines, c[0] + c[1], lines.length)), v));
    }

    /** {@link #split(String, String, Vocabulary.Tokens, Splits.Fractions)} of a file. */
    public static Split split(Path file, Vocabulary.Tokens tokens, Splits.Fractions fractions) {
        return split(file.toString(), TextFiles.readUtf8(file), tokens, fractions);
    }

    public String source() {
        return source;
    }

    public String text() {
        return text;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Checks the vocabulary against a language model: its input tokens and its head must hold every id.
     *
     * @throws RnncIoException with the number to write
     */
    public void checkFits(io.rnnc.runtime.ModelInfo model) {
        vocabulary.checkFits(model.vocab(), "input tokens");
        vocabulary.checkFits(model.outputs(), "dense");
    }

    /** The text as ids, one per token (a copy). */
    public int[] ids() {
        return ids.clone();
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }
}
