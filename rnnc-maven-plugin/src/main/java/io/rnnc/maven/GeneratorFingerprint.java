package io.rnnc.maven;

import io.rnnc.compiler.codegen.CodeGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Identifies the code generator in use: the SHA-256 of the rnnc-compiler jar (or of its class files,
 * when it runs from a directory). A new rnnc, even a rebuilt snapshot, makes every spec stale, so
 * generated code never lags behind the generator.
 */
public final class GeneratorFingerprint {

    private GeneratorFingerprint() {
    }

    public static String current() {
        try {
            var source = CodeGenerator.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return "unknown";
            }
            Path where = Path.of(source.getLocation().toURI());
            if (Files.isRegularFile(where)) {
                return BuildState.sha256(Files.readAllBytes(where));
            }
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.walk(where)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    all.append(where.relativize(p)).append(BuildState.sha256(Files.readAllBytes(p)));
                }
            }
            return BuildState.sha256(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }
}
