package io.rnnc.compiler.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The incremental state of one generation run, kept in a small text file between builds: the
 * generator's fingerprint (see {@link GeneratorFingerprint}), and for each spec (its key: the path
 * relative to its source directory) the SHA-256 of its content and the files it generated (relative
 * to the output directory).
 *
 * <pre>
 * # rnnc incremental state: delete this file to regenerate everything
 * fingerprint 3f2a...
 * spec mnist/mnist_rnn.rnn 9c1e... io/rnnc/samples/mnist/MnistRnn.java
 * </pre>
 * A missing or unreadable file is an empty state (everything is regenerated), never an error.
 */
record BuildState(String fingerprint, Map<String, Entry> entries) {

    /** One spec's hash ({@code "-"}: parse again next time) and outputs. */
    public record Entry(String hash, List<String> outputs) {
        public Entry {
            outputs = List.copyOf(outputs);
        }
    }

    public BuildState {
        entries = new TreeMap<>(entries);
    }

    static BuildState empty() {
        return new BuildState("", Map.of());
    }

    static BuildState read(Path file) {
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        try {
            String fingerprint = "";
            Map<String, Entry> entries = new TreeMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length == 2 && f[0].equals("fingerprint")) {
                    fingerprint = f[1];
                } else if (f.length >= 3 && f[0].equals("spec")) {
                    entries.put(f[1], new Entry(f[2], new ArrayList<>(Arrays.asList(f).subList(3, f.length))));
                }
            }
            return new BuildState(fingerprint, entries);
        } catch (IOException | RuntimeException e) {
            return empty();
        }
    }

    void write(Path file) {
        StringBuilder text = new StringBuilder("# rnnc incremental state: delete this file to regenerate everything\n");
        text.append("fingerprint\t").append(fingerprint).append('\n');
        entries.forEach((spec, e) -> {
            text.append("spec\t").append(spec).append('\t').append(e.hash());
            e.outputs().forEach(o -> text.append('\t').append(o));
            text.append('\n');
        });
        SourceWriter.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
