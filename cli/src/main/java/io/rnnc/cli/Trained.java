package io.rnnc.cli;

import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.io.Checkpoint;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained model for eval, predict and generate: the spec's class with a checkpoint's weights, and the data
 * settings the checkpoint kept (null for a file without them, e.g. a PyTorch state_dict or an older MNIST run).
 */
record Trained(RnnModel net, DataMetadata data, java.util.Map<String, String> rawData) {

    static Trained load(ModelCommand command, Path checkpoint, boolean force) {
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserException("--checkpoint " + checkpoint + ": " + (Files.isDirectory(checkpoint)
                    ? "a directory, not a checkpoint file" : "no such file"));
        }
        RnnModel net = Specs.instantiate(command.model());
        Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, net, force ? Checkpoint.Match.SHAPES : Checkpoint.Match.MODEL);
        if (loaded.note() != null) {
            PrintWriter err = command.err();
            err.println("note: " + loaded.note());
            err.flush();
        }
        DataMetadata data = loaded.data().isEmpty() ? null : DataMetadata.fromMetadata(loaded.data());
        return new Trained(net, data, loaded.data());
    }

    /** The data settings, or a user error saying that {@code what} needs them. */
    DataMetadata requireData(Path checkpoint, String what) {
        if (data == null) {
            throw new UserException(checkpoint + " holds no data settings (rnnc.data.*: format, vocabulary, labels, "
                    + "normalisation), which " + what + " needs; it was not written by 'rnnc train' on such data");
        }
        return data;
    }
}
