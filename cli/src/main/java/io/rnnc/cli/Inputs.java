package io.rnnc.cli;

import io.rnnc.runtime.data.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Inputs to predict on or generate from: a file's lines, or standard input's (strict UTF-8). */
final class Inputs {

    private Inputs() {
    }

    /** The text of {@code file}, or of {@code stdin} when {@code file} is null or {@code -}. */
    static String text(Path file, InputStream stdin) {
        if (file == null || file.toString().equals("-")) {
            try {
                return TextFiles.decode("stdin", stdin.readAllBytes());
            } catch (IOException e) {
                throw new UserException("cannot read stdin: " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException("--input " + file + ": " + (Files.isDirectory(file) ? "a directory, not a file" : "no such file"));
        }
        return TextFiles.readUtf8(file);
    }

    /** The lines (without line ends; a last empty line dropped). */
    static List<String> lines(Path file, InputStream stdin) {
        String t = text(file, stdin);
        if (t.endsWith("\n")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.isEmpty() ? List.of() : List.of(t.split("\n", -1));
    }
}
