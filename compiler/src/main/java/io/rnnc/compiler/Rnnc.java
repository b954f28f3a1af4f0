package io.rnnc.compiler;

import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.diag.Diagnostics;
import io.rnnc.compiler.diag.Severity;
import io.rnnc.compiler.frontend.FrontEnd;
import io.rnnc.compiler.frontend.Limits;
import io.rnnc.compiler.model.SourcePos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The entry point of the compiler's front end: a {@code .rnn} spec in, validated models and
 * diagnostics out. Nothing here throws for bad input; every problem with the spec or its file is a
 * {@link Diagnostic}. A failure of the compiler itself is an {@link InternalCompilerError}.
 */
public final class Rnnc {

    private Rnnc() {
    }

    /**
     * Reads and parses a spec file (UTF-8). Diagnostics name the file as {@code file.toString()}; only
     * reading problems (I/O) become "cannot read" diagnostics.
     */
    public static ParseResult parse(Path file) {
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                return failure(name, "'" + name + "' is a directory, not a spec file", "name a .rnn file");
            }
            if (Files.size(file) > 4L * Limits.MAX_SOURCE_CHARS) {
                return failure(name, "file is too large for a spec (" + Files.size(file) + " bytes)",
                        "a spec is at most " + Limits.MAX_SOURCE_CHARS + " characters; is this the right file?");
            }
            byte[] bytes = Files.readAllBytes(file);
            // Undecodable bytes become U+FFFD and are reported as stray characters with their place.
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return parse(name, text);
        } catch (NoSuchFileException e) {
            return failure(name, "cannot read '" + name + "': no such file", "check the path");
        } catch (AccessDeniedException e) {
            return failure(name, "cannot read '" + name + "': permission denied", "check the file's permissions");
        } catch (IOException e) {
            return failure(name, "cannot read '" + name + "': " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), "check that the file is readable");
        }
    }

    /** Parses spec text; diagnostics carry {@code fileName}. */
    public static ParseResult parse(String fileName, String text) {
        return FrontEnd.parse(fileName, text);
    }

    private static ParseResult failure(String file, String message, String hint) {
        Diagnostic d = new Diagnostic(Severity.ERROR, new SourcePos(file, 0, 0, 1), message, hint, List.of());
        return new ParseResult(List.of(), Diagnostics.of(List.of(d), Map.of()));
    }
}
