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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTest {

    static final Path DATA = Path.of("src/test/resources/data/text");

    @Test
    void realTextWithCrlfAndBomGivesTheSameIds() {
        TextCorpus plain = TextCorpus.read(DATA.resolve("macbeth.txt"));
        TextCorpus bom = TextCorpus.read(DATA.resolve("macbeth-bom.txt"));
        assertTrue(plain.text().startsWith("The Tragedie of Macbeth\n\nActus Primus."), plain.text().substring(0, 40));
        assertFalse(plain.text().contains("\r"));
        assertEquals(plain.text(), bom.text());
        assertArrayEquals(plain.ids(), bom.ids());
        Vocabulary v = plain.vocabulary();
        assertEquals("\n", v.token(Vocabulary.UNKNOWN + 1), "sorted by code point: newline first, after the 2 reserved ids");
        assertEquals(Vocabulary.UNKNOWN, v.id("\r"));
        assertEquals(plain.text(), v.decode(plain.ids(), 0, plain.length()));
        List<String> tokens = v.dataTokens();
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i).codePointAt(0) > tokens.get(i - 1).codePointAt(0));
        }
    }

    @Test
    void invalidUtf8IsReportedWithLineAndByte() {
        Path bad = DATA.resolve("macbeth-invalid-utf8.txt");
        assertEquals(bad + ":1: invalid UTF-8 at byte 23 (0xc3); rnnc reads text as UTF-8",
                assertThrows(RnncIoException.class, () -> TextCorpus.read(bad)).getMessage());
        Path text = DATA.resolve("macbeth.txt");
        Vocabulary few = Vocabulary.build(Vocabulary.Tokens.CHARS, false, List.of("The "));
        TextCorpus coarse = TextCorpus.read(text, few);
        assertArrayEquals(new int[] {few.id("T"), few.id("h"), few.id("e"), few.id(" "), few.id("T"), Vocabulary.UNKNOWN}, Arrays.copyOf(coarse.ids(), 6),
                "characters outside a given vocabulary read UNKNOWN");
    }

    @Test
    void windowsPredictTheNextCharacter() {
        TextCorpus c = TextCorpus.of("t", "abcabcabcd\uD83D\uDE00");
        assertEquals(11, c.length(), "a surrogate pair is one character");
        TextWindows manyToMany = new TextWindows(c, 4, 3, true);
        assertEquals(3, manyToMany.size()); // starts 0, 3, 6; 6 + 4 < 11
        ModelInfo info = new ModelInfo("T", "many_to_many", "tokens", 0, 7, 4, 4, 7, List.of("gru"), List.of(8), "softmax",
                "cross_entropy", "adam", 4, "float32", List.of(new TensorInfo("fc.bias", new int[] {7}, 0)), "");
        manyToMany.layout().checkFits(info);
        Batch b = Batch.forModel(info, 2);
        manyToMany.fill(2, b, 1);
        assertArrayEquals(new int[] {2, 3, 4, 5}, java.util.Arrays.copyOfRange(b.tokens, 4, 8)); // "abcd"
        assertArrayEquals(new int[] {3, 4, 5, 6}, java.util.Arrays.copyOfRange(b.classes, 4, 8)); // "bcd😀"
        TextWindows manyToOne = new TextWindows(c, 4, 1, false);
        assertEquals(7, manyToOne.size());
        assertArrayEquals(new int[] {1}, manyToOne.layout().targetShape());
    }
}
