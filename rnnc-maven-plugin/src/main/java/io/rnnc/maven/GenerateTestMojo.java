package io.rnnc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates model classes for tests from the specs in {@code src/test/rnn} into
 * {@code target/generated-test-sources/rnn}, which becomes a test source root; bound to
 * {@code generate-test-sources}. Parameters: {@code testSourceDirectory}, {@code testOutputDirectory}
 * (below) and those of every goal: {@code includes}, {@code excludes}, {@code skip}, {@code failOnWarning},
 * {@code benchmark}.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public class GenerateTestMojo extends AbstractRnncMojo {

    /** Where the test specs are. Property {@code rnnc.testSourceDirectory}; default {@code src/test/rnn}. */
    @Parameter(property = "rnnc.testSourceDirectory", defaultValue = "${basedir}/src/test/rnn")
    private File testSourceDirectory;

    /**
     * Where the generated test sources go (package folders below it); added as a test source root.
     * Property {@code rnnc.testOutputDirectory}; default {@code target/generated-test-sources/rnn}.
     */
    @Parameter(property = "rnnc.testOutputDirectory", defaultValue = "${project.build.directory}/generated-test-sources/rnn")
    private File testOutputDirectory;

    @Override
    protected File sourceDirectory() {
        return testSourceDirectory;
    }

    @Override
    protected File outputDirectory() {
        return testOutputDirectory;
    }

    @Override
    protected String goal() {
        return "generate-test";
    }

    @Override
    protected void addSourceRoot(String path) {
        project.addTestCompileSourceRoot(path);
    }
}
