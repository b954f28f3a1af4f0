package io.rnnc.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: 8-byte little-endian header length N, N bytes of JSON mapping each name to
 * {@code {"dtype", "shape", "data_offsets"}} (plus optional {@code "__metadata__"} of strings), then
 * raw little-endian row-major data. Values are read into doubles whatever the stored dtype.
 */
public final class SafeTensors {

    /** One stored tensor. */
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

    private SafeTensors() {
    }

    public static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RnncIoException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), bytes);
    }

    static Contents parse(String where, byte[] bytes) {
        if (bytes.length < 8) {
            throw new RnncIoException(where + ": not a safetensors file: " + bytes.length + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong(0);
        if (headerLength < 2 || headerLength > bytes.length - 8L) {
            throw new RnncIoException(where + ": header length " + headerLength + " does not fit a file of " + bytes.length + " bytes");
        }
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        Object json;
        try {
            json = Json.parse(header);
        } catch (IllegalArgumentException e) {
            throw new RnncIoException(where + ": header is not valid JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> map)) {
            throw new RnncIoException(where + ": header is not a JSON object");
        }
        int dataStart = 8 + (int) headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> meta) {
                    meta.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> t)) {
                throw new RnncIoException(where + ": tensor '" + name + "' is not described by an object");
            }
            String dtype = String.valueOf(t.get("dtype"));
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F64" -> 8;
                default -> throw new RnncIoException(where + ": tensor '" + name + "' has dtype " + dtype + "; rnnc reads F32 and F64");
            };
            List<?> shapeList = (List<?>) t.get("shape");
            List<?> offsets = (List<?>) t.get("data_offsets");
            int[] shape = new int[shapeList.size()];
            long count = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = ((Number) shapeList.get(d)).intValue();
                count *= shape[d];
            }
            long begin = ((Number) offsets.get(0)).longValue();
            long end = ((Number) offsets.get(1)).longValue();
            if (end - begin != count * width || dataStart + end > bytes.length || begin < 0) {
                throw new RnncIoException(where + ": tensor '" + name + "' offsets [" + begin + ", " + end + "] do not fit shape " + Arrays.toString(shape));
            }
            double[] values = new double[(int) count];
            int at = dataStart + (int) begin;
            for (int k = 0; k < values.length; k++) {
                values[k] = width == 4 ? buf.getFloat(at + 4 * k) : buf.getDouble(at + 8 * k);
            }
            tensors.put(name, new Tensor(name, dtype, shape, values));
        }
        return new Contents(tensors, metadata);
    }

    /** Names of the tensors in a file, for messages. */
    static List<String> names(Contents c) {
        return new ArrayList<>(c.tensors().keySet());
    }
}
