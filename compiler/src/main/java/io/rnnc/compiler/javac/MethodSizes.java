package io.rnnc.compiler.javac;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a class file's methods and the length of each one's bytecode (the Code attribute's
 * {@code code_length}): HotSpot never JIT-compiles a method over 8000 bytes, so generated code is
 * checked against it. A minimal reader of the JVM class-file format (JVMS §4): constant pool, fields,
 * methods.
 */
public final class MethodSizes {

    /** HotSpot's {@code HugeMethodLimit}: larger methods are never compiled. */
    public static final int HUGE_METHOD_LIMIT = 8000;

    private MethodSizes() {
    }

    /**
     * @return code length by {@code name + descriptor} (e.g. {@code layer0Forward(I)V}), in class-file
     *         order; abstract and native methods are absent
     * @throws IllegalArgumentException if the bytes are not a well-formed class file
     */
    public static Map<String, Integer> of(byte[] classFile) {
        try {
            return read(new DataInputStream(new ByteArrayInputStream(classFile)));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a well-formed class file: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> read(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("bad magic number");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.skipNBytes(4);            // Integer, Float
                case 5, 6 -> {                            // Long, Double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // refs, NameAndType, Dynamic, InvokeDynamic
                case 15 -> in.skipNBytes(3);              // MethodHandle
                default -> throw new IOException("unknown constant-pool tag " + tag + " at entry " + i);
            }
        }
        in.skipNBytes(6); // access, this, super
        int interfaces = in.readUnsignedShort();
        in.skipNBytes(2L * interfaces);
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            in.skipNBytes(6);
            skipAttributes(in);
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int methods = in.readUnsignedShort();
        for (int i = 0; i < methods; i++) {
            in.readUnsignedShort(); // access
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attr = utf8[in.readUnsignedShort()];
                long length = in.readInt() & 0xFFFFFFFFL;
                if ("Code".equals(attr)) {
                    in.skipNBytes(4); // max_stack, max_locals
                    int code = in.readInt();
                    sizes.put(name + descriptor, code);
                    in.skipNBytes(length - 8);
                } else {
                    in.skipNBytes(length);
                }
            }
        }
        return sizes;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipNBytes(2);
            in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
        }
    }
}
