package io.rnnc.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a file so that readers only ever see the old content or the complete new content: the bytes
 * go to a temporary file in the target's directory, are forced to the disk, and the temporary file is
 * then renamed over the target in one atomic step. If anything fails on the way (the content throws,
 * the disk is full, the process dies), the previous file is left byte-identical and the temporary
 * file is removed. A killed process may leave a temporary file behind, never a torn target; such files
 * are named {@code .NAME.PID.RANDOM.rnnc.tmp} (PID the writer's process id) so that the next successful
 * write of the same target removes them, and only them: files of other targets and files whose writer is
 * still alive (another process writing the same target right now) are left alone.
 */
public final class AtomicFile {

    /** Produces the file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Suffix of every temporary file this class writes. */
    static final String TEMP_SUFFIX = ".rnnc.tmp";

    private AtomicFile() {
    }

    /**
     * Checks, without leaving any file behind, that {@code target} could be written now: its directory
     * exists, is a directory and accepts a new file, and the target itself is not a directory or a
     * read-only file. Meant for a long job to refuse a bad output path before it starts, not after hours.
     *
     * @throws RnncIoException naming the file and the reason
     */
    public static void checkWritable(Path target) {
        Path file = target.toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (dir == null || !Files.exists(dir)) {
            throw new RnncIoException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new RnncIoException("cannot write " + target + ": " + dir + " is not a directory");
        }
        if (Files.isDirectory(file)) {
            throw new RnncIoException("cannot write " + target + ": it is a directory");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new RnncIoException("cannot write " + target + ": the file is read-only");
        }
        Path probe;
        try {
            probe = Files.createTempFile(dir, tempPrefix(file), TEMP_SUFFIX);
        } catch (IOException e) {
            throw new RnncIoException("cannot write " + target + ": cannot create a file in " + dir + " (" + describe(e) + ")", e);
        }
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw new RnncIoException("cannot write " + target + ": cannot remove the probe file " + probe + " ("
                    + describe(e) + ")", e);
        }
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
            tmp = Files.createTempFile(dir, tempPrefix(file), TEMP_SUFFIX);
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
            removeStaleTemporaries(file);
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

    /** {@code .NAME.PID.}: createTempFile appends a random part and the suffix. */
    private static String tempPrefix(Path file) {
        return "." + file.getFileName() + "." + ProcessHandle.current().pid() + ".";
    }

    /**
     * Removes {@code .NAME.PID.*.rnnc.tmp} files of this target left by a writer that no longer runs
     * (killed mid-write). Best effort: the write itself has succeeded, so a failure here is ignored.
     */
    static void removeStaleTemporaries(Path file) {
        String head = "." + file.getFileName() + ".";
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(file.getParent(), entry -> {
            String n = entry.getFileName().toString();
            return n.startsWith(head) && n.endsWith(TEMP_SUFFIX);
        })) {
            for (Path entry : entries) {
                String n = entry.getFileName().toString();
                String middle = n.substring(head.length(), n.length() - TEMP_SUFFIX.length());
                int dot = middle.indexOf('.');
                long pid = parsePid(dot < 0 ? "" : middle.substring(0, dot));
                // Only our naming scheme, and only if its writer is gone: a live writer (this process
                // included) may be writing the same target right now.
                if (pid > 0 && dot < middle.length() - 1 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                    stale.add(entry);
                }
            }
        } catch (IOException | SecurityException ignored) {
            return;
        }
        for (Path p : stale) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Left for the next write.
            }
        }
    }

    private static long parsePid(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
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
