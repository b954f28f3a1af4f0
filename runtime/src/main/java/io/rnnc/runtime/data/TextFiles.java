package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading text files strictly: UTF-8 or a clear error, byte-order mark dropped, line ends made {@code \n}. */
public final class TextFiles {

    private TextFiles() {
    }

    /**
     * The file's text: strict UTF-8 (a malformed byte is an error naming its line and byte offset), a
     * leading byte-order mark removed, CRLF and lone CR turned into LF.
     */
    public static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RnncIoException(file + ": no such file", e);
        } catch (IOException e) {
            throw new RnncIoException(file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(file.toString(), bytes);
    }

    /** As {@link #readUtf8} for bytes in memory; {@code source} names them in messages. */
    public static String decode(String source, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int k = 0; k < at; k++) {
                if (bytes[k] == '\n') {
                    line++;
                }
            }
            throw new RnncIoException(source + ":" + line + ": invalid UTF-8 at byte " + at + " (0x"
                    + String.format("%02x", bytes[at] & 0xff) + "); rnnc reads text as UTF-8");
        }
        out.flip();
        String s = out.toString();
        if (s.startsWith("\uFEFF")) {
            s = s.substring(1);
        }
        return s.indexOf('\r') < 0 ? s : s.replace("\r\n", "\n").replace('\r', '\n');
    }
}
