package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyTest {

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    @Test
    void reservedIdsComeFirstAndTokensFollowInCodePointOrder() {
        Vocabulary v = Vocabulary.build(Vocabulary.Tokens.CHARS, false, List.of("cab", "\uD83D\uDE00b\uFFFD"));
        assertEquals(0, Vocabulary.PADDING);
        assertEquals(0, Vocabulary.START, "the seq2seq start token is SequenceGenerator.START_TOKEN = 0");
        assertEquals(io.rnnc.runtime.SequenceGenerator.START_TOKEN, Vocabulary.START);
        assertEquals(1, Vocabulary.UNKNOWN);
        assertEquals(2, v.reserved());
        // U+FFFD sorts before U+1F600 by code point (UTF-16 compareTo would put the surrogate pair first)
        assertEquals(List.of("a", "b", "c", "\uFFFD", "\uD83D\uDE00"), v.dataTokens());
        assertEquals(7, v.size());
        assertEquals(2, v.id("a"));
        assertEquals(Vocabulary.UNKNOWN, v.id("z"));
        assertEquals("<pad>", v.token(0));
        assertEquals("<unk>", v.token(1));
        assertArrayEquals(new int[] {4, 2, 3, 1}, v.encode("cabz"));
        // the same tokens in any order and frequency give the same ids
        assertEquals(v, Vocabulary.build(Vocabulary.Tokens.CHARS, false, List.of("\uFFFDbbbbba\uD83D\uDE00c")));
    }

    @Test
    void wordsSplitOnWhitespaceAndDecodeWithSpaces() {
        Vocabulary v = Vocabulary.build(Vocabulary.Tokens.WORDS, true, List.of("the cat  sat\n", "\tthe mat"));
        assertEquals(3, v.reserved());
        assertEquals(List.of("cat", "mat", "sat", "the"), v.dataTokens());
        assertEquals("<end>", v.token(Vocabulary.END));
        int[] ids = {v.id("the"), Vocabulary.PADDING, v.id("cat"), Vocabulary.UNKNOWN, Vocabulary.END, v.id("sat")};
        assertEquals("the cat <unk>", v.decode(ids, 0, ids.length), "padding skipped, stops at END");
        Vocabulary chars = Vocabulary.build(Vocabulary.Tokens.CHARS, false, List.of("ab"));
        assertEquals("a\uFFFDb", chars.decode(new int[] {2, 1, 3}, 0, 3));
    }

    @Test
    void encodeStrictNamesLineAndColumnOfAnUnknownToken() {
        Vocabulary words = Vocabulary.build(Vocabulary.Tokens.WORDS, false, List.of("the cat sat"));
        assertEquals("in.txt:3:9: word 'dog' is not in the vocabulary (3 words of the training data)",
                error(() -> words.encodeStrict("the  dog", "in.txt", 3, 4)));
        Vocabulary chars = Vocabulary.build(Vocabulary.Tokens.CHARS, false, List.of("ab"));
        assertEquals("p:1:2: character 'U+0009' is not in the vocabulary (2 characters of the training data)",
                error(() -> chars.encodeStrict("a\tb", "p", 1, 1)));
        assertArrayEquals(new int[] {3, 2}, chars.encodeStrict("ba", "p", 1, 1));
    }

    @Test
    void doesNotFitGivesTheNumberToWrite() {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < 87; c++) {
            text.appendCodePoint('!' + c);
        }
        Vocabulary v = Vocabulary.build(Vocabulary.Tokens.CHARS, false, List.of(text.toString()));
        assertEquals(89, v.size());
        assertEquals("the data has 87 distinct characters + 2 reserved ids = 89: write `input tokens 89` or more (the spec says 64)",
                error(() -> v.checkFits(64, "input tokens")));
        v.checkFits(89, "input tokens");
        v.checkFits(96, "input tokens"); // an upper bound: ids 89..95 stay unused
        Vocabulary t = Vocabulary.build(Vocabulary.Tokens.WORDS, true, List.of("K AE T"));
        assertEquals("the data has 3 distinct words + 3 reserved ids = 6: write `dense 6 softmax` or more (the spec says 5)",
                error(() -> t.checkFits(5, "dense")));
    }

    @Test
    void maxSizeKeepsTheMostFrequentTokens() {
        Vocabulary v = Vocabulary.build(Vocabulary.Tokens.WORDS, false, List.of("b b b d d a c"), 4);
        assertEquals(List.of("b", "d"), v.dataTokens(), "b (3 times) and d (2) are kept, a and c (once) become unknown");
        assertEquals(Vocabulary.UNKNOWN, v.id("a"));
        Vocabulary tie = Vocabulary.build(Vocabulary.Tokens.WORDS, false, List.of("d d b b b a a c"), 4);
        assertEquals(List.of("a", "b"), tie.dataTokens(), "a and d tie (2): the earlier in code-point order is kept");
    }

    @Test
    void metadataRoundTripsInAStableKeyOrder() {
        Vocabulary v = Vocabulary.build(Vocabulary.Tokens.CHARS, true, List.of("a\"\\\n\t\u00e9\uD83D\uDE00"));
        Map<String, String> m = v.toMetadata("data.target.");
        assertEquals(List.of("data.target.tokens", "data.target.reserved", "data.target.size", "data.target.entries"),
                new ArrayList<>(m.keySet()));
        assertEquals("chars", m.get("data.target.tokens"));
        assertEquals("pad,unk,end", m.get("data.target.reserved"));
        assertEquals("10", m.get("data.target.size"));
        assertEquals("[\"\\t\",\"\\n\",\"\\\"\",\"\\\\\",\"a\",\"\u00e9\",\"\uD83D\uDE00\"]", m.get("data.target.entries"));
        assertEquals(v, Vocabulary.fromMetadata(m, "data.target."));
        assertEquals(m, v.toMetadata("data.target."), "same vocabulary, same map");

        Map<String, String> missing = new HashMap<>(m);
        missing.remove("data.target.entries");
        assertEquals("metadata: no key 'data.target.entries' (the data was saved without it)",
                error(() -> Vocabulary.fromMetadata(missing, "data.target.")));
        Map<String, String> wrongSize = new HashMap<>(m);
        wrongSize.put("data.target.size", "11");
        assertEquals("metadata: damaged vocabulary 'data.target.': data.target.size says 11 but the entries give 10",
                error(() -> Vocabulary.fromMetadata(wrongSize, "data.target.")));
        Map<String, String> badJson = new HashMap<>(m);
        badJson.put("data.target.entries", "[\"a\",");
        assertEquals("metadata: damaged vocabulary 'data.target.': column 6: expected a value, found the end of the line", error(() -> Vocabulary.fromMetadata(badJson, "data.target.")));
        Map<String, String> unsorted = new HashMap<>(m);
        unsorted.put("data.target.entries", "[\"b\",\"a\"]");
        unsorted.put("data.target.size", "5");
        assertEquals("metadata: damaged vocabulary 'data.target.': vocabulary tokens must be in ascending code-point order: 'b' before 'a'",
                error(() -> Vocabulary.fromMetadata(unsorted, "data.target.")));
    }

    @Test
    void labelsAreNumbersOrSortedNames() {
        Labels digits = Labels.build(List.of("3", "0", "7", "3"));
        assertTrue(digits.numeric());
        assertEquals(8, digits.size(), "0..7: unseen 1, 2, 4, 5, 6 stay unused");
        assertEquals(7, digits.id("7"));
        Labels names = Labels.build(List.of("pos", "neg", "neu", "pos", "10"));
        assertFalse(names.numeric());
        assertEquals(List.of("10", "neg", "neu", "pos"), names.names());
        assertEquals(-1, names.id("maybe"));
        assertEquals("f.tsv:4:9: label 'maybe' is not among the training split's 4 classes [10, neg, neu, pos]",
                error(() -> names.idAt("maybe", "f.tsv:4:9")));
        assertEquals("the data has 4 classes [10, neg, neu, pos]: write `dense 4 softmax` or more (the spec says 3)",
                error(() -> names.checkFits(3)));
        names.checkFits(4);
        assertEquals(names, Labels.fromMetadata(names.toMetadata("data.labels."), "data.labels."));
        assertEquals(digits, Labels.fromMetadata(digits.toMetadata("l."), "l."));
        assertEquals(List.of("l.kind", "l.names"), new ArrayList<>(digits.toMetadata("l.").keySet()));
        assertEquals("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\"]", digits.toMetadata("l.").get("l.names"));
        assertEquals("no labels", assertThrows(IllegalArgumentException.class, () -> Labels.build(List.of())).getMessage());
    }
}
