package io.rnnc.runtime.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class AtomicFileTest {

    @TempDir
    Path dir;

    /** A process id no process has: far above any pid_max. */
    static final long DEAD_PID = 999_999_999L;

    List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void staleTemporariesOfTheTargetAreRemovedByTheNextSuccessfulWriteAndNothingElse() throws IOException {
        Path f = dir.resolve("run.safetensors");
        long self = ProcessHandle.current().pid();
        // What a write killed mid-way leaves behind, and neighbours that must survive.
        List<String> stale = List.of(".run.safetensors." + DEAD_PID + ".123456.rnnc.tmp", ".run.safetensors." + DEAD_PID + ".9.rnnc.tmp");
        List<String> kept = List.of(
                ".run.safetensors." + self + ".77.rnnc.tmp",         // a live writer (this process) may be writing it now
                ".other.safetensors." + DEAD_PID + ".1.rnnc.tmp",    // another target's
                ".run.safetensors.x" + DEAD_PID + ".1.rnnc.tmp",     // not our naming
                ".run.safetensors." + DEAD_PID + ".rnnc.tmp",        // not our naming (no random part)
                ".run.safetensors." + DEAD_PID + ".5.tmp",           // not our suffix
                "run.safetensors." + DEAD_PID + ".5.rnnc.tmp");      // not hidden: not ours
        for (String n : stale) {
            Files.writeString(dir.resolve(n), "half a checkpoint");
        }
        for (String n : kept) {
            Files.writeString(dir.resolve(n), "someone else's");
        }
        // A failed write removes only its own temporary file and leaves the stale ones to a good write.
        assertThrows(RnncIoException.class, () -> AtomicFile.write(f, out -> {
            throw new IOException("disk full");
        }));
        assertEquals(stale.size() + kept.size(), names().size());
        AtomicFile.write(f, out -> out.write(new byte[] {1, 2, 3}));
        List<String> expected = new java.util.ArrayList<>(kept);
        expected.add("run.safetensors");
        assertEquals(expected.stream().sorted().toList(), names());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        for (String n : kept) {
            assertEquals("someone else's", Files.readString(dir.resolve(n)), n);
        }
    }

    @Test
    void temporaryFilesAreNamedRecognisably() throws IOException {
        Path f = dir.resolve("m.safetensors");
        String[] seen = new String[1];
        AtomicFile.write(f, out -> {
            try (Stream<Path> s = Files.list(dir)) {
                seen[0] = s.map(p -> p.getFileName().toString()).findFirst().orElseThrow();
            }
        });
        assertTrue(seen[0].matches("\\.m\\.safetensors\\." + ProcessHandle.current().pid() + "\\.\\d+\\.rnnc\\.tmp"), seen[0]);
        assertEquals(List.of("m.safetensors"), names());
    }

    @Test
    void checkWritableRefusesWithTheReasonAndLeavesNoFile() throws IOException {
        Path ok = dir.resolve("new.safetensors");
        AtomicFile.checkWritable(ok);
        assertEquals(List.of(), names(), "the probe leaves nothing");
        Files.write(ok, new byte[] {7});
        AtomicFile.checkWritable(ok);
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(ok), "an existing file is not touched");

        Path sub = Files.createDirectory(dir.resolve("sub.safetensors"));
        RnncIoException e = assertThrows(RnncIoException.class, () -> AtomicFile.checkWritable(sub));
        assertEquals("cannot write " + sub + ": it is a directory", e.getMessage());

        Path missing = dir.resolve("nope/x.safetensors");
        e = assertThrows(RnncIoException.class, () -> AtomicFile.checkWritable(missing));
        assertEquals("cannot write " + missing + ": directory " + dir.resolve("nope") + " does not exist", e.getMessage());

        Path underFile = ok.resolve("x.safetensors");
        e = assertThrows(RnncIoException.class, () -> AtomicFile.checkWritable(underFile));
        assertEquals("cannot write " + underFile + ": " + ok + " is not a directory", e.getMessage());
        assertEquals(List.of("new.safetensors", "sub.safetensors"), names());
    }

    @Test
    void checkWritableRefusesAReadOnlyDirectoryOrFile() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path file = Files.writeString(dir.resolve("ro.safetensors"), "old");
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        try {
            // root writes anywhere: then there is nothing to refuse
            assumeFalse(Files.isWritable(ro), "running with permission to write a read-only directory (root)");
            Path inRo = ro.resolve("x.safetensors");
            RnncIoException e = assertThrows(RnncIoException.class, () -> AtomicFile.checkWritable(inRo));
            assertTrue(e.getMessage().startsWith("cannot write " + inRo + ": cannot create a file in " + ro + " ("), e.getMessage());
            e = assertThrows(RnncIoException.class, () -> AtomicFile.checkWritable(file));
            assertEquals("cannot write " + file + ": the file is read-only", e.getMessage());
            assertEquals("old", Files.readString(file));
            try (Stream<Path> s = Files.list(ro)) {
                assertFalse(s.findAny().isPresent());
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void safeTensorsWritesGoThroughTheSameCleanUp() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.writeString(dir.resolve(".w.safetensors." + DEAD_PID + ".42.rnnc.tmp"), "torn");
        SafeTensors.write(f, List.of(new SafeTensors.Tensor("a", "F32", new int[] {1}, new double[] {1})), Map.of());
        assertEquals(List.of("w.safetensors"), names());
    }
}
