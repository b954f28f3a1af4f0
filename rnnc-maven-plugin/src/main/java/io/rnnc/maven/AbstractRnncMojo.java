package io.rnnc.maven;

import io.rnnc.compiler.javac.GeneratedCodeException;
import java.io.File;
import java.io.UncheckedIOException;
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

/** What {@code generate} and {@code generate-test} share: finding specs, generating, reporting. */
abstract class AbstractRnncMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** Specs to read, as Ant patterns relative to the source directory. */
    @Parameter
    protected Set<String> includes = Set.of("**/*.rnn");

    /** Specs to leave out, as Ant patterns relative to the source directory. */
    @Parameter
    protected Set<String> excludes = Set.of();

    /** Skips generation. */
    @Parameter(property = "rnnc.skip", defaultValue = "false")
    protected boolean skip;

    /** Fails the build when a spec has warnings (errors always fail it). */
    @Parameter(property = "rnnc.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

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
        List<String> specs = new ArrayList<>();
        if (source.isDirectory()) {
            Scanner scanner = buildContext.newScanner(source, true); // all specs: our own state does the delta
            scanner.setIncludes(includes.toArray(String[]::new));
            scanner.setExcludes(excludes.toArray(String[]::new));
            scanner.addDefaultExcludes();
            scanner.scan();
            Arrays.stream(scanner.getIncludedFiles()).map(f -> f.replace(File.separatorChar, '/')).forEach(specs::add);
        }
        Path state = stateDirectory.toPath().resolve(goal() + "-" + (executionId == null ? "default" : executionId) + ".state");
        SpecGenerator.Result r;
        try {
            r = new SpecGenerator(source.toPath(), output.toPath(), state, GeneratorFingerprint.current(), new MavenReporter(log))
                    .run(specs, failOnWarning);
        } catch (UncheckedIOException e) {
            throw new MojoExecutionException("rnnc: " + e.getMessage(), e);
        } catch (GeneratedCodeException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (RuntimeException e) {
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
        if (failOnWarning && r.warnings() > 0) {
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
    private final class MavenReporter implements SpecGenerator.Reporter {
        private final Log log;

        MavenReporter(Log log) {
            this.log = log;
        }

        @Override
        public void info(String line) {
            log.info(line);
        }

        @Override
        public void warn(String line) {
            log.warn(line);
        }

        @Override
        public void error(String line) {
            log.error(line);
        }

        @Override
        public void clearMarkers(Path spec) {
            if (ideBuild()) {
                buildContext.removeMessages(spec.toFile());
            }
        }

        @Override
        public void marker(Path spec, int line, int column, String message, boolean error) {
            if (ideBuild()) {
                buildContext.addMessage(spec.toFile(), line, column, message,
                        error ? BuildContext.SEVERITY_ERROR : BuildContext.SEVERITY_WARNING, null);
            }
        }

        @Override
        public void changed(Path file) {
            log.debug("rnnc: wrote " + file);
            buildContext.refresh(file.toFile());
        }
    }
}
