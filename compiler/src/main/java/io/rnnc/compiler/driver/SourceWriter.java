package io.rnnc.compiler.driver;

import io.rnnc.runtime.io.AtomicFile;
import io.rnnc.runtime.io.RnncIoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The driver's one way to touch the output directory. Every file is written through {@link AtomicFile}
 * (a temporary file in the same directory, then one rename: readers see the old file or the whole new
 * one, never a torn one; a new file gets rw-r--r--), and only when its bytes differ, so unchanged
 * classes keep their timestamps and incremental javac has nothing to do.
 */
final class SourceWriter {

    private SourceWriter() {
    }

    /**
     * Writes {@code bytes} to {@code file} unless it already holds exactly them.
     *
     * @return true if the file was created or changed
     * @throws RnncIoException naming the file if it cannot be written
     */
    static boolean writeIfChanged(Path file, byte[] bytes) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) == bytes.length
                    && Arrays.equals(Files.readAllBytes(file), bytes)) {
                return false;
            }
        } catch (IOException e) {
            // unreadable: write it again
        }
        write(file, bytes);
        return true;
    }

    /** Replaces {@code file} atomically, creating its directories. */
    static void write(Path file, byte[] bytes) {
        createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.write(file, out -> out.write(bytes));
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RnncIoException("cannot create directory " + dir + ": " + describe(e), e);
        }
    }

    /**
     * Deletes {@code file}, then the package directories it leaves empty, up to (not including)
     * {@code root}: empty folders left behind confuse IDEs.
     *
     * @return true if the file existed
     */
    static boolean delete(Path root, Path file) {
        try {
            boolean gone = Files.deleteIfExists(file);
            for (Path dir = file.getParent(); dir != null && dir.startsWith(root) && !dir.equals(root);
                 dir = dir.getParent()) {
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        break;
                    }
                }
                Files.delete(dir);
            }
            return gone;
        } catch (IOException e) {
            throw new RnncIoException("cannot delete " + file + ": " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
