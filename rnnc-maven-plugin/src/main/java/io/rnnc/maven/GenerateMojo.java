package io.rnnc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates one Java class per model from the {@code .rnn} specs in {@code src/main/rnn} into
 * {@code target/generated-sources/rnn}, which becomes a compile source root.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractRnncMojo {

    /** Where the specs are. */
    @Parameter(property = "rnnc.sourceDirectory", defaultValue = "${basedir}/src/main/rnn")
    private File sourceDirectory;

    /** Where the generated sources go. */
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
