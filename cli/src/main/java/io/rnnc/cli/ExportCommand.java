package io.rnnc.cli;

import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import io.rnnc.onnx.OnnxExport;
import io.rnnc.onnx.OnnxExportException;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.Checkpoint;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rnnc export SPEC --checkpoint FILE --onnx model.onnx}: a trained model as ONNX (docs/deploy.md). */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exports a trained model as ONNX, for ONNX Runtime and other ONNX readers.", "",
                "ONNX IR 8, opset 14, float32: ONNX's RNN, LSTM and GRU operators",
                "with their own gate orders.",
                "many_to_one, many_to_many, one_to_one: one graph over the whole sequence.",
                "one_to_many: a one-step graph with explicit state; the caller loops.",
                "seq2seq: NAME.encoder.onnx and NAME.decoder.onnx beside --onnx (the decoder",
                "steps from an explicit state).",
                "docs/deploy.md lists every input and output and the weight mapping."})
final class ExportCommand extends ModelCommand {

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "trained weights (safetensors)")
    Path checkpoint;

    @Option(names = "--onnx", paramLabel = "FILE", required = true, description = "the ONNX file to write (model.onnx)")
    Path onnx;

    @Option(names = "--lengths", description = {"add a 'lengths' input [batch]: each row's real length",
            "(ONNX sequence_lens; many_to_one, many_to_many, seq2seq encoder)"})
    boolean lengths;

    @Option(names = "--force", description = {"load a checkpoint of another model or spec",
            "by tensor names and shapes only"})
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserException("--checkpoint " + checkpoint + ": " + (Files.isDirectory(checkpoint)
                    ? "a directory, not a checkpoint file" : "no such file"));
        }
        if (Files.isDirectory(onnx)) {
            throw new UserException("--onnx " + onnx + ": a directory; name the file to write (model.onnx)");
        }
        // Loading a checkpoint runs no matrix product worth the Vector API: no kernel choice, no warning about it
        if (System.getProperty("rnnc.vector") == null) {
            System.setProperty("rnnc.vector", "false");
        }
        Model model = model();
        RnnModel net = Specs.instantiate(model);
        Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, net, force ? Checkpoint.Match.SHAPES : Checkpoint.Match.MODEL);
        if (loaded.note() != null) {
            err().println("note: " + loaded.note());
            err().flush();
        }
        OnnxExport.Export export;
        try {
            export = OnnxExport.export(model, net.parameters(), new OnnxExport.Options(lengths));
        } catch (OnnxExportException e) {
            throw new UserException(e.getMessage());
        }
        List<Path> files;
        try {
            files = export.write(onnx);
        } catch (java.io.UncheckedIOException e) {
            throw new UserException(e.getMessage());
        }
        for (int i = 0; i < files.size(); i++) {
            OnnxExport.Graph g = export.graphs().get(i);
            out.printf(Locale.ROOT, "wrote %s (%s%s, %d bytes; inputs %s; outputs %s)%n", files.get(i),
                    model.name(), files.size() == 1 ? "" : " " + g.role(), g.bytes().length,
                    String.join(", ", g.proto().getGraph().getInputList().stream().map(v -> v.getName()).toList()),
                    String.join(", ", g.proto().getGraph().getOutputList().stream().map(v -> v.getName()).toList()));
        }
        if (model.precision() == Precision.FLOAT64) {
            out.println("note: " + model.name() + " is float64; the ONNX file is float32 (weights rounded)");
        }
        out.flush();
        return Main.OK;
    }
}
