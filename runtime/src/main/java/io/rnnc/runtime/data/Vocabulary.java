package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Token ids for text: characters or whitespace-separated words, built from the <em>training split only</em>.
 *
 * <h2>Reserved ids (counted in {@link #size()})</h2>
 * <ul>
 *   <li>{@value #PADDING} — padding after a sample's length, and the encoder-decoder's start token (the decoder's
 *       first input, {@code SequenceGenerator.START_TOKEN}); never a data token;</li>
 *   <li>{@value #UNKNOWN} — a token the training split does not hold (met in validation, test or prediction);</li>
 *   <li>{@value #END} — end of sequence, only in a vocabulary built {@code withEnd} (an encoder-decoder's
 *       targets: every target gets it appended, so a generator learns where to stop).</li>
 * </ul>
 * The data's tokens follow, from id {@link #reserved()} on, in <b>ascending code-point order</b> (not order of
 * first occurrence or frequency): the ids depend only on the set of training tokens, so the same training data
 * gives the same ids whatever its line order or the split's seed, on any machine. A spec's vocabulary is an upper
 * bound: ids from {@link #size()} to the spec's size simply stay unused.
 *
 * <p>Immutable. {@link #toMetadata}/{@link #fromMetadata} store it as a small string map (checkpoint metadata).
 */
public final class Vocabulary {

    /** Padding, and the encoder-decoder's start token. */
    public static final int PADDING = 0;
    /** The encoder-decoder decoder's first input; the same id as {@link #PADDING}. */
    public static final int START = 0;
    /** A token outside the vocabulary. */
    public static final int UNKNOWN = 1;
    /** End of sequence (vocabularies built with an end token only). */
    public static final int END = 2;

    /** How text is cut into tokens. */
    public enum Tokens {
        /** Every Unicode code point is a token (line breaks included). */
        CHARS,
        /** Runs of non-whitespace are tokens; whitespace only separates them. */
        WORDS;

        /** {@code chars} or {@code words}. */
        public static Tokens parse(String name) {
            for (Tokens t : values()) {
                if (t.word().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("tokens must be 'chars' or 'words', not '" + name + "'");
        }

        /** The name used on the command line and in metadata. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        String plural() {
            return this == CHARS ? "characters" : "words";
        }
    }

    /** A token and the 1-based column (in UTF-16 chars) of its first character within the text it came from. */
    record Token(String text, int column) {
    }

    /** Orders strings by code points (UTF-16 {@code compareTo} misorders characters beyond U+FFFF). */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    private final Tokens tokens;
    private final boolean withEnd;
    private final List<String> entries;
    private final Map<String, Integer> ids;

    private Vocabulary(Tokens tokens, boolean withEnd, List<String> dataTokens) {
        this.tokens = Objects.requireNonNull(tokens);
        this.withEnd = withEnd;
        this.entries = List.copyOf(dataTokens);
        this.ids = new HashMap<>();
        for (int k = 0; k < entries.size(); k++) {
            String t = entries.get(k);
            if (!isToken(t) || ids.put(t, reserved() + k) != null) {
                throw new IllegalArgumentException("not a distinct " + tokens.word().replaceAll("s$", "") + " token: "
                        + quote(t));
            }
            if (k > 0 && CODE_POINT_ORDER.compare(entries.get(k - 1), t) >= 0) {
                throw new IllegalArgumentException("vocabulary tokens must be in ascending code-point order: "
                        + quote(entries.get(k - 1)) + " before " + quote(t));
            }
        }
    }

    private boolean isToken(String t) {
        if (t.isEmpty()) {
            return false;
        }
        if (tokens == Tokens.CHARS) {
            return t.codePointCount(0, t.length()) == 1;
        }
        return t.codePoints().noneMatch(Character::isWhitespace);
    }

    /** The distinct tokens of the training texts. */
    public static Vocabulary build(Tokens tokens, boolean withEnd, Iterable<String> trainingTexts) {
        return build(tokens, withEnd, trainingTexts, Integer.MAX_VALUE);
    }

    /**
     * The distinct tokens of the training texts, at most {@code maxSize} ids in all (reserved ids included): when
     * there are more tokens, the most frequent are kept (ties go to the earlier in code-point order) and the rest
     * become {@link #UNKNOWN}. The kept tokens are still numbered in code-point order.
     */
    public static Vocabulary build(Tokens tokens, boolean withEnd, Iterable<String> trainingTexts, int maxSize) {
        int reserved = withEnd ? 3 : 2;
        if (maxSize <= reserved) {
            throw new IllegalArgumentException("a vocabulary needs more than its " + reserved + " reserved ids: " + maxSize);
        }
        Map<String, long[]> counts = new TreeMap<>(CODE_POINT_ORDER);
        for (String text : trainingTexts) {
            for (Token t : split(tokens, text)) {
                counts.computeIfAbsent(t.text(), k -> new long[1])[0]++;
            }
        }
        List<String> kept = new ArrayList<>(counts.keySet());
        if (kept.size() > maxSize - reserved) {
            List<String> byCount = new ArrayList<>(kept);
            byCount.sort(Comparator.comparingLong((String s) -> -counts.get(s)[0]).thenComparing(CODE_POINT_ORDER));
            kept = new ArrayList<>(byCount.subList(0, maxSize - reserved));
            kept.sort(CODE_POINT_ORDER);
        }
        return new Vocabulary(tokens, withEnd, kept);
    }

    /** A vocabulary of exactly these data tokens, in ascending code-point order. */
    public static Vocabulary of(Tokens tokens, boolean withEnd, List<String> dataTokens) {
        return new Vocabulary(tokens, withEnd, dataTokens);
    }

    public Tokens tokens() {
        return tokens;
    }

    /** Has the end-of-sequence id {@link #END}. */
    public boolean hasEnd() {
        return withEnd;
    }

    /** Reserved ids at the start: 2 (padding/start, unknown), or 3 with the end token. */
    public int reserved() {
        return withEnd ? 3 : 2;
    }

    /** Ids in use, the reserved ones included: the least vocabulary size a spec may give. */
    public int size() {
        return reserved() + entries.size();
    }

    /** The data's distinct tokens, in id order (id {@code reserved() + k} is entry k). */
    public List<String> dataTokens() {
        return entries;
    }

    /** The id of a token, {@link #UNKNOWN} if it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNKNOWN : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token of an id; reserved ids read {@code <pad>}, {@code <unk>}, {@code <end>}. */
    public String token(int id) {
        if (id < 0 || id >= size()) {
            throw new IllegalArgumentException("token id " + id + " is outside this vocabulary's 0.." + (size() - 1));
        }
        if (id < reserved()) {
            return id == PADDING ? "<pad>" : id == UNKNOWN ? "<unk>" : "<end>";
        }
        return entries.get(id - reserved());
    }

    /** The tokens of a text (characters, or whitespace-separated words), without ids. */
    public List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (Token t : split(tokens, text)) {
            out.add(t.text());
        }
        return out;
    }

    static List<Token> split(Tokens tokens, String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (tokens == Tokens.CHARS) {
                out.add(new Token(text.substring(i, i + n), i + 1));
                i += n;
            } else if (Character.isWhitespace(cp)) {
                i += n;
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.codePointAt(i))) {
                    i += Character.charCount(text.codePointAt(i));
                }
                out.add(new Token(text.substring(start, i), start + 1));
            }
        }
        return out;
    }

    /** A text's ids; a token outside the vocabulary becomes {@link #UNKNOWN}. */
    public int[] encode(String text) {
        List<Token> t = split(tokens, text);
        int[] out = new int[t.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = id(t.get(k).text());
        }
        return out;
    }

    /**
     * A text's ids, refusing unknown tokens: for data that must be covered (a prompt, a file said to use this
     * vocabulary). {@code line} (1-based) and {@code firstColumn} (1-based column of the text's first char in its
     * line) place the error, e.g. {@code words.txt:3:14: 'qux' is not in the vocabulary (...)}.
     */
    public int[] encodeStrict(String text, String source, int line, int firstColumn) {
        List<Token> t = split(tokens, text);
        int[] out = new int[t.size()];
        for (int k = 0; k < out.length; k++) {
            Integer id = ids.get(t.get(k).text());
            if (id == null) {
                throw new RnncIoException(source + ":" + line + ":" + (firstColumn + t.get(k).column() - 1) + ": "
                        + (tokens == Tokens.CHARS ? "character " : "word ") + quote(t.get(k).text())
                        + " is not in the vocabulary (" + entries.size() + " " + tokens.plural() + " of the training data)");
            }
            out[k] = id;
        }
        return out;
    }

    /**
     * Ids back to text: characters joined, words joined by single spaces. Padding is left out, decoding stops at
     * {@link #END}, and {@link #UNKNOWN} reads U+FFFD for characters and {@code <unk>} for words.
     */
    public String decode(int[] ids, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int k = from; k < to; k++) {
            int id = ids[k];
            if (id == PADDING) {
                continue;
            }
            if (withEnd && id == END) {
                break;
            }
            String t = id == UNKNOWN ? (tokens == Tokens.CHARS ? "\uFFFD" : "<unk>") : token(id);
            if (tokens == Tokens.WORDS && b.length() > 0) {
                b.append(' ');
            }
            b.append(t);
        }
        return b.toString();
    }

    /**
     * Checks that a spec's vocabulary (an upper bound) holds every id of this one.
     *
     * @param specSize  the size the spec gives
     * @param statement how to write it in the spec, e.g. {@code "input tokens"} or {@code "dense"}
     * @throws RnncIoException with the number to write: {@code the data has 87 distinct characters + 2 reserved
     *                         ids = 89: write `input tokens 89` or more (the spec says 64)}
     */
    public void checkFits(int specSize, String statement) {
        if (size() > specSize) {
            throw new RnncIoException(fitMessage(specSize, statement));
        }
    }

    String fitMessage(int specSize, String statement) {
        String suffix = statement.equals("dense") ? " softmax" : "";
        return "the data has " + entries.size() + " distinct " + tokens.plural() + " + " + reserved() + " reserved ids = "
                + size() + ": write `" + statement + " " + size() + suffix + "` or more (the spec says " + specSize + ")";
    }

    /**
     * The vocabulary as metadata, keys in this order: {@code <prefix>tokens} ({@code chars|words}),
     * {@code <prefix>reserved} ({@code pad,unk} or {@code pad,unk,end}), {@code <prefix>size}, {@code <prefix>entries}
     * (a JSON array of the data tokens in id order).
     */
    public Map<String, String> toMetadata(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "tokens", tokens.word());
        m.put(prefix + "reserved", withEnd ? "pad,unk,end" : "pad,unk");
        m.put(prefix + "size", Integer.toString(size()));
        m.put(prefix + "entries", JsonValues.stringArray(entries));
        return Collections.unmodifiableMap(m);
    }

    /** Reads {@link #toMetadata}; a missing or damaged key is an error naming it. */
    public static Vocabulary fromMetadata(Map<String, String> metadata, String prefix) {
        String tokens = required(metadata, prefix + "tokens");
        String reserved = required(metadata, prefix + "reserved");
        String size = required(metadata, prefix + "size");
        String entries = required(metadata, prefix + "entries");
        try {
            boolean withEnd = switch (reserved) {
                case "pad,unk" -> false;
                case "pad,unk,end" -> true;
                default -> throw new IllegalArgumentException("reserved ids must be 'pad,unk' or 'pad,unk,end', not '" + reserved + "'");
            };
            Vocabulary v = new Vocabulary(Tokens.parse(tokens), withEnd, JsonValues.parseStringArray(entries));
            if (!Integer.toString(v.size()).equals(size)) {
                throw new IllegalArgumentException(prefix + "size says " + size + " but the entries give " + v.size());
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw new RnncIoException("metadata: damaged vocabulary '" + prefix + "': " + e.getMessage(), e);
        }
    }

    static String required(Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new RnncIoException("metadata: no key '" + key + "' (the data was saved without it)");
        }
        return v;
    }

    static String quote(String token) {
        StringBuilder b = new StringBuilder();
        token.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
                b.append(String.format("U+%04X", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return "'" + b + "'";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.tokens == tokens && v.withEnd == withEnd && v.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, withEnd, entries);
    }

    @Override
    public String toString() {
        return "Vocabulary(" + tokens.word() + ", " + size() + " ids)";
    }
}
