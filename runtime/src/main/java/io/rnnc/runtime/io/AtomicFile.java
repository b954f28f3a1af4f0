package io.rnnc.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that readers only ever see the old content or the complete new content: the bytes
 * go to a temporary file in the target's directory, are forced to the disk, and the temporary file is
 * then renamed over the target in one atomic step. If anything fails on the way (the content throws,
 * the disk is full, the process dies), the previous file is left byte-identical and the temporary
 * file is removed (a killed process may leave a {@code .NAME.*.tmp} file behind, never a torn target).
 */
public final class AtomicFile {

    /** Produces the file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Replaces {@code target} with what {@code content} writes.
     *
     * @throws RnncIoException naming the file if it cannot be written; the old file is then unchanged
     */
    public static void write(Path target, Content content) {
        Path file = target.toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RnncIoException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new RnncIoException("cannot write " + target + ": it is a directory");
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw new RnncIoException("cannot write " + target + ": cannot create a temporary file in " + dir
                    + " (" + describe(e) + ")", e);
        }
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            copyPermissions(file, tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically", e);
            }
            moved = true;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new RnncIoException("cannot write " + target + ": " + describe(e)
                    + (Files.exists(file) ? "; the previous file is unchanged" : ""), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is the one worth reporting.
                }
            }
        }
    }

    /** A new file gets rw-r--r--; a replaced file keeps its permissions (temporary files start 0600). */
    private static void copyPermissions(Path file, Path tmp) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        if (Files.exists(file)) {
            view.setPermissions(Files.getPosixFilePermissions(file));
        } else {
            view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort: the data itself was forced before the rename.
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
