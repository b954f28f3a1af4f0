package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A text as a sequence of character ids: the vocabulary is the text's distinct Unicode code points in
 * ascending order (so the same text always gives the same ids), and {@link #ids()} the text in it.
 * Read through {@link TextFiles#readUtf8}: strict UTF-8, byte-order mark dropped, line ends {@code \n}.
 */
public final class TextCorpus {

    private final String source;
    private final String text;
    private final Vocabulary vocabulary;
    private final int[] ids;

    private TextCorpus(String source, String text, Vocabulary vocabulary) {
        this.source = source;
        this.text = text;
        this.vocabulary = vocabulary;
        this.ids = vocabulary.encode(source, text);
    }

    /** A file's text with the vocabulary of its own characters. */
    public static TextCorpus read(Path file) {
        return of(file.toString(), TextFiles.readUtf8(file));
    }

    /** A file's text in a given vocabulary (a character outside it is an error). */
    public static TextCorpus read(Path file, Vocabulary vocabulary) {
        return new TextCorpus(file.toString(), TextFiles.readUtf8(file), vocabulary);
    }

    public static TextCorpus of(String source, String text) {
        if (text.isEmpty()) {
            throw new RnncIoException(source + ": the text is empty");
        }
        return new TextCorpus(source, text, Vocabulary.of(text));
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

    /** The text as ids, one per code point (a copy). */
    public int[] ids() {
        return ids.clone();
    }

    /** Number of code points. */
    public int length() {
        return ids.length;
    }

    /** Code points of a text, ascending; id i stands for {@code codePoints[i]}. */
    public record Vocabulary(int[] codePoints) {
        public Vocabulary {
            codePoints = codePoints.clone();
            for (int i = 1; i < codePoints.length; i++) {
                if (codePoints[i] <= codePoints[i - 1]) {
                    throw new IllegalArgumentException("vocabulary code points must be distinct and ascending");
                }
            }
        }

        @Override
        public int[] codePoints() {
            return codePoints.clone();
        }

        public static Vocabulary of(String text) {
            return new Vocabulary(text.codePoints().distinct().sorted().toArray());
        }

        public int size() {
            return codePoints.length;
        }

        /** The id of a code point, or -1. */
        public int id(int codePoint) {
            int i = Arrays.binarySearch(codePoints, codePoint);
            return i < 0 ? -1 : i;
        }

        public int codePoint(int id) {
            return codePoints[id];
        }

        int[] encode(String source, String text) {
            int[] out = new int[text.codePointCount(0, text.length())];
            int k = 0;
            int line = 1;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                int id = id(cp);
                if (id < 0) {
                    throw new RnncIoException(source + ":" + line + ": character " + describe(cp) + " is not in the vocabulary");
                }
                out[k++] = id;
                line += cp == '\n' ? 1 : 0;
                i += Character.charCount(cp);
            }
            return out;
        }

        /** Ids back to text. */
        public String decode(int[] ids, int from, int to) {
            StringBuilder b = new StringBuilder();
            for (int i = from; i < to; i++) {
                b.appendCodePoint(codePoints[ids[i]]);
            }
            return b.toString();
        }

        private static String describe(int cp) {
            return (Character.isISOControl(cp) ? "" : "'" + new String(Character.toChars(cp)) + "' ")
                    + String.format("U+%04X", cp);
        }
    }
}
