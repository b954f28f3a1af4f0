package io.rnnc.cli;

import io.rnnc.serve.BadRequest;
import io.rnnc.serve.ModelPackager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rnnc package SPEC --checkpoint FILE -o model.jar}: one runnable jar per trained model (docs/deploy.md). */
@Command(name = "package", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes one jar holding the compiled model class, rnnc's runtime, the serving API and",
                "the checkpoint (weights, vocabulary, labels, normalisation).",
                "A program loads it with io.rnnc.serve.ModelJar.load(); the shell runs it:",
                "  java --add-modules jdk.incubator.vector -jar model.jar predict < input",
                "(one request per line; --format text|csv|json), 'serve' (HTTP on 127.0.0.1), 'info'."})
final class PackageCommand extends ModelCommand {

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "trained weights (safetensors)")
    Path checkpoint;

    @Option(names = {"-o", "--output"}, paramLabel = "JAR", required = true, description = "the jar to write (model.jar)")
    Path jar;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserException("--checkpoint " + checkpoint + ": " + (Files.isDirectory(checkpoint)
                    ? "a directory, not a checkpoint file" : "no such file"));
        }
        // Checking a checkpoint runs no matrix product worth the Vector API: no kernel choice, no warning about it
        if (System.getProperty("rnnc.vector") == null) {
            System.setProperty("rnnc.vector", "false");
        }
        ModelPackager.Packaged p;
        try {
            p = ModelPackager.write(model(), checkpoint, jar);
        } catch (BadRequest e) {
            throw new UserException(e.getMessage());
        }
        out().printf(Locale.ROOT, "wrote %s (%s, %d entries, %d bytes): java --add-modules jdk.incubator.vector -jar %s predict < input%n",
                p.jar(), p.model(), p.entries(), p.bytes(), p.jar());
        out().flush();
        return Main.OK;
    }
}
