package io.rnnc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates one Java class per model from the {@code .rnn} specs in {@code src/main/rnn} into
 * {@code target/generated-sources/rnn}, which becomes a compile source root; bound to
 * {@code generate-sources}. The project needs {@code io.rnnc:rnnc-runtime} as a dependency. Parameters:
 * {@code sourceDirectory}, {@code outputDirectory} (below) and those of every goal: {@code includes},
 * {@code excludes}, {@code skip}, {@code failOnWarning}, {@code benchmark}.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractRnncMojo {

    /** Where the specs are. Property {@code rnnc.sourceDirectory}; default {@code src/main/rnn}. */
    @Parameter(property = "rnnc.sourceDirectory", defaultValue = "${basedir}/src/main/rnn")
    private File sourceDirectory;

    /**
     * Where the generated sources go (package folders below it); added as a compile source root. Files here
     * that no spec generated are never touched. Property {@code rnnc.outputDirectory}; default
     * {@code target/generated-sources/rnn}.
     */
    @Parameter(property = "rnnc.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/rnn")
    private File outputDirectory;

    @Override
    protected File sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    protected File outputDirectory() {
        return outputDirectory;
    }

    @Override
    protected String goal() {
        return "generate";
    }

    @Override
    protected void addSourceRoot(String path) {
        project.addCompileSourceRoot(path);
    }
}
