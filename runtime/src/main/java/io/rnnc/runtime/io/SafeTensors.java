package io.rnnc.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The safetensors format: 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
 * name to {@code {"dtype", "shape", "data_offsets"}} (plus an optional {@code "__metadata__"} object of
 * strings), then the raw little-endian row-major data, tensor after tensor without gaps.
 *
 * <p>{@link #read} validates everything before it trusts a byte: the header length (at most
 * {@value #MAX_HEADER_BYTES} bytes and inside the file), UTF-8, strict JSON, the object's shape,
 * dtypes, that every tensor's byte span equals its element count times its dtype's width, that the
 * spans tile the data exactly (no gap, no overlap, nothing missing or trailing) and that no name
 * appears twice. Each failure is a {@link RnncIoException} whose message names the file and the
 * tensor. Values are read into doubles whatever the stored dtype (F64, F32, F16, BF16 and the
 * integer types; integers beyond 2^53 lose precision).
 *
 * <p>{@link #write} writes F32 and F64 tensors atomically (see {@link AtomicFile}); the header is
 * padded with spaces so the data starts at a multiple of 8 bytes, as the reference implementation does.
 * Metadata keys are written sorted (by {@link String#compareTo}), whatever the map's iteration order, so
 * that the same contents always give the same bytes.
 */
public final class SafeTensors {

    /** Largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Tensor order in a written file. */
    public enum Order {
        /** The order of the list given to {@link #write}. */
        GIVEN,
        /** Sorted by name (byte order of the UTF-16 strings), independent of the caller's order. */
        BY_NAME
    }

    /** One stored tensor: its dtype as the file names it ({@code F32}, {@code F64}, ...), shape and values. */
    public record Tensor(String name, String dtype, int[] shape, double[] values) {
        public Tensor {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }

        /** Number of elements the shape describes (1 for a scalar). */
        public long elementCount() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A whole file: tensors in header order and the metadata strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        public Tensor get(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new RnncIoException("no tensor '" + name + "' in the file; it has " + tensors.keySet());
            }
            return t;
        }

        public boolean has(String name) {
            return tensors.containsKey(name);
        }
    }

    /** A dtype of the format: its name, its width in bytes, and whether rnnc reads it. */
    private enum Dtype {
        F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
        I64(8, true), I32(4, true), I16(2, true), I8(1, true), U8(1, true), BOOL(1, true),
        U64(8, false), U32(4, false), U16(2, false), F8_E4M3(1, false), F8_E5M2(1, false);

        final int width;
        final boolean readable;

        Dtype(int width, boolean readable) {
            this.width = width;
            this.readable = readable;
        }

        static Dtype of(String name) {
            for (Dtype d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }

        static String readableNames() {
            List<String> names = new ArrayList<>();
            for (Dtype d : values()) {
                if (d.readable) {
                    names.add(d.name());
                }
            }
            return String.join(", ", names);
        }
    }

    /** A header entry after validation: where its bytes are. */
    private record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {
    }

    private SafeTensors() {
    }

    // ------------------------------------------------------------------------------------------ read

    /** Reads and validates a whole file. */
    public static Contents read(Path file) {
        String where = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new RnncIoException(where + ": file is " + size + " bytes; rnnc reads safetensors files up to 2 GB");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RnncIoException(where + ": no such file", e);
        } catch (IOException e) {
            throw new RnncIoException(where + ": cannot read: " + e.getMessage(), e);
        }
        return parse(where, bytes);
    }

    /** Parses the bytes of a file; {@code where} names it in messages. */
    public static Contents parse(String where, byte[] bytes) {
        if (bytes.length < 8) {
            throw new RnncIoException(where + ": not a safetensors file: " + bytes.length
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new RnncIoException(where + ": header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file, or a corrupt one)");
        }
        if (headerLength > bytes.length - 8L) {
            throw new RnncIoException(where + ": truncated: the header is " + headerLength + " bytes but only "
                    + (bytes.length - 8) + " bytes follow the length field");
        }
        int dataStart = 8 + (int) headerLength;
        String header = decodeHeader(where, bytes, (int) headerLength);
        if (header.isEmpty() || header.charAt(0) != '{') {
            throw new RnncIoException(where + ": header does not start with '{' (not a safetensors file)");
        }
        Object json;
        try {
            json = Json.parse(header);
        } catch (Json.DuplicateKeyException e) {
            if (e.depth == 1) {
                throw new RnncIoException(where + ": header names tensor '" + e.key + "' twice");
            }
            throw new RnncIoException(where + ": header is not valid JSON: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new RnncIoException(where + ": header is not valid JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> map)) {
            throw new RnncIoException(where + ": header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                readMetadata(where, e.getValue(), metadata);
            } else {
                entries.add(entry(where, name, e.getValue()));
            }
        }
        checkLayout(where, entries, bytes.length - (long) dataStart);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            tensors.put(en.name, new Tensor(en.name, en.dtype.name(), en.shape,
                    decode(buf, dataStart + (int) en.begin, en.dtype, (int) ((en.end - en.begin) / en.dtype.width))));
        }
        return new Contents(tensors, metadata);
    }

    private static String decodeHeader(String where, byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, length))
                    .toString();
        } catch (MalformedInputException e) {
            throw new RnncIoException(where + ": header is not valid UTF-8");
        } catch (CharacterCodingException e) {
            throw new RnncIoException(where + ": header is not valid UTF-8: " + e.getMessage());
        }
    }

    private static void readMetadata(String where, Object value, Map<String, String> metadata) {
        if (!(value instanceof Map<?, ?> meta)) {
            throw new RnncIoException(where + ": __metadata__ is not a JSON object");
        }
        for (Map.Entry<?, ?> m : meta.entrySet()) {
            if (!(m.getValue() instanceof String s)) {
                throw new RnncIoException(where + ": __metadata__ value of '" + m.getKey()
                        + "' is not a string (safetensors metadata maps strings to strings)");
            }
            metadata.put((String) m.getKey(), s);
        }
    }

    private static Entry entry(String where, String name, Object value) {
        String at = where + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> t)) {
            throw new RnncIoException(at + " is not described by a JSON object");
        }
        if (!(t.get("dtype") instanceof String dtypeName)) {
            throw new RnncIoException(at + " has no \"dtype\" string");
        }
        Dtype dtype = Dtype.of(dtypeName);
        if (dtype == null) {
            throw new RnncIoException(at + " has unknown dtype '" + dtypeName + "'");
        }
        if (!dtype.readable) {
            throw new RnncIoException(at + " has unsupported dtype " + dtypeName + "; rnnc reads "
                    + Dtype.readableNames());
        }
        long[] shapeLong = integers(at, "shape", t.get("shape"), -1);
        int[] shape = new int[shapeLong.length];
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shapeLong[d] > Integer.MAX_VALUE) {
                throw new RnncIoException(at + " has dimension " + shapeLong[d] + ", larger than rnnc supports");
            }
            shape[d] = (int) shapeLong[d];
            // Both factors stay below 2^31 + 1, so the product cannot overflow a long before the cap.
            count = Math.min(count * shape[d], Integer.MAX_VALUE + 1L);
        }
        long[] offsets = integers(at, "data_offsets", t.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new RnncIoException(at + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        if (count > Integer.MAX_VALUE || count * dtype.width != end - begin) {
            throw new RnncIoException(at + " (" + dtypeName + " " + Arrays.toString(shape) + ") needs "
                    + (count > Integer.MAX_VALUE ? "more than 2^31 elements" : (count * dtype.width) + " bytes")
                    + " but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers ({@code length} -1: any length). */
    private static long[] integers(String at, String key, Object value, int length) {
        String what = length < 0 ? "a list of non-negative integers" : "a list of " + length + " non-negative integers";
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw new RnncIoException(at + ": \"" + key + "\" must be " + what + ", got " + render(value));
        }
        long[] out = new long[list.size()];
        for (int k = 0; k < out.length; k++) {
            if (!(list.get(k) instanceof Long v) || v < 0) {
                throw new RnncIoException(at + ": \"" + key + "\" must be " + what + ", got " + render(value));
            }
            out[k] = v;
        }
        return out;
    }

    private static String render(Object v) {
        return v == null ? "nothing" : v.toString();
    }

    /** The spans must tile [0, dataLength) exactly. */
    private static void checkLayout(String where, List<Entry> entries, long dataLength) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry last = null;
        for (Entry e : byOffset) {
            last = last == null || e.end > last.end ? e : last;
        }
        long needed = last == null ? 0 : last.end;
        if (needed > dataLength) {
            throw new RnncIoException(where + ": truncated: tensor '" + last.name + "' ends at data byte " + needed
                    + " but the file holds only " + dataLength + " bytes of data");
        }
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin > expected) {
                throw new RnncIoException(where + ": gap of " + (e.begin - expected) + " bytes before tensor '" + e.name
                        + "' (data_offsets [" + e.begin + ", " + e.end + "]): "
                        + (previous == null ? "the data starts at 0" : "tensor '" + previous.name + "' ends at " + expected));
            }
            if (e.begin < expected) {
                throw new RnncIoException(where + ": tensor '" + e.name + "' (data_offsets [" + e.begin + ", " + e.end
                        + "]) overlaps tensor '" + previous.name + "' (data_offsets [" + previous.begin + ", "
                        + previous.end + "])");
            }
            expected = e.end;
            previous = e;
        }
        if (expected < dataLength) {
            throw new RnncIoException(where + ": " + (dataLength - expected) + " bytes of trailing data after the last tensor"
                    + (previous == null ? "" : " '" + previous.name + "'"));
        }
    }

    private static double[] decode(ByteBuffer buf, int at, Dtype dtype, int count) {
        double[] v = new double[count];
        switch (dtype) {
            case F64 -> { for (int k = 0; k < count; k++) { v[k] = buf.getDouble(at + 8 * k); } }
            case F32 -> { for (int k = 0; k < count; k++) { v[k] = buf.getFloat(at + 4 * k); } }
            case F16 -> { for (int k = 0; k < count; k++) { v[k] = halfToFloat(buf.getShort(at + 2 * k)); } }
            case BF16 -> { for (int k = 0; k < count; k++) { v[k] = Float.intBitsToFloat((buf.getShort(at + 2 * k) & 0xffff) << 16); } }
            case I64 -> { for (int k = 0; k < count; k++) { v[k] = buf.getLong(at + 8 * k); } }
            case I32 -> { for (int k = 0; k < count; k++) { v[k] = buf.getInt(at + 4 * k); } }
            case I16 -> { for (int k = 0; k < count; k++) { v[k] = buf.getShort(at + 2 * k); } }
            case I8 -> { for (int k = 0; k < count; k++) { v[k] = buf.get(at + k); } }
            case U8, BOOL -> { for (int k = 0; k < count; k++) { v[k] = buf.get(at + k) & 0xff; } }
            default -> throw new IllegalStateException("unreadable dtype " + dtype);
        }
        return v;
    }

    /** IEEE 754 binary16 to float, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float m = mant * 0x1.0p-24f; // subnormal: mant * 2^-24, exact in float
            return sign == 0 ? m : -m;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    // ----------------------------------------------------------------------------------------- write

    /** Writes {@code tensors} (dtype F32 or F64) in the given order, atomically. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, Order.GIVEN);
    }

    /** Writes {@code tensors} (dtype F32 or F64) in the chosen order, atomically. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata, Order order) {
        List<Tensor> ordered = ordered(tensors, order);
        byte[] header = header(ordered, metadata);
        AtomicFile.write(file, out -> writeTo(out, header, ordered));
    }

    /** The whole file's bytes, as {@link #write} would write them. */
    public static byte[] encode(List<Tensor> tensors, Map<String, String> metadata, Order order) {
        List<Tensor> ordered = ordered(tensors, order);
        byte[] header = header(ordered, metadata);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            writeTo(out, header, ordered);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Streams a file to {@code out}; {@link #write} wraps this in an {@link AtomicFile}. */
    public static void writeTo(OutputStream out, List<Tensor> tensors, Map<String, String> metadata, Order order)
            throws IOException {
        List<Tensor> ordered = ordered(tensors, order);
        writeTo(out, header(ordered, metadata), ordered);
    }

    private static List<Tensor> ordered(List<Tensor> tensors, Order order) {
        List<Tensor> list = new ArrayList<>(tensors);
        if (order == Order.BY_NAME) {
            list.sort(Comparator.comparing(Tensor::name));
        }
        Set<String> seen = new HashSet<>();
        for (Tensor t : list) {
            if (!t.dtype().equals("F32") && !t.dtype().equals("F64")) {
                throw new IllegalArgumentException("tensor '" + t.name() + "': rnnc writes F32 and F64, not " + t.dtype());
            }
            if (t.name().equals("__metadata__") || !seen.add(t.name())) {
                throw new IllegalArgumentException("tensor name '" + t.name() + "' is reserved or used twice");
            }
            if (t.elementCount() != t.values().length) {
                throw new IllegalArgumentException("tensor '" + t.name() + "': shape " + t.shapeString() + " holds "
                        + t.elementCount() + " values, got " + t.values().length);
            }
        }
        return list;
    }

    /** Length field plus JSON, padded with spaces so that the data starts at a multiple of 8. */
    private static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
                h.append(first ? "" : ",").append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                first = false;
            }
            h.append('}');
        }
        long offset = 0;
        for (Tensor t : tensors) {
            long bytes = t.elementCount() * width(t.dtype());
            h.append(h.length() > 1 ? "," : "").append(Json.quote(t.name()))
                    .append(":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":[");
            int[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) {
                h.append(d > 0 ? "," : "").append(shape[d]);
            }
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, out, 8, json.length);
        Arrays.fill(out, 8 + json.length, out.length, (byte) ' ');
        return out;
    }

    private static int width(String dtype) {
        return dtype.equals("F64") ? 8 : 4;
    }

    private static void writeTo(OutputStream out, byte[] header, List<Tensor> tensors) throws IOException {
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors) {
            boolean f64 = t.dtype().equals("F64");
            for (double v : t.values()) {
                if (chunk.remaining() < 8) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                if (f64) {
                    chunk.putDouble(v);
                } else {
                    chunk.putFloat((float) v);
                }
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    /** Names of the tensors in a file, for messages. */
    static List<String> names(Contents c) {
        return new ArrayList<>(c.tensors().keySet());
    }
}
