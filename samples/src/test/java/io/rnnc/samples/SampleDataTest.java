package io.rnnc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.data.CsvSeries;
import io.rnnc.runtime.data.LabelledSequences;
import io.rnnc.runtime.data.Pairs;
import io.rnnc.runtime.data.Vocabulary;
import io.rnnc.samples.data.SampleData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The samples' data conversion ({@link SampleData}) on small slices written as the packages ship them, and the
 * committed converted files read by the runtime's readers with the samples' own models.
 */
class SampleDataTest {

    @Test
    void textDropsTheByteOrderMarkNormalisesLineEndsAndCutsAtALineStart() {
        String[] parts = SampleData.text("\uFEFFline one\r\nline two\r\nline three\r\nfour\r\n", 0.1);
        assertEquals("line one\nline two\nline three\n", parts[0]);
        assertEquals("four\n", parts[1]);
        assertEquals("line one\nline two\nline three\nfour\n", parts[0] + parts[1], "nothing lost at the cut");
    }

    @Test
    void sunspotsKeepTheValuesAsWritten() {
        String out = SampleData.sunspots("\"YEAR\",\"SUNACTIVITY\"\n1700,5\n1701,11\n1749,80.9\n");
        assertEquals("year,sunspots\n1700,5\n1701,11\n1749,80.9\n", out);
        CsvSeries series = CsvSeries.parse("sunspots.csv", out, CsvSeries.Options.all());
        assertEquals(List.of("year", "sunspots"), series.names());
        assertArrayEquals(new double[] {5, 11, 80.9}, series.column("sunspots"));
    }

    @Test
    void birthsMustBeConsecutiveDays() {
        String header = "year,month,date_of_month,day_of_week,births\n";
        assertEquals("year,month,day,day_of_week,births\n1969,12,31,3,8000\n1970,1,1,4,8100\n",
                SampleData.births(header + "1969,12,31,3,8000\n1970,1,1,4,8100\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleData.births(header + "1969,1,1,3,8486\n1969,1,3,5,9000\n"));
        assertTrue(e.getMessage().contains("births data.csv:3: 1969-01-03 does not follow 1969-01-01"), e.getMessage());
    }

    @Test
    void airPassengersBecomeYearOverYearLogGrowthFromTheSecondYear() {
        StringBuilder raw = new StringBuilder("month,passengers\n");
        for (int m = 1; m <= 12; m++) {
            raw.append(String.format(java.util.Locale.ROOT, "1949-%02d,%d%n", m, 100 + m));
        }
        raw.append("1950-01,202\n1950-02,102\n");
        String out = SampleData.airPassengers(raw.toString());
        assertEquals("month,passengers,passengers_year_before,log_growth\n1950-01,202,101,0.693147\n1950-02,102,102,0.000000\n", out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleData.airPassengers("month,passengers\n1949-01,112\n1949-03,132\n"));
        assertTrue(e.getMessage().contains("air_passengers raw csv:3: 1949-03 does not follow 1949-01"), e.getMessage());
    }

    @Test
    void committedAirPassengersGrowthTurnsBackIntoPassengers() {
        CsvSeries air = CsvSeries.read(Path.of("forecast/data/air_passengers.csv"),
                CsvSeries.Options.columns("passengers", "passengers_year_before", "log_growth"));
        assertEquals(132, air.length(), "1950-01 to 1960-12 (1949 is the year before of 1950)");
        double[] p = air.column("passengers");
        double[] before = air.column("passengers_year_before");
        double[] growth = air.column("log_growth");
        assertEquals(112, before[0], "1949-01, Box and Jenkins' first month");
        assertEquals(432, p[131], "1960-12, the last");
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], before[i] * Math.exp(growth[i]), 0.001 * p[i], "row " + i);
            if (i >= 12) {
                assertEquals(p[i - 12], before[i], "the month a year before, row " + i);
            }
        }
    }

    @Test
    void cmudictKeepsFirstPronunciationsOfPlainWordsWithoutStress() {
        String dict = """
                ;;; a comment
                A  AH0
                A(1)  EY1
                A.  EY1
                ABLE-BODIED  EY1 B AH0 L B AA1 D IY0
                'BOUT  B AW1 T
                READ  R EH1 D
                READ(1)  R IY1 D
                SUPERCALIFRAGILISTICS  S UW P ER K AE L AH F R AE JH AH L IH S T IH K S
                ZYWICKI  Z IH0 W IH1 K IY0
                """;
        String[] parts = SampleData.cmudict(dict, 15);
        String all = String.join("", parts);
        for (String p : parts) {
            assertTrue(p.startsWith("source\ttarget\n"), p);
        }
        List<String> lines = Arrays.stream(all.split("\n")).filter(l -> !l.equals("source\ttarget")).sorted().toList();
        // 21 letters is past the encoder's 20; A., ABLE-BODIED and 'BOUT are not plain words; alternates are dropped
        assertEquals(List.of("a\tAH", "read\tR EH D", "zywicki\tZ IH W IH K IY"), lines);
    }

    @Test
    void splitsAreSeededPermutationsEveryLanguageCanRepeat() {
        // pinned: bench/sample_data.py reimplements the permutation and must get these
        assertArrayEquals(new int[] {9, 1, 2, 7, 6, 4, 8, 3, 0, 5}, SampleData.shuffle(10, 15));
        assertNotEquals(Arrays.toString(SampleData.shuffle(10, 15)), Arrays.toString(SampleData.shuffle(10, 16)));
        int[] big = SampleData.shuffle(1000, 15).clone();
        Arrays.sort(big);
        for (int i = 0; i < big.length; i++) {
            assertEquals(i, big[i], "a permutation");
        }
    }

    @Test
    void namesOnBothListsAreLeftOut() {
        String[] parts = SampleData.names("Ann\nJody\nMaria\nZoe\n", "Bob\nJody\nKarl\n", 15);
        String all = String.join("", parts);
        assertTrue(!all.contains("Jody"), all);
        assertEquals(5, all.split("\n").length - 3, "five names under three headers: " + all);
        assertTrue(all.contains("Maria\tfemale") && all.contains("Karl\tmale"), all);
    }

    @Test
    void sensorReadingsBecomeStandardisedWindowsWithATagPerReading() {
        StringBuilder csv = new StringBuilder("reading,mote_id,indoor,humidity,temperature,label\n");
        for (int mote = 1; mote <= 4; mote++) {
            for (int r = 1; r <= 130; r++) {
                boolean event = (mote == 1 || mote == 4) && r >= 50 && r < 60;
                csv.append(r).append(',').append(mote).append(',').append(mote <= 2 ? 1 : 0).append(',')
                        .append(40 + mote + (event ? 10 : 0) + 0.01 * (r % 7)).append(',').append(25 + 0.02 * (r % 5)).append(',')
                        .append(event ? 1 : 0).append('\n');
            }
        }
        String[] parts = SampleData.sensor(csv.toString());
        // motes 1-3 train, mote 4 tests; 130 readings = a window of 100 and one of 30 per mote
        assertEquals(1 + 3 * 2, parts[0].split("\n").length);
        assertEquals(1 + 2, parts[1].split("\n").length);
        var options = LabelledSequences.Options.features(SampleData.SENSOR_FEATURES, SampleData.SENSOR_WINDOW, true);
        var train = LabelledSequences.parse("train.tsv", parts[0], options).all().train();
        assertEquals(6, train.size());
        assertEquals(100, train.length(0));
        assertEquals(30, train.length(1));
        String firstTest = parts[1].split("\n")[1];
        String tags = firstTest.split("\t")[1];
        assertEquals(100, tags.split(" ").length);
        assertEquals("1", tags.split(" ")[49], "reading 50 of mote 4 is an event");
        assertEquals("0", tags.split(" ")[48]);
    }

    // ---------------------------------------------------------------- the committed, converted data

    @Test
    void committedNamesFitTheNamesModel() {
        var info = new io.rnnc.samples.names.Names().info();
        var options = LabelledSequences.Options.forModel(info, Vocabulary.Tokens.CHARS);
        var split = LabelledSequences.read(Path.of("names/data/train.tsv"), options).all();
        split.train().checkFits(info);
        assertEquals(List.of("female", "male"), split.labels().names());
        assertEquals(6403, split.train().size());
        for (String part : List.of("valid", "test")) {
            var data = LabelledSequences.read(Path.of("names/data/" + part + ".tsv"), options)
                    .encode(split.vocabulary(), split.labels(), part);
            assertEquals(800, data.size());
        }
    }

    @Test
    void committedSensorWindowsFitTheTagger() {
        var info = new io.rnnc.samples.sensor.SensorTagger().info();
        var options = LabelledSequences.Options.forModel(info, null);
        var split = LabelledSequences.read(Path.of("sensor_tagging/data/train.tsv"), options).all();
        split.train().checkFits(info);
        var test = LabelledSequences.read(Path.of("sensor_tagging/data/test.tsv"), options).encode(null, split.labels(), "test");
        assertEquals(51, test.size(), "mote 4: 5,041 readings in windows of 100");
    }

    @Test
    void committedSeriesHaveEveryYearAndDay() {
        CsvSeries sunspots = CsvSeries.read(Path.of("forecast/data/sunspots.csv"));
        assertEquals(309, sunspots.length(), "1700-2008");
        CsvSeries births = CsvSeries.read(Path.of("forecast/data/births.csv"));
        assertEquals(7305, births.length(), "1969-1988, day by day");
    }

    @Test
    void g2pSliceFitsTheEncoderDecoder() {
        var info = new io.rnnc.samples.g2p.G2p().info();
        var options = Pairs.Options.forModel(info, Vocabulary.Tokens.CHARS, Vocabulary.Tokens.WORDS);
        var split = Pairs.read(Path.of("src/test/resources/slices/g2p/data/train.tsv"), options)
                .split(io.rnnc.runtime.data.Splits.Fractions.none(), 0);
        split.train().checkFits(info);
        assertTrue(split.targetVocabulary().size() <= 42, "39 phonemes + 3 reserved ids at most: " + split.targetVocabulary());
    }
}
