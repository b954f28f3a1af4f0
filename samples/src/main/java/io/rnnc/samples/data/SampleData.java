package io.rnnc.samples.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns each sample's raw data, as its package ships it, into the files rnnc's data readers take (docs/data.md):
 * plain text, a CSV series, labelled sequences (TSV), pairs (TSV). The samples' fetch scripts run it as a single-file
 * program ({@code java samples/src/main/java/io/rnnc/samples/data/SampleData.java KIND IN... OUT}), so it uses the JDK
 * alone; the samples' tests call the same methods on small committed slices.
 *
 * <p>Every conversion is deterministic: the same input gives the same bytes (splits are seeded, see {@link #shuffle}),
 * so a fetch script can check the SHA-256 of what it writes as well as of what it read.
 */
public final class SampleData {

    private SampleData() {
    }

    // ---------------------------------------------------------------- text (character language model)

    /**
     * A book as a character model reads it: the byte-order mark dropped, line ends {@code \n}, then cut in two at the
     * start of the line nearest to {@code 1 - validFraction} of the text (the end of the book validates, as a
     * language model is judged on text it has not seen).
     *
     * @return {training text, validation text}
     */
    public static String[] text(String raw, double validFraction) {
        String text = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        int target = (int) Math.round(text.length() * (1 - validFraction));
        int cut = text.lastIndexOf('\n', target);
        cut = cut < 0 ? target : cut + 1;
        return new String[] {text.substring(0, cut), text.substring(cut)};
    }

    // ---------------------------------------------------------------- series (forecasting)

    /** statsmodels' yearly sunspots ({@code "YEAR","SUNACTIVITY"}) as {@code year,sunspots}, values as written. */
    public static String sunspots(String csv) {
        List<String[]> rows = csvRows(csv, 2, "sunspots.csv");
        StringBuilder out = new StringBuilder("year,sunspots\n");
        for (String[] r : rows.subList(1, rows.size())) {
            number(r[1], "sunspots.csv");
            out.append(Integer.parseInt(r[0])).append(',').append(r[1]).append('\n');
        }
        return out.toString();
    }

    /**
     * The CDC/NCHS daily US births ({@code year,month,date_of_month,day_of_week,births}) as
     * {@code year,month,day,day_of_week,births}; every row is checked to be the day after the previous one.
     */
    public static String births(String csv) {
        List<String[]> rows = csvRows(csv, 5, "births data.csv");
        StringBuilder out = new StringBuilder("year,month,day,day_of_week,births\n");
        java.time.LocalDate previous = null;
        for (int i = 1; i < rows.size(); i++) {
            String[] r = rows.get(i);
            java.time.LocalDate day = java.time.LocalDate.of(Integer.parseInt(r[0]), Integer.parseInt(r[1]), Integer.parseInt(r[2]));
            if (previous != null && !day.equals(previous.plusDays(1))) {
                throw new IllegalArgumentException("births data.csv:" + (i + 1) + ": " + day + " does not follow " + previous);
            }
            previous = day;
            out.append(r[0]).append(',').append(r[1]).append(',').append(r[2]).append(',').append(r[3]).append(',')
                    .append(Integer.parseInt(r[4])).append('\n');
        }
        return out.toString();
    }

    /**
     * Box and Jenkins' monthly airline passengers 1949-1960 ({@code month,passengers}, thousands, as R's
     * {@code datasets::AirPassengers} writes them) as {@code month,passengers,passengers_year_before,log_growth} from
     * 1950-01 on: the year-over-year log growth {@code ln(passengers / passengers_year_before)} is what the network
     * forecasts (the raw series trends above its training range; its growth does not), and the month a year before
     * turns a forecast growth back into passengers ({@code passengers_year_before * exp(growth)}) and is the
     * 12-month seasonal-naive forecast. Every row is checked to be the month after the previous one.
     */
    public static String airPassengers(String csv) {
        List<String[]> rows = csvRows(csv, 2, "air_passengers raw csv");
        List<Integer> passengers = new ArrayList<>();
        List<String> months = new ArrayList<>();
        java.time.YearMonth previous = null;
        for (int i = 1; i < rows.size(); i++) {
            String[] r = rows.get(i);
            java.time.YearMonth month = java.time.YearMonth.parse(r[0]);
            if (previous != null && !month.equals(previous.plusMonths(1))) {
                throw new IllegalArgumentException("air_passengers raw csv:" + (i + 1) + ": " + month + " does not follow " + previous);
            }
            previous = month;
            int p = Integer.parseInt(r[1]);
            if (p <= 0) {
                throw new IllegalArgumentException("air_passengers raw csv:" + (i + 1) + ": " + p + " passengers (the log needs > 0)");
            }
            months.add(month.toString());
            passengers.add(p);
        }
        StringBuilder out = new StringBuilder("month,passengers,passengers_year_before,log_growth\n");
        for (int i = 12; i < passengers.size(); i++) {
            int now = passengers.get(i);
            int before = passengers.get(i - 12);
            // StrictMath: the same bytes on every JVM, so the fetch script can check the SHA-256 of the result
            out.append(months.get(i)).append(',').append(now).append(',').append(before).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", StrictMath.log((double) now / before))).append('\n');
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- pairs (grapheme to phoneme)

    /** Longest word kept: the encoder's {@code sequence}. */
    public static final int G2P_MAX_LETTERS = 20;
    /** Most phonemes kept: the decoder's {@code sequence} less the end token. */
    public static final int G2P_MAX_PHONEMES = 19;
    private static final Pattern WORD = Pattern.compile("[a-z][a-z']*");

    /**
     * CMUdict ({@code WORD  PH1 PH2 ...}, stress digits on vowels) as pairs {@code word<TAB>PH1 PH2 ...}: lower-case
     * words of letters and apostrophes that start with a letter (no abbreviations with dots, no hyphens or digits), each word's first
     * pronunciation ({@code WORD(1)} alternates dropped), stress digits removed (39 phonemes), at most
     * {@value #G2P_MAX_LETTERS} letters and {@value #G2P_MAX_PHONEMES} phonemes. Split by word, seeded: 90 % / 5 % / 5 %.
     *
     * @return {train, valid, test} TSV files with a {@code source<TAB>target} header, each in alphabetical order
     */
    public static String[] cmudict(String dict, long seed) {
        TreeMap<String, String> pairs = new TreeMap<>();
        int lineNo = 0;
        for (String line : dict.split("\n")) {
            lineNo++;
            if (line.isBlank() || line.startsWith(";;;")) {
                continue;
            }
            int gap = line.indexOf("  ");
            if (gap < 0) {
                throw new IllegalArgumentException("dict.txt:" + lineNo + ": expected `WORD  PHONEMES`, got `" + line + "`");
            }
            String word = line.substring(0, gap).toLowerCase(Locale.ROOT);
            if (!WORD.matcher(word).matches() || pairs.containsKey(word)) {
                continue; // an alternate pronunciation, an abbreviation, a hyphenated or numbered entry
            }
            String[] phones = line.substring(gap + 2).strip().split(" +");
            StringBuilder target = new StringBuilder();
            for (String p : phones) {
                target.append(target.length() == 0 ? "" : " ").append(p.replaceAll("[0-9]", ""));
            }
            if (word.length() <= G2P_MAX_LETTERS && phones.length <= G2P_MAX_PHONEMES) {
                pairs.put(word, target.toString());
            }
        }
        List<String> lines = new ArrayList<>();
        pairs.forEach((w, p) -> lines.add(w + "\t" + p));
        return splitLines(lines, seed, 0.05, 0.05, "source\ttarget");
    }

    // ---------------------------------------------------------------- labelled sequences (classification)

    /**
     * First names labelled {@code female} or {@code male}; a name on both lists (Jody, Kim, ...) is ambiguous and left
     * out. Split by name, seeded: 80 % / 10 % / 10 %.
     *
     * @return {train, valid, test} TSV files with a {@code name<TAB>label} header, each in alphabetical order
     */
    public static String[] names(String female, String male, long seed) {
        TreeSet<String> f = nameSet(female);
        TreeSet<String> m = nameSet(male);
        TreeMap<String, String> labelled = new TreeMap<>();
        for (String n : f) {
            if (!m.contains(n)) {
                labelled.put(n, "female");
            }
        }
        for (String n : m) {
            if (!f.contains(n)) {
                labelled.put(n, "male");
            }
        }
        List<String> lines = new ArrayList<>();
        labelled.forEach((n, label) -> lines.add(n + "\t" + label));
        return splitLines(lines, seed, 0.1, 0.1, "name\tlabel");
    }

    private static TreeSet<String> nameSet(String list) {
        TreeSet<String> out = new TreeSet<>();
        for (String line : list.split("\n")) {
            String n = line.strip();
            if (!n.isEmpty()) {
                if (n.indexOf('\t') >= 0) {
                    throw new IllegalArgumentException("a name holds a tab: " + n);
                }
                out.add(n);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- labelled sequences (tagging)

    /** Readings per window of the tagging sample: its model's {@code sequence}. */
    public static final int SENSOR_WINDOW = 100;
    /** Features per reading: humidity, temperature and their changes since the previous reading, standardised. */
    public static final int SENSOR_FEATURES = 4;

    /**
     * The single-hop sensor network's readings ({@code reading,mote_id,indoor,humidity,temperature,label}) as tagging
     * samples: each mote's readings in order, cut into windows of {@value #SENSOR_WINDOW} (the last one shorter), each
     * reading four features (humidity, temperature, and their change since the mote's previous reading; each
     * standardised with the mean and population deviation of the training motes) and its label, 0 normal or 1 event.
     * Motes 1, 2 and 3 train (mote 1 holds the data set's indoor event); mote 4 (outdoor, the other event) tests.
     *
     * @return {train, test} TSV files {@code x<TAB>tags}: steps separated by {@code ;}, tags by blanks
     */
    public static String[] sensor(String csv) {
        List<String[]> rows = csvRows(csv, 6, "sensor data.csv");
        Map<Integer, List<double[]>> motes = new TreeMap<>();
        for (String[] r : rows.subList(1, rows.size())) {
            int mote = Integer.parseInt(r[1]);
            motes.computeIfAbsent(mote, k -> new ArrayList<>()).add(new double[] {
                Double.parseDouble(r[0]), number(r[3], "sensor data.csv"), number(r[4], "sensor data.csv"), Integer.parseInt(r[5])});
        }
        // features of every mote: h, t, dh, dt (raw)
        Map<Integer, double[][]> features = new LinkedHashMap<>();
        Map<Integer, int[]> labels = new LinkedHashMap<>();
        for (var e : motes.entrySet()) {
            List<double[]> readings = e.getValue();
            readings.sort((a, b) -> Double.compare(a[0], b[0]));
            double[][] x = new double[readings.size()][SENSOR_FEATURES];
            int[] y = new int[readings.size()];
            for (int i = 0; i < readings.size(); i++) {
                double[] r = readings.get(i);
                double[] prev = readings.get(Math.max(0, i - 1));
                x[i] = new double[] {r[1], r[2], r[1] - prev[1], r[2] - prev[2]};
                y[i] = (int) r[3];
            }
            features.put(e.getKey(), x);
            labels.put(e.getKey(), y);
        }
        double[] mean = new double[SENSOR_FEATURES];
        double[] sq = new double[SENSOR_FEATURES];
        long n = 0;
        for (int mote : List.of(1, 2, 3)) {
            for (double[] x : features.get(mote)) {
                n++;
                for (int c = 0; c < SENSOR_FEATURES; c++) {
                    mean[c] += x[c];
                }
            }
        }
        for (int c = 0; c < SENSOR_FEATURES; c++) {
            mean[c] /= n;
        }
        for (int mote : List.of(1, 2, 3)) {
            for (double[] x : features.get(mote)) {
                for (int c = 0; c < SENSOR_FEATURES; c++) {
                    sq[c] += (x[c] - mean[c]) * (x[c] - mean[c]);
                }
            }
        }
        double[] std = new double[SENSOR_FEATURES];
        for (int c = 0; c < SENSOR_FEATURES; c++) {
            std[c] = Math.sqrt(sq[c] / n);
        }
        StringBuilder train = new StringBuilder("x\ttags\n");
        StringBuilder test = new StringBuilder("x\ttags\n");
        for (int mote : features.keySet()) {
            StringBuilder out = mote == 4 ? test : train;
            double[][] x = features.get(mote);
            int[] y = labels.get(mote);
            for (int from = 0; from < x.length; from += SENSOR_WINDOW) {
                int to = Math.min(x.length, from + SENSOR_WINDOW);
                StringBuilder tags = new StringBuilder();
                for (int i = from; i < to; i++) {
                    out.append(i == from ? "" : "; ");
                    for (int c = 0; c < SENSOR_FEATURES; c++) {
                        out.append(c == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4f", (x[i][c] - mean[c]) / std[c]));
                    }
                    tags.append(i == from ? "" : " ").append(y[i]);
                }
                out.append('\t').append(tags).append('\n');
            }
        }
        return new String[] {train.toString(), test.toString()};
    }

    // ---------------------------------------------------------------- shared

    /**
     * A seeded permutation of {@code 0..n-1}: Fisher-Yates from the last index down, each swap partner drawn as
     * {@code floorMod(next, i + 1)} from SplitMix64 started at {@code seed}. Plain integer arithmetic, so any language
     * reproduces it (bench/sample_data.py does).
     */
    public static int[] shuffle(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        long state = seed;
        for (int i = n - 1; i > 0; i--) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            int j = (int) Math.floorMod(z, (long) (i + 1));
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Cuts lines into train/valid/test by a seeded permutation; each part keeps the input order. */
    static String[] splitLines(List<String> lines, long seed, double valid, double test, String header) {
        int n = lines.size();
        int nValid = (int) Math.round(n * valid);
        int nTest = (int) Math.round(n * test);
        int nTrain = n - nValid - nTest;
        int[] order = shuffle(n, seed);
        int[] part = new int[n];
        for (int k = 0; k < n; k++) {
            part[order[k]] = k < nTrain ? 0 : k < nTrain + nValid ? 1 : 2;
        }
        StringBuilder[] out = {new StringBuilder(header + "\n"), new StringBuilder(header + "\n"), new StringBuilder(header + "\n")};
        for (int i = 0; i < n; i++) {
            out[part[i]].append(lines.get(i)).append('\n');
        }
        return new String[] {out[0].toString(), out[1].toString(), out[2].toString()};
    }

    /** Comma-separated rows (fields may be double-quoted, without commas inside), each checked to have {@code fields}. */
    static List<String[]> csvRows(String csv, int fields, String what) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = csv.replace("\r\n", "\n").split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            if (f.length != fields) {
                throw new IllegalArgumentException(what + ":" + (i + 1) + ": " + f.length + " fields, expected " + fields);
            }
            for (int k = 0; k < f.length; k++) {
                f[k] = f[k].strip().replace("\"", "");
            }
            rows.add(f);
        }
        if (rows.size() < 2) {
            throw new IllegalArgumentException(what + ": no rows under the header");
        }
        return rows;
    }

    private static double number(String s, String what) {
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + ": '" + s + "' is not a finite number");
        }
        return v;
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }

    /** Writes beside the target, then renames: an interrupted run never leaves a half-written file. */
    private static void write(Path dir, String name, String content) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("  wrote " + dir.resolve(name));
    }

    /**
     * {@code KIND IN... OUTDIR}:
     * {@code text BOOK.txt NAME OUTDIR} (NAME-train.txt, NAME-valid.txt),
     * {@code sunspots sunspots.csv OUTDIR}, {@code births data.csv OUTDIR}, {@code air_passengers month-passengers.csv OUTDIR}, {@code cmudict dict.txt OUTDIR},
     * {@code names female.txt male.txt OUTDIR}, {@code sensor data.csv OUTDIR}.
     */
    public static void main(String[] args) throws IOException {
        String usage = "usage: SampleData text BOOK NAME OUTDIR | sunspots CSV OUTDIR | births CSV OUTDIR | air_passengers CSV OUTDIR | cmudict DICT OUTDIR"
                + " | names FEMALE MALE OUTDIR | sensor CSV OUTDIR";
        if (args.length < 3) {
            System.err.println(usage);
            System.exit(1);
        }
        Path out = Path.of(args[args.length - 1]);
        switch (args[0]) {
            case "text" -> {
                String[] parts = text(read(args[1]), 0.1);
                write(out, args[2] + "-train.txt", parts[0]);
                write(out, args[2] + "-valid.txt", parts[1]);
            }
            case "sunspots" -> write(out, "sunspots.csv", sunspots(read(args[1])));
            case "births" -> write(out, "births.csv", births(read(args[1])));
            case "air_passengers" -> write(out, "air_passengers.csv", airPassengers(read(args[1])));
            case "cmudict" -> writeSplit(out, cmudict(read(args[1]), 15), "tsv");
            case "names" -> writeSplit(out, names(read(args[1]), read(args[2]), 15), "tsv");
            case "sensor" -> {
                String[] parts = sensor(read(args[1]));
                write(out, "train.tsv", parts[0]);
                write(out, "test.tsv", parts[1]);
            }
            default -> {
                System.err.println("unknown kind '" + args[0] + "'\n" + usage);
                System.exit(1);
            }
        }
    }

    private static void writeSplit(Path out, String[] parts, String ext) throws IOException {
        write(out, "train." + ext, parts[0]);
        write(out, "valid." + ext, parts[1]);
        write(out, "test." + ext, parts[2]);
    }
}
