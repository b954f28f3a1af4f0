package io.rnnc.compiler.driver;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the rnnc compiler in use, as Maven recorded it in the compiler jar
 * ({@code META-INF/maven/io.rnnc/rnnc-compiler/pom.properties}); {@code rnnc version} prints it, and
 * the build plugin logs it. "dev" when the compiler runs from a class directory.
 */
public final class RnncVersion {

    private static final String POM_PROPERTIES = "/META-INF/maven/io.rnnc/rnnc-compiler/pom.properties";

    private RnncVersion() {
    }

    public static String current() {
        try (InputStream in = RnncVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable record is no version
        }
        String v = RnncVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
