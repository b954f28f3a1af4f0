package io.rnnc.runtime.io;

import io.rnnc.runtime.PyTorchFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------- real files

    @Test
    void everyPyTorchFixtureReads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(PyTorchFixtures.root())) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertEquals(26, files.size(), "8 base, 9 extended and 9 w2 fixtures under " + PyTorchFixtures.root());
        for (Path f : files) {
            SafeTensors.Contents c = SafeTensors.read(f);
            assertTrue(c.tensors().size() > 5, f.toString());
            // Independent check of the first tensor: decode its bytes by hand from the header offsets.
            byte[] bytes = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            SafeTensors.Tensor first = c.tensors().values().iterator().next();
            int width = first.dtype().equals("F64") ? 8 : 4;
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            Map<?, ?> entry = (Map<?, ?>) ((Map<?, ?>) Json.parse(header)).get(first.name());
            long begin = (Long) ((List<?>) entry.get("data_offsets")).get(0);
            ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < first.values().length; k++) {
                int at = (int) (8 + n + begin) + k * width;
                double expected = width == 8 ? data.getDouble(at) : data.getFloat(at);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(first.values()[k]), f + " " + first.name());
            }
        }
    }

    @Test
    void fixtureP08HasTheSeedModelShapes() {
        SafeTensors.Contents c = SafeTensors.read(PyTorchFixtures.set("fixtures").resolve("p08_rnn_tanh_l2_m2o_ce_mnistlike/tensors.safetensors"));
        assertEquals("F32", c.get("rnn.weight_ih_l0").dtype());
        assertEquals(2, c.get("rnn.weight_hh_l1").shape().length);
    }

    // ------------------------------------------------------------------------------- round trips

    static double[] awkwardValues(int n, boolean f32) {
        double[] v = new double[n];
        double[] specials = {0.0, -0.0, 1.0, -1.5, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-40, 0.1, Math.PI};
        io.rnnc.runtime.init.Rng rng = new io.rnnc.runtime.init.Rng(7);
        for (int i = 0; i < n; i++) {
            double x = i < specials.length ? specials[i] : rng.nextGaussian() * Math.pow(10, rng.nextInt(20) - 10);
            v[i] = f32 ? (float) x : x;
        }
        if (!f32) {
            v[n - 1] = Double.MIN_VALUE;
            v[n - 2] = Double.MAX_VALUE;
        }
        return v;
    }

    @Test
    void writeThenReadIsBitExactForF32AndF64() {
        List<SafeTensors.Tensor> tensors = List.of(
                new SafeTensors.Tensor("rnn.weight_ih_l0", "F32", new int[] {7, 3}, awkwardValues(21, true)),
                new SafeTensors.Tensor("scalar", "F64", new int[] {}, new double[] {-2.5}),
                new SafeTensors.Tensor("empty", "F32", new int[] {0, 4}, new double[0]),
                new SafeTensors.Tensor("z.f64", "F64", new int[] {5, 2, 3}, awkwardValues(30, false)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "quotes \" and \\ and\nnewlines, ünïcödé");
        for (SafeTensors.Order order : SafeTensors.Order.values()) {
            Path f = dir.resolve("rt-" + order + ".safetensors");
            SafeTensors.write(f, tensors, meta, order);
            SafeTensors.Contents c = SafeTensors.read(f);
            assertEquals(meta, c.metadata());
            for (SafeTensors.Tensor t : tensors) {
                SafeTensors.Tensor r = c.get(t.name());
                assertEquals(t.dtype(), r.dtype());
                assertArrayEquals(t.shape(), r.shape());
                assertEquals(t.values().length, r.values().length);
                for (int k = 0; k < t.values().length; k++) {
                    assertEquals(Double.doubleToRawLongBits(t.values()[k]), Double.doubleToRawLongBits(r.values()[k]), t.name() + "[" + k + "]");
                }
            }
            List<String> expectedOrder = order == SafeTensors.Order.GIVEN
                    ? List.of("rnn.weight_ih_l0", "scalar", "empty", "z.f64")
                    : List.of("empty", "rnn.weight_ih_l0", "scalar", "z.f64");
            assertEquals(expectedOrder, new ArrayList<>(c.tensors().keySet()));
        }
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOf8AndDataIsContiguous() throws IOException {
        for (int nameLength = 1; nameLength <= 9; nameLength++) {
            Path f = dir.resolve("pad" + nameLength + ".safetensors");
            SafeTensors.write(f, List.of(new SafeTensors.Tensor("x".repeat(nameLength), "F32", new int[] {2}, new double[] {1, 2})), Map.of());
            byte[] b = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, n % 8, "header length");
            assertEquals(8 + n + 8, b.length, "header and 8 data bytes");
            String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{\"" + "x".repeat(nameLength) + "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"), header);
            assertEquals(header.stripTrailing().length() + (header.length() - header.stripTrailing().length()), header.length());
            assertTrue(header.substring(header.lastIndexOf('}') + 1).chars().allMatch(ch -> ch == ' '));
        }
    }

    @Test
    void writerRejectsWhatItCannotWrite() {
        Path f = dir.resolve("w.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f,
                List.of(new SafeTensors.Tensor("a", "F16", new int[] {1}, new double[] {1})), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f,
                List.of(new SafeTensors.Tensor("a", "F32", new int[] {3}, new double[] {1})), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, List.of(
                new SafeTensors.Tensor("a", "F32", new int[] {1}, new double[] {1}),
                new SafeTensors.Tensor("a", "F32", new int[] {1}, new double[] {1})), Map.of()));
        assertFalse(Files.exists(f));
    }

    // ------------------------------------------------------------------------------- atomic writes

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileByteIdenticalAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, List.of(new SafeTensors.Tensor("old", "F32", new int[] {4}, new double[] {1, 2, 3, 4})), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(f);
        List<SafeTensors.Tensor> big = List.of(new SafeTensors.Tensor("new", "F64", new int[] {100_000}, new double[100_000]));
        RnncIoException e = assertThrows(RnncIoException.class, () -> AtomicFile.write(f,
                out -> SafeTensors.writeTo(new FailAfter(out, 300_000), big, Map.of("v", "2"), SafeTensors.Order.GIVEN)));
        assertEquals("cannot write " + f + ": disk full (simulated after 300000 bytes); the previous file is unchanged", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file left");
        }
        // A runtime failure in the content is cleaned up the same way and passes through.
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[1000]);
            throw new IllegalStateException("bug");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
        // And a successful write replaces the file completely.
        SafeTensors.write(f, big, Map.of());
        assertEquals(100_000, SafeTensors.read(f).get("new").values().length);
    }

    @Test
    void writingIntoAMissingDirectoryOrOverADirectoryFailsClearly() throws IOException {
        Path missing = dir.resolve("nope/model.safetensors");
        RnncIoException e = assertThrows(RnncIoException.class, () -> SafeTensors.write(missing, List.of(), Map.of()));
        assertEquals("cannot write " + missing + ": directory " + dir.resolve("nope") + " does not exist", e.getMessage());
        Path sub = Files.createDirectory(dir.resolve("sub"));
        e = assertThrows(RnncIoException.class, () -> SafeTensors.write(sub, List.of(), Map.of()));
        assertEquals("cannot write " + sub + ": it is a directory", e.getMessage());
    }

    /** Throws after {@code limit} bytes, like a disk that fills up. */
    static final class FailAfter extends FilterOutputStream {
        private final long limit;
        private long written;

        FailAfter(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > limit) {
                int part = (int) (limit - written);
                out.write(b, off, part);
                written += part;
                throw new IOException("disk full (simulated after " + limit + " bytes)");
            }
            out.write(b, off, len);
            written += len;
        }
    }

    // ------------------------------------------------------------------------------- corrupt files

    /** A file with a given header text and data length. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    static String error(byte[] bytes) {
        return assertThrows(RnncIoException.class, () -> SafeTensors.parse("t.safetensors", bytes)).getMessage();
    }

    @Test
    void truncatedFiles() throws IOException {
        byte[] good = SafeTensors.encode(List.of(
                new SafeTensors.Tensor("a", "F32", new int[] {2, 2}, new double[] {1, 2, 3, 4}),
                new SafeTensors.Tensor("b", "F32", new int[] {3}, new double[] {5, 6, 7})), Map.of(), SafeTensors.Order.GIVEN);
        assertEquals(4, SafeTensors.parse("t.safetensors", good).get("a").values().length);
        assertEquals("t.safetensors: not a safetensors file: 5 bytes, shorter than the 8-byte header length",
                error(Arrays.copyOf(good, 5)));
        assertEquals("t.safetensors: truncated: the header is 112 bytes but only 12 bytes follow the length field",
                error(Arrays.copyOf(good, 20)));
        assertEquals("t.safetensors: truncated: tensor 'b' ends at data byte 28 but the file holds only 27 bytes of data",
                error(Arrays.copyOf(good, good.length - 1)));
        assertEquals("t.safetensors: truncated: tensor 'b' ends at data byte 28 but the file holds only 10 bytes of data",
                error(Arrays.copyOf(good, 8 + 112 + 10)));
        // Through the file API too, with the file's name.
        Path f = dir.resolve("cut.safetensors");
        Files.write(f, Arrays.copyOf(good, good.length - 4));
        RnncIoException e = assertThrows(RnncIoException.class, () -> SafeTensors.read(f));
        assertEquals(f + ": truncated: tensor 'b' ends at data byte 28 but the file holds only 24 bytes of data", e.getMessage());
        Path none = dir.resolve("none.safetensors");
        assertEquals(none + ": no such file", assertThrows(RnncIoException.class, () -> SafeTensors.read(none)).getMessage());
    }

    @Test
    void oversizeAndNegativeHeaderLengths() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(100_000_001L);
        assertEquals("t.safetensors: header length 100000001 exceeds the limit of 100000000 bytes (not a safetensors file, or a corrupt one)",
                error(b.array()));
        b.putLong(0, -1L);
        assertEquals("t.safetensors: header length 18446744073709551615 exceeds the limit of 100000000 bytes (not a safetensors file, or a corrupt one)",
                error(b.array()));
    }

    @Test
    void headerThatIsNotJsonOrNotAnObject() {
        assertEquals("t.safetensors: header is not valid JSON: expected ',' or '}' at offset 9", error(file("{\"a\": 1 2}", 0)));
        assertEquals("t.safetensors: header is not valid JSON: unexpected end of JSON at offset 5", error(file("{\"a\":", 0)));
        assertEquals("t.safetensors: header does not start with '{' (not a safetensors file)", error(file("[1, 2]", 0)));
        assertEquals("t.safetensors: header does not start with '{' (not a safetensors file)", error(file("PK\u0003\u0004", 0)));
        byte[] badUtf8 = file("{\"a\":\"xx\"}", 0);
        badUtf8[8 + 6] = (byte) 0xC3;
        badUtf8[8 + 7] = (byte) 0x28;
        assertEquals("t.safetensors: header is not valid UTF-8", error(badUtf8));
        assertEquals("t.safetensors: tensor 'a' is not described by a JSON object", error(file("{\"a\": [1]}", 0)));
    }

    @Test
    void duplicateNames() {
        String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertEquals("t.safetensors: header names tensor 'w' twice", error(file("{\"w\":" + t + ",\"w\":" + t + "}", 8)));
    }

    @Test
    void dtypes() {
        assertEquals("t.safetensors: tensor 'w' has unknown dtype 'F33'",
                error(file("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)));
        assertEquals("t.safetensors: tensor 'w' has unsupported dtype F8_E4M3; rnnc reads F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL",
                error(file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)));
        assertEquals("t.safetensors: tensor 'w' has no \"dtype\" string",
                error(file("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4)));
    }

    @Test
    void otherDtypesReadAsDoubles() {
        byte[] f = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[8,10]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[10,18]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[18,19]}}", 19);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int d = f.length - 19;
        b.putShort(d, (short) 0x3C00);      // 1.0
        b.putShort(d + 2, (short) 0xC000);  // -2.0
        b.putShort(d + 4, (short) 0x0001);  // smallest subnormal, 2^-24
        b.putShort(d + 6, (short) 0x7C00);  // +inf
        b.putShort(d + 8, (short) 0x4049);  // bf16 3.140625
        b.putLong(d + 10, -123456789012L);
        b.put(d + 18, (byte) 200);
        SafeTensors.Contents c = SafeTensors.parse("t", f);
        assertArrayEquals(new double[] {1.0, -2.0, 0x1.0p-24, Double.POSITIVE_INFINITY}, c.get("h").values());
        assertArrayEquals(new double[] {3.140625}, c.get("b").values());
        assertArrayEquals(new double[] {-123456789012.0}, c.get("i").values());
        assertArrayEquals(new double[] {200}, c.get("u").values());
    }

    @Test
    void overlappingGappedAndMissizedOffsets() {
        assertEquals("t.safetensors: tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a' (data_offsets [0, 8])",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)));
        assertEquals("t.safetensors: gap of 4 bytes before tensor 'b' (data_offsets [12, 20]): tensor 'a' ends at 8",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20)));
        assertEquals("t.safetensors: gap of 8 bytes before tensor 'a' (data_offsets [8, 16]): the data starts at 0",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16)));
        assertEquals("t.safetensors: tensor 'a' (F32 [2, 3]) needs 24 bytes but data_offsets [0, 20] span 20",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20)));
        assertEquals("t.safetensors: tensor 'a' has data_offsets [8, 0] that end before they begin",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8)));
        assertEquals("t.safetensors: tensor 'a': \"shape\" must be a list of non-negative integers, got [2, -3]",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,8]}}", 8)));
        assertEquals("t.safetensors: tensor 'a': \"data_offsets\" must be a list of 2 non-negative integers, got [0]",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8)));
        assertEquals("t.safetensors: 4 bytes of trailing data after the last tensor 'a'",
                error(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12)));
        // Out-of-order but tiling offsets are fine (the format does not require header order = data order).
        SafeTensors.Contents c = SafeTensors.parse("t", file("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8));
        assertEquals(List.of("b", "a"), new ArrayList<>(c.tensors().keySet()));
    }

    @Test
    void metadataMustBeStrings() {
        assertEquals("t.safetensors: __metadata__ value of 'epoch' is not a string (safetensors metadata maps strings to strings)",
                error(file("{\"__metadata__\":{\"epoch\":3}}", 0)));
        assertEquals("t.safetensors: __metadata__ is not a JSON object", error(file("{\"__metadata__\":\"x\"}", 0)));
        assertEquals(Map.of("epoch", "3"), SafeTensors.parse("t", file("{\"__metadata__\":{\"epoch\":\"3\"}}   ", 0)).metadata());
    }
}
