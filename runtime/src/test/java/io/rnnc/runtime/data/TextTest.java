package io.rnnc.runtime.data;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.TensorInfo;
import io.rnnc.runtime.io.RnncIoException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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
        TextCorpus.Vocabulary v = plain.vocabulary();
        assertEquals('\n', v.codePoint(0), "sorted: newline first");
        assertEquals(-1, v.id('\r'));
        assertEquals(plain.text(), v.decode(plain.ids(), 0, plain.length()));
        int[] cps = v.codePoints();
        for (int i = 1; i < cps.length; i++) {
            assertTrue(cps[i] > cps[i - 1]);
        }
    }

    @Test
    void invalidUtf8IsReportedWithLineAndByte() {
        Path bad = DATA.resolve("macbeth-invalid-utf8.txt");
        assertEquals(bad + ":1: invalid UTF-8 at byte 23 (0xc3); rnnc reads text as UTF-8",
                assertThrows(RnncIoException.class, () -> TextCorpus.read(bad)).getMessage());
        Path text = DATA.resolve("macbeth.txt");
        assertEquals(text + ":1: character 'r' U+0072 is not in the vocabulary",
                assertThrows(RnncIoException.class, () -> TextCorpus.read(text, TextCorpus.Vocabulary.of("The "))).getMessage());
    }

    @Test
    void windowsPredictTheNextCharacter() {
        TextCorpus c = TextCorpus.of("t", "abcabcabcd\uD83D\uDE00");
        assertEquals(11, c.length(), "a surrogate pair is one character");
        TextWindows manyToMany = new TextWindows(c, 4, 3, true);
        assertEquals(3, manyToMany.size()); // starts 0, 3, 6; 6 + 4 < 11
        ModelInfo info = new ModelInfo("T", "many_to_many", "tokens", 0, 5, 4, 4, 5, List.of("gru"), List.of(8), "softmax",
                "cross_entropy", "adam", 4, "float32", List.of(new TensorInfo("fc.bias", new int[] {5}, 0)), "");
        manyToMany.layout().checkFits(info);
        Batch b = Batch.forModel(info, 2);
        manyToMany.fill(2, b, 1);
        assertArrayEquals(new int[] {0, 1, 2, 3}, java.util.Arrays.copyOfRange(b.tokens, 4, 8)); // "abcd"
        assertArrayEquals(new int[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(b.classes, 4, 8)); // "bcd😀"
        TextWindows manyToOne = new TextWindows(c, 4, 1, false);
        assertEquals(7, manyToOne.size());
        assertArrayEquals(new int[] {1}, manyToOne.layout().targetShape());
    }
}
