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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelledSequencesTest {

    static final Path EXAMPLES = Path.of("src/test/resources/data/examples");

    static String error(Runnable r) {
        return assertThrows(RnncIoException.class, r::run).getMessage();
    }

    static ModelInfo model(String mode, String kind, int inputSize, int vocab, int steps, int outputSteps, int outputs) {
        return new ModelInfo("M", mode, kind, inputSize, vocab, steps, outputSteps, outputs, List.of("lstm"), List.of(8),
                "softmax", "cross_entropy", "adam", 8, "float32", List.of(new TensorInfo("fc.bias", new int[] {outputs}, 0)), "");
    }

    static LabelledSequences.Records parse(String text, LabelledSequences.Options o) {
        return LabelledSequences.parse("d.tsv", text, o);
    }

    @Test
    void characterClassificationFillsLengthsAndPadding() {
        LabelledSequences.Split s = LabelledSequences.read(EXAMPLES.resolve("sequences.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.CHARS, 40, false)).all();
        LabelledSequences train = s.train();
        assertEquals(5, train.size());
        assertNull(s.validation());
        assertEquals(List.of("neg", "pos"), s.labels().names());
        ModelInfo info = model("many_to_one", "tokens_embed", 0, 64, 40, 1, 2);
        train.layout().checkFits(info);
        Batch b = Batch.forModel(info, 2);
        Arrays.fill(b.tokens, 99); // stale values must be overwritten
        train.fill(1, b, 1); // "the plot goes nowhere", neg
        b.setSize(2);
        String text = "the plot goes nowhere";
        assertEquals(text.length(), b.length(1));
        assertTrue(b.hasLengths());
        Vocabulary v = s.vocabulary();
        assertEquals(text, v.decode(b.tokens, 40, 40 + text.length()));
        for (int t = text.length(); t < 40; t++) {
            assertEquals(Vocabulary.PADDING, b.tokens[40 + t]);
        }
        assertEquals(0, b.classes[1]); // neg
        assertEquals(2, train.line(1));
        assertEquals(40 + 0, info.inputValuesPerSample());
    }

    @Test
    void wordTaggingHasOneLabelPerStep() {
        LabelledSequences.Split s = LabelledSequences.read(EXAMPLES.resolve("tagging.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 6, true)).all();
        assertEquals(List.of("ADJ", "ADV", "DET", "NOUN", "VERB"), s.labels().names());
        ModelInfo info = model("many_to_many", "tokens", 0, 20, 6, 6, 5);
        s.train().layout().checkFits(info);
        Batch b = Batch.forModel(info, 1);
        s.train().fill(1, b, 0); // "a dog barked loudly", DET NOUN VERB ADV
        assertEquals(4, b.length(0));
        assertArrayEquals(new int[] {2, 3, 4, 1, 0, 0}, Arrays.copyOf(b.classes, 6));
        assertEquals("a dog barked loudly", s.vocabulary().decode(b.tokens, 0, 6));
    }

    @Test
    void jsonLinesOfFeatureVectors() {
        LabelledSequences.Split s = LabelledSequences.read(EXAMPLES.resolve("sequences.jsonl"),
                LabelledSequences.Options.features(2, 4, false)).all();
        assertNull(s.vocabulary());
        assertEquals(List.of("run", "stand", "walk"), s.labels().names());
        ModelInfo info = model("many_to_one", "features", 2, 0, 4, 1, 3);
        s.train().layout().checkFits(info);
        Batch b = Batch.forModel(info, 2);
        Arrays.fill(b.features, 7);
        s.train().fill(1, b, 1); // [[0.9, 0.1], [0.8, 0.3]], run
        assertEquals(2, b.length(1));
        assertArrayEquals(new double[] {0.9, 0.1, 0.8, 0.3, 0, 0, 0, 0}, Arrays.copyOfRange(b.features, 8, 16));
        assertEquals(0, b.classes[1]);
        // the same samples as TSV: steps by ';', values by blanks or commas
        LabelledSequences.Records tsv = parse("0.9 0.1; 0.8,0.3;\trun\n", LabelledSequences.Options.features(2, 4, false));
        assertArrayEquals(new double[] {0.9, 0.1, 0.8, 0.3}, tsv.sample(0).features());
        assertArrayEquals(new double[] {1, 2, 3, 4}, parse("1 2 3 4\tx\n", LabelledSequences.Options.features(2, 4, false)).sample(0).features());
    }

    @Test
    void aHeaderIsSkippedAndCsvFieldsMayBeQuoted() {
        LabelledSequences.Records r = LabelledSequences.parse("d.csv", "text,label\n\"a, b\",x\nc,y\n",
                LabelledSequences.Options.tokens(Vocabulary.Tokens.CHARS, 8, false));
        assertEquals(2, r.size());
        assertEquals(List.of("a", ",", " ", "b"), r.sample(0).tokens());
        assertEquals(2, r.sample(0).line());
    }

    @Test
    void longerThanTheModelIsAnErrorNamingTheLineUnlessTruncated() {
        LabelledSequences.Options o = LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 3, true);
        assertEquals("d.tsv:2:1: the sequence has 4 words, more than the model's `sequence 3` (shorten the sample, raise the spec's "
                + "sequence, or ask for truncation)", error(() -> parse("a b\tX Y\na b c d\tX Y Z W\n", o)));
        LabelledSequences.Records cut = parse("a b\tX Y\na b c d\tX Y Z W\n", o.truncating());
        assertEquals(List.of("a", "b", "c"), cut.sample(1).tokens());
        assertEquals(List.of("X", "Y", "Z"), cut.sample(1).labels());
    }

    @Test
    void badLinesSayWhereAndWhatWasExpected() {
        LabelledSequences.Options chars = LabelledSequences.Options.tokens(Vocabulary.Tokens.CHARS, 10, false);
        LabelledSequences.Options tags = LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 10, true);
        LabelledSequences.Options feats = LabelledSequences.Options.features(2, 10, false);
        assertEquals("d.tsv:2: expected 2 tab-separated fields (sequence, label), found 3 (quote a field that holds a tab)",
                error(() -> parse("ab\tx\nab\tx\ty\n", chars)));
        assertEquals("d.tsv:1: expected 2 comma-separated fields (sequence, label), found 1",
                error(() -> parse("abc\n", chars)));
        assertEquals("d.tsv:1:7: 2 labels for 3 words (expected one label per step)", error(() -> parse("a b c\tX Y\n", tags)));
        assertEquals("d.tsv:1:4: no label (expected a label)", error(() -> parse("ab\t \n", chars)));
        assertEquals("d.tsv:1:1: empty sequence (expected at least one character)", error(() -> parse("\tx\n", chars)));
        assertEquals("d.tsv:1:5: 'abc' is not a number (expected feature values)", error(() -> parse("1 2 abc 4\tx\n", feats)));
        assertEquals("d.tsv:1:6: step 2 has 1 values, expected 2", error(() -> parse("1 2; 3; 4 5\tx\n", feats)));
        assertEquals("d.tsv:1:1: 3 values are not whole steps of 2 (separate steps with ';' to have each checked)",
                error(() -> parse("1 2 3\tx\n", feats)));
        assertEquals("d.tsv:1:1: unterminated quoted field (expected a closing '\"')", error(() -> parse("\"ab,x\n", chars)));
        assertEquals("d.tsv: no samples (the file is empty)", error(() -> parse("\n\n", chars)));
    }

    @Test
    void badJsonLinesSayWhereAndWhatWasExpected() {
        LabelledSequences.Options feats = LabelledSequences.Options.features(2, 10, false);
        LabelledSequences.Options words = LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 10, false);
        LabelledSequences.Options tags = LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 10, true);
        assertEquals("d.tsv:2:9: expected ',' or '}', found 'y' (each line must be one JSON object)",
                error(() -> parse("{\"x\": \"a\", \"y\": 1}\n{\"x\": 1 y}\n", words)));
        assertEquals("d.tsv:1: no label field (\"y\", \"label\", \"labels\", \"tags\" or \"target\"); the fields are [x, z]",
                error(() -> parse("{\"x\": \"a\", \"z\": 1}\n", words)));
        assertEquals("d.tsv:1: step 2 has 3 values, expected 2", error(() -> parse("{\"x\": [[1, 2], [3, 4, 5]], \"y\": \"a\"}\n", feats)));
        assertEquals("d.tsv:1: a label is the number 1.5, expected a non-empty string or a whole number >= 0",
                error(() -> parse("{\"x\": [1, 2], \"y\": 1.5}\n", feats)));
        assertEquals("d.tsv:1: token 2 of the sequence is the string \"b c\", expected one word without blanks as a string",
                error(() -> parse("{\"x\": [\"a\", \"b c\"], \"y\": 1}\n", words)));
        assertEquals("d.tsv:1: the labels are the string \"N\", expected an array with one label per step",
                error(() -> parse("{\"text\": \"a\", \"tags\": \"N\"}\n", tags)));
        assertEquals("d.tsv:2: expected a JSON object such as {\"x\": ..., \"y\": ...}, found an array",
                error(() -> parse("{\"x\": \"a\", \"y\": 2}\n[1]\n", words)));
        LabelledSequences.Records ok = parse("{\"text\": \"a b\", \"tags\": [\"N\", 3]}\n", tags);
        assertEquals(List.of("N", "3"), ok.sample(0).labels());
    }

    @Test
    void theVocabularyAndLabelsComeFromTheTrainingSplitOnly() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            text.append("w").append(i).append(" common\t").append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        LabelledSequences.Records r = parse(text.toString(), LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 4, false));
        LabelledSequences.Split s = r.split(Splits.Fractions.parse("0.5,0.25,0.25"), 7);
        assertEquals(10, s.train().size());
        assertEquals(5, s.validation().size());
        assertEquals(5, s.test().size());
        assertEquals(2 + 10 + 1, s.vocabulary().size(), "10 training words w<i> + common + 2 reserved");
        ModelInfo info = model("many_to_one", "tokens", 0, 13, 4, 1, 2);
        Batch b = Batch.forModel(info, 1);
        s.validation().fill(0, b, 0);
        assertEquals(Vocabulary.UNKNOWN, b.tokens[0], "a word seen only in validation reads unknown");
        assertEquals(s.vocabulary().id("common"), b.tokens[1]);
        // a label the training split lacks is an error naming the line
        LabelledSequences.Records other = parse("a\tmaybe\n", LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 4, false));
        assertEquals("d.tsv:1:3: label 'maybe' is not among the training split's 2 classes [even, odd]",
                error(() -> other.encode(s.vocabulary(), s.labels(), "validation")));
        // the same seed, the same split
        LabelledSequences.Split again = r.split(Splits.Fractions.parse("0.5,0.25,0.25"), 7);
        assertEquals(s.vocabulary(), again.vocabulary());
        for (int i = 0; i < 5; i++) {
            assertEquals(s.test().line(i), again.test().line(i));
        }
    }

    @Test
    void aVocabularyTooSmallForTheModelSaysWhatToWrite() {
        LabelledSequences.Split s = LabelledSequences.read(EXAMPLES.resolve("sequences.tsv"),
                LabelledSequences.Options.tokens(Vocabulary.Tokens.CHARS, 40, false)).all();
        ModelInfo small = model("many_to_one", "tokens", 0, 10, 40, 1, 1);
        String m = error(() -> s.train().layout().checkFits(small));
        int ids = s.vocabulary().size();
        assertEquals("training sequences of " + EXAMPLES.resolve("sequences.tsv") + " do not fit model M:\n"
                + "  inputs: the data uses " + ids + " token ids (reserved ids included): write `input tokens " + ids
                + "` or more (the model has 10)\n"
                + "  targets: the data has 2 classes: write `dense 2 softmax` or more (the model outputs 1)", m);
    }

    @Test
    void aOneToOneTokenModelReadsOneTokenWithoutLengths() {
        LabelledSequences.Split s = parse("a\tx\nb\ty\n", LabelledSequences.Options.tokens(Vocabulary.Tokens.CHARS, 1, false)).all();
        ModelInfo info = model("one_to_one", "tokens", 0, 4, 1, 1, 2);
        s.train().checkFits(info);
        Batch b = Batch.forModel(info, 2);
        s.train().fill(1, b, 0);
        assertEquals(s.vocabulary().id("b"), b.tokens[0]);
        assertEquals(1, b.classes[0]);
        assertEquals(false, b.hasLengths());
    }

    @Test
    void anUnlabelledInputReadsLikeASequenceField() {
        Vocabulary v = Vocabulary.build(Vocabulary.Tokens.WORDS, false, List.of("good film bad"));
        LabelledSequences.Options words = LabelledSequences.Options.tokens(Vocabulary.Tokens.WORDS, 3, false);
        LabelledSequences.Input in = LabelledSequences.input("good new film", words, v, "stdin:1");
        assertArrayEquals(new int[] {v.id("good"), Vocabulary.UNKNOWN, v.id("film")}, in.tokens());
        assertEquals(3, in.steps());
        assertArrayEquals(new int[] {v.id("bad")}, LabelledSequences.input("{\"text\": [\"bad\"]}", words, v, "stdin:2").tokens());
        assertEquals("stdin:3: the sequence has 4 words, more than the model's `sequence 3` (shorten the sample, raise the spec's "
                + "sequence, or ask for truncation)", error(() -> LabelledSequences.input("a b c d", words, v, "stdin:3")));
        assertEquals(3, LabelledSequences.input("a b c d", words.truncating(), v, "stdin:3").steps());
        assertEquals("stdin:4: empty sequence (expected at least one word)", error(() -> LabelledSequences.input("  ", words, v, "stdin:4")));
        assertEquals("stdin:5:7: expected a value (object, array, string, number, true, false or null), found 'y'", error(() -> LabelledSequences.input("{\"x\": y}", words, v, "stdin:5")));
        assertEquals("stdin:6: no sequence field (\"x\", \"input\", \"text\", \"tokens\" or \"features\"); the fields are [z]",
                error(() -> LabelledSequences.input("{\"z\": 1}", words, v, "stdin:6")));
        LabelledSequences.Options feats = LabelledSequences.Options.features(2, 4, false);
        LabelledSequences.Input f = LabelledSequences.input("1 2; 3 4", feats, null, "stdin:7");
        assertArrayEquals(new double[] {1, 2, 3, 4}, f.features());
        assertEquals(2, f.steps());
        assertEquals("stdin:8:3: 'x' is not a number (expected feature values)", error(() -> LabelledSequences.input("1 x", feats, null, "stdin:8")));
    }
}
