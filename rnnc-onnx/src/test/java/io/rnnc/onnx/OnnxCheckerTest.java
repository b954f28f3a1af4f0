package io.rnnc.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.RnnModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every exported configuration, with and without lengths, passes the ONNX project's own checker
 * ({@code onnx.checker.check_model(full_check=True)}) and its strict shape inference, which infers the declared
 * output shapes: a second reader besides ONNX Runtime, which is lenient in places. Runs where Debian's
 * {@code /usr/bin/python3} imports {@code onnx} ({@code apt-get install python3-onnx}); skipped otherwise.
 */
class OnnxCheckerTest {

    static final String CHECK = """
            import glob, sys
            import onnx
            from onnx import shape_inference
            bad = 0
            files = sorted(glob.glob(sys.argv[1] + "/*.onnx"))
            for f in files:
                try:
                    m = onnx.load(f)
                    onnx.checker.check_model(m, full_check=True)
                    inferred = shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
                    declared = {o.name: o.type for o in m.graph.output}
                    for o in inferred.graph.output:
                        assert o.type == declared[o.name], f"{o.name}: inferred {o.type}, declared {declared[o.name]}"
                except Exception as e:
                    bad += 1
                    print(f"{f}: {type(e).__name__}: {e}")
            print(f"checked {len(files)} files, {bad} bad")
            sys.exit(1 if bad else 0)
            """;

    @Test
    void everyExportPassesOnnxsCheckerAndShapeInference(@TempDir Path dir) throws Exception {
        assumeTrue(PyTorchRoundTripTest.python("-c", "import onnx").exit() == 0,
                "/usr/bin/python3 cannot import onnx (apt-get install python3-onnx): skipped");
        List<Arguments> cases = new ArrayList<>(OnnxRuntimeEquivalenceTest.configurations());
        cases.addAll(OnnxRuntimeEquivalenceTest.samples());
        int files = 0;
        for (Arguments a : cases) {
            Model model = OrtHarness.parse((String) a.get()[1]);
            RnnModel net = OrtHarness.instantiate(model);
            net.initialize(3);
            boolean takesLengths = model.mode() != SequenceMode.ONE_TO_ONE && model.mode() != SequenceMode.ONE_TO_MANY;
            for (boolean lengths : takesLengths ? new boolean[] {false, true} : new boolean[] {false}) {
                OnnxExport.Export export = OnnxExport.export(model, net.parameters(), new OnnxExport.Options(lengths));
                // numbered: a sample and a configuration may share a model name
                String name = files + "-" + model.name() + (lengths ? "-lengths" : "") + ".onnx";
                files += export.write(dir.resolve(name)).size();
            }
        }
        Path script = dir.resolve("check.py");
        Files.writeString(script, CHECK);
        PyTorchRoundTripTest.Run run = PyTorchRoundTripTest.python(script.toString(), dir.toString());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("checked " + files + " files, 0 bad"), run.output());
    }
}
