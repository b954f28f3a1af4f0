package io.rnnc.maven;

import io.rnnc.compiler.driver.CompilationDriver;
import io.rnnc.compiler.driver.CompilationListener;
import io.rnnc.compiler.driver.CompilationOptions;
import io.rnnc.compiler.driver.CompilationResult;
import io.rnnc.compiler.driver.RnncVersion;
import io.rnnc.compiler.driver.SpecFile;
import io.rnnc.runtime.io.RnncIoException;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.Scanner;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/**
 * What {@code generate} and {@code generate-test} share. The mojos only translate their parameters into
 * {@link CompilationOptions} and hand the specs they find to the {@link CompilationDriver}, the same driver
 * {@code rnnc compile} calls; generation itself, the incremental state and the writing of files live there.
 *
 * <p>Generation is incremental: a state file under {@code target/rnnc-state} remembers each spec's content
 * hash and its classes, under a fingerprint of the generator's code (the rnnc compiler, grammar and runtime
 * jars on the plugin's class path) and of every parameter below. An unchanged spec is not parsed again, an
 * edited one rewrites only the classes whose text changed, a deleted one's classes are deleted, and a new
 * rnnc version or a changed parameter regenerates everything. Errors fail the build with located messages
 * ({@code file:line:col}, the source line, a caret, a hint); the classes of the specs without errors are
 * still written, and a failing spec keeps its previous classes until it is fixed.
 */
abstract class AbstractRnncMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * The specs to read, as Ant patterns relative to the source directory ({@code sourceDirectory} for
     * {@code generate}, {@code testSourceDirectory} for {@code generate-test}). Default: every
     * {@code .rnn} file below it, {@code **}{@code /*.rnn}.
     */
    @Parameter
    protected Set<String> includes = Set.of("**/*.rnn");

    /** Specs to leave out, as Ant patterns relative to the source directory. Default: none. */
    @Parameter
    protected Set<String> excludes = Set.of();

    /** Skips generation (and adds no source root). Property {@code rnnc.skip}; default false. */
    @Parameter(property = "rnnc.skip", defaultValue = "false")
    protected boolean skip;

    /**
     * Fails the build when a spec has warnings, as errors always do (the command line's
     * {@code --fail-on-warning}). The classes are still written, and the spec is reported again on the next
     * build until its warnings are gone. Property {@code rnnc.failOnWarning}; default false.
     */
    @Parameter(property = "rnnc.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

    /**
     * Also writes a JMH benchmark class {@code <Name>Benchmark} next to each model's class: a training step
     * and inference at the spec's batch on random data (the command line's {@code --benchmark}). The project
     * then needs {@code org.openjdk.jmh:jmh-core} and its annotation processor
     * ({@code jmh-generator-annprocess}) to compile it; {@code generate-test} with this set keeps them out of
     * the main classes. Property {@code rnnc.benchmark}; default false.
     */
    @Parameter(property = "rnnc.benchmark", defaultValue = "false")
    protected boolean benchmark;

    /** Where the incremental state lives; one file per goal and execution. */
    @Parameter(defaultValue = "${project.build.directory}/rnnc-state", readonly = true)
    protected File stateDirectory;

    @Parameter(defaultValue = "${mojoExecution.executionId}", readonly = true)
    protected String executionId;

    @Component
    protected BuildContext buildContext;

    protected abstract File sourceDirectory();

    protected abstract File outputDirectory();

    protected abstract String goal();

    protected abstract void addSourceRoot(String path);

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Log log = getLog();
        if (skip) {
            log.info("rnnc: skipped (rnnc.skip)");
            return;
        }
        File source = sourceDirectory();
        File output = outputDirectory();
        List<SpecFile> specs = new ArrayList<>();
        if (source.isDirectory()) {
            Scanner scanner = buildContext.newScanner(source, true); // all specs: the driver's state does the delta
            scanner.setIncludes(includes.toArray(String[]::new));
            scanner.setExcludes(excludes.toArray(String[]::new));
            scanner.addDefaultExcludes();
            scanner.scan();
            Arrays.stream(scanner.getIncludedFiles()).map(f -> f.replace(File.separatorChar, '/'))
                    .forEach(f -> specs.add(SpecFile.under(source.toPath(), f)));
        }
        Path state = stateDirectory.toPath().resolve(goal() + "-" + (executionId == null ? "default" : executionId) + ".state");
        CompilationOptions options;
        try {
            options = CompilationOptions.builder(output.toPath())
                    .benchmark(benchmark)
                    .failOnWarning(failOnWarning)
                    .onFailure(CompilationOptions.OnFailure.WRITE_VALID_SPECS)
                    .incremental(state)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("rnnc: " + e.getMessage(), e);
        }
        log.debug("rnnc " + RnncVersion.current() + ": " + options);
        CompilationResult r;
        try {
            r = new CompilationDriver(options, new MavenListener(log)).run(specs);
        } catch (RnncIoException e) {
            throw new MojoExecutionException("rnnc: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError | AssertionError | LinkageError e) {
            throw new MojoExecutionException("rnnc internal error: " + e.getMessage() + " (" + e.getClass().getName()
                    + "); please report it with the spec", e);
        }
        if (output.isDirectory() || r.specs() > 0) {
            addSourceRoot(output.getPath());
        }
        String where = project.getBasedir() == null ? source.toString()
                : project.getBasedir().toPath().relativize(source.toPath()).toString();
        if (r.specs() == 0 && r.removed() == 0) {
            log.info("rnnc: no specs in " + where);
            return;
        }
        log.info("rnnc: " + r.specs() + (r.specs() == 1 ? " spec" : " specs") + " in " + where + ": " + r.generated()
                + " generated, " + r.upToDate() + " up to date, " + r.removed() + " removed; "
                + r.written().size() + " files written, " + r.deleted().size() + " deleted");
        if (r.errors() > 0) {
            throw new MojoFailureException("rnnc: " + r.errors() + (r.errors() == 1 ? " error" : " errors")
                    + " in the specs in " + where + " (listed above)");
        }
        if (r.failed()) {
            throw new MojoFailureException("rnnc: " + r.warnings() + (r.warnings() == 1 ? " warning" : " warnings")
                    + " in the specs in " + where + " and failOnWarning is set (listed above)");
        }
    }

    /**
     * True inside an IDE (m2e supplies its own build context, which turns messages into markers). The
     * command-line default context would only log each message a second time, less readably.
     */
    private boolean ideBuild() {
        return !(buildContext instanceof DefaultBuildContext);
    }

    /** Maven log lines (one per rendered line, so IDE consoles link the file:line:col heads) and IDE markers. */
    private final class MavenListener implements CompilationListener {
        private final Log log;

        MavenListener(Log log) {
            this.log = log;
        }

        @Override
        public void diagnostic(Message m) {
            m.rendered().lines().forEach(m.error() ? log::error : log::warn);
            if (ideBuild()) {
                buildContext.addMessage(m.spec().toFile(), m.line(), m.column(), m.message(),
                        m.error() ? BuildContext.SEVERITY_ERROR : BuildContext.SEVERITY_WARNING, null);
            }
        }

        @Override
        public void parsing(Path spec) {
            if (ideBuild()) {
                buildContext.removeMessages(spec.toFile());
            }
        }

        @Override
        public void written(Path file) {
            log.debug("rnnc: wrote " + file);
            buildContext.refresh(file.toFile());
        }

        @Override
        public void deleted(Path file) {
            log.debug("rnnc: deleted " + file);
            buildContext.refresh(file.toFile());
        }
    }
}
