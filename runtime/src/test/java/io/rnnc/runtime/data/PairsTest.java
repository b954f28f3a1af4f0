package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairsTest {

    static final Path PAIRS = Path.of("src/test/resources/data/examples/pairs.tsv");

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    static ModelInfo seq2seq(int vocab, int tIn, int tOut, int outputs) {
        return new ModelInfo("S", "seq2seq", "tokens_embed", 0, vocab, tIn, tOut, outputs, List.of("lstm"), List.of(8), "softmax",
                "cross_entropy", "adam", 4, "float32", List.of(new TensorInfo("fc.bias", new int[] {outputs}, 0)), "");
    }

    static final Pairs.Options SPELLING = new Pairs.Options(Vocabulary.Tokens.CHARS, Vocabulary.Tokens.WORDS, 8, 6, false);

    @Test
    void sourceAndTargetFillTheirRowsWithLengthsAndTheEndToken() {
        Pairs.Split s = Pairs.read(PAIRS, SPELLING).split(Splits.Fractions.none(), 0);
        Vocabulary src = s.sourceVocabulary();
        Vocabulary tgt = s.targetVocabulary();
        assertEquals(2, src.reserved());
        assertEquals(3, tgt.reserved());
        assertEquals(List.of("AE", "AH", "AY", "DH", "F", "IH", "K", "M", "N", "OW", "R", "T", "TH", "UW"), tgt.dataTokens());
        ModelInfo info = seq2seq(30, 8, 6, 20);
        s.train().layout().checkFits(info);
        Batch b = Batch.forModel(info, 2);
        Arrays.fill(b.classes, 99);
        s.train().fill(4, b, 1); // rhythm -> R IH DH AH M
        b.setSize(2);
        assertEquals(6, b.length(1));
        assertEquals(6, b.targetLength(1), "five phonemes and END");
        assertEquals("rhythm", src.decode(b.tokens, 8, 16));
        assertArrayEquals(new int[] {tgt.id("R"), tgt.id("IH"), tgt.id("DH"), tgt.id("AH"), tgt.id("M"), Vocabulary.END},
                Arrays.copyOfRange(b.classes, 6, 12));
        s.train().fill(0, b, 0); // cat -> K AE T
        assertEquals(3, b.length(0));
        assertEquals(4, b.targetLength(0));
        assertArrayEquals(new int[] {tgt.id("K"), tgt.id("AE"), tgt.id("T"), Vocabulary.END, 0, 0}, Arrays.copyOfRange(b.classes, 0, 6));
        assertEquals("K AE T", tgt.decode(b.classes, 0, 6));
        b.checkLengths(info);
        assertEquals(5, s.train().line(4));
        // vocabularies survive a checkpoint's metadata
        assertEquals(tgt, Vocabulary.fromMetadata(tgt.toMetadata("data.target."), "data.target."));
    }

    @Test
    void badPairsSayWhereAndWhatWasExpected() {
        assertEquals("p.tsv:2: expected 2 tab-separated fields (source, target), found 1 (no tab on this line)",
                error(() -> Pairs.parse("p.tsv", "source\ttarget\ncat K AE T\n", SPELLING)));
        assertEquals("p.tsv:1: expected 2 tab-separated fields (source, target), found 3",
                error(() -> Pairs.parse("p.tsv", "a\tb\tc\n", SPELLING)));
        assertEquals("p.tsv:1:1: the source has 9 characters, more than the encoder's `sequence 8`; shorten it, raise the spec's "
                + "sequence, or ask for truncation", error(() -> Pairs.parse("p.tsv", "abcdefghi\tA\n", SPELLING)));
        assertEquals("p.tsv:1:5: the target has 6 words, more than 5 (the decoder's `sequence 6` less one for the end token); "
                + "shorten it, raise the spec's sequence, or ask for truncation",
                error(() -> Pairs.parse("p.tsv", "abc\tA B C D E F\n", SPELLING)));
        assertEquals("p.tsv:1:5: empty target (expected at least one token)", error(() -> Pairs.parse("p.tsv", "abc\t  \n", SPELLING)));
        assertEquals("p.tsv: no pairs (the file is empty)", error(() -> Pairs.parse("p.tsv", "", SPELLING)));
        Pairs.Records cut = Pairs.parse("p.tsv", "abcdefghi\tA B C D E F\n", SPELLING.truncating());
        assertEquals(8, cut.pair(0).source().size());
        assertEquals(List.of("A", "B", "C", "D", "E"), cut.pair(0).target());
    }

    @Test
    void unknownTokensOfAnotherFileReadUnknown() {
        Pairs.Split s = Pairs.read(PAIRS, SPELLING).split(Splits.Fractions.none(), 0);
        Pairs other = Pairs.parse("v.tsv", "dog\tD AO G\n", SPELLING).encode(s.sourceVocabulary(), s.targetVocabulary(), "validation");
        Batch b = Batch.forModel(seq2seq(30, 8, 6, 20), 1);
        other.fill(0, b, 0);
        assertEquals(Vocabulary.UNKNOWN, b.tokens[0], "no 'd' in the training sources");
        assertArrayEquals(new int[] {Vocabulary.UNKNOWN, Vocabulary.UNKNOWN, Vocabulary.UNKNOWN, Vocabulary.END},
                Arrays.copyOf(b.classes, 4));
        String m = error(() -> s.train().layout().checkFits(seq2seq(30, 8, 6, 10)));
        assertEquals("training pairs of " + PAIRS + " do not fit model S:\n  targets: the data has 17 classes: write `dense 17 softmax` "
                + "or more (the model outputs 10)", m);
    }
}
