package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code rnnc} launcher script: only the commands that run a model get the Vector API module, so
 * {@code compile}, {@code check} and {@code version} print nothing on stderr (no "Using incubator
 * modules" warning, no kernel fallback notice). Runs the real script on a jar whose manifest points
 * at this test's class path ({@code RNNC_JAR}), so no build happens inside the test.
 */
class LauncherTest {

    @TempDir
    Path tmp;

    Path jar;

    @BeforeEach
    void jarOfTheTestClassPath() throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        a.put(Attributes.Name.CLASS_PATH, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
        jar = tmp.resolve("rnnc-test.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
    }

    private Cli launch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", Cli.root().resolve("rnnc").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().put("RNNC_JAR", jar.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectOutput(tmp.resolve("out.txt").toFile());
        pb.redirectError(tmp.resolve("err.txt").toFile());
        int exit = pb.start().waitFor();
        return new Cli(exit, Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void compilePrintsNothingOnStderr() throws Exception {
        Cli r = launch("compile", CommandsTest.SEED, "-d", tmp.resolve("gen").toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), r.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("gen/io/rnnc/samples/mnist/MnistRnn.java")), r.toString());
    }

    @Test
    void checkAndVersionPrintNothingOnStderr() throws Exception {
        Cli check = launch("check", CommandsTest.SEED);
        assertEquals(0, check.exit(), check.toString());
        assertEquals("", check.err(), check.toString());
        Cli version = launch("version");
        assertEquals(0, version.exit(), version.toString());
        assertEquals("", version.err(), version.toString());
        assertTrue(version.out().startsWith("rnnc "), version.toString());
    }

    @Test
    void commandsThatRunAModelGetTheVectorModule() throws Exception {
        Cli r = launch("summary", CommandsTest.SEED);
        assertEquals("", r.err(), "summary runs no model: " + r);
        // verify without --against fails on the flag, after the JVM started with the module
        Cli verify = launch("verify", CommandsTest.SEED);
        assertEquals(1, verify.exit(), verify.toString());
        assertTrue(verify.err().contains("Using incubator modules: jdk.incubator.vector"), verify.toString());
    }
}
