package io.rnnc.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PyTorch reference fixtures committed in the repository ({@code testdata/pytorch/}), found from
 * whatever directory a module's tests run in (Maven runs them in the module folder, an IDE may not).
 */
public final class PyTorchFixtures {

    /** The folder inside the repository; each set is a subfolder with its README.md and index.json. */
    public static final String FOLDER = "testdata/pytorch";

    private PyTorchFixtures() {
    }

    /** One set: {@code fixtures} (base), {@code fixtures-ext} or {@code fixtures-w2}. */
    public static Path set(String name) {
        return root().resolve(name);
    }

    /** {@code testdata/pytorch}: the system property {@code rnnc.fixtures} if set, else the nearest ancestor's. */
    public static Path root() {
        String override = System.getProperty("rnnc.fixtures");
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FOLDER);
            if (Files.isRegularFile(candidate.resolve("fixtures/index.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + FOLDER + "/fixtures/index.json in " + start + " or any parent");
    }
}
