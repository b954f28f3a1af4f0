package io.rnnc.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rnnc.compiler.model.Layer;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint trained by rnnc loads into PyTorch's own {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}
 * through {@code bench/load_in_pytorch.py}, and PyTorch's logits and final states equal the generated
 * class's on the same inputs within 1e-5 (max|a-b| / max(1, max|b|)); the script exits 1 otherwise.
 *
 * <p>Runs only where Debian's {@code /usr/bin/python3} imports torch ({@code apt-get install python3-torch});
 * elsewhere every case is reported as skipped with the reason, so a CI machine without PyTorch stays green
 * and says so.
 */
class PyTorchRoundTripTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean torchAvailable;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "model A { input 5 sequence 6 many_to_one lstm 8 lstm 8 dense 3 softmax loss cross_entropy batch 4 seed 1 }",
            "model B { input 4 sequence 5 many_to_many gru 7 gru 7 dense 2 linear loss mse batch 4 seed 2 }",
            "model C { input 3 sequence 5 many_to_one rnn 6 relu rnn 6 relu dense 2 tanh loss mse batch 4 seed 3 }",
            "model D { input tokens 11 embed 4 sequence 6 many_to_many lstm 9 gru 6 rnn 5 dense 11 softmax loss cross_entropy batch 4 seed 4 }",
            "model E { input tokens 6 sequence 4 many_to_one gru 5 gru 8 dense 2 sigmoid loss bce batch 4 seed 5 }",
            "model F { input 2 sequence 1 one_to_one rnn 8 dense 1 sigmoid loss bce optimizer sgd lr=0.5 momentum=0.9 batch 4 seed 6 }",
            "model F2 { input tokens 6 sequence 1 one_to_one lstm 5 dense 3 softmax loss cross_entropy batch 4 seed 12 }",
            "model G { input 4 sequence 5 one_to_many lstm 8 dense 3 sigmoid loss bce batch 4 seed 7 }",
            "model H { input 3 sequence 4 one_to_many gru 6 rnn 5 dense 4 softmax loss cross_entropy batch 4 seed 8 }",
            "model I { encoder { input tokens 8 embed 4 sequence 5 lstm 8 lstm 8 } decoder { input tokens 6 embed 3 sequence 4 lstm 8 lstm 8 dense 6 softmax } loss cross_entropy batch 4 seed 9 }",
            "model J { encoder { input tokens 7 sequence 4 gru 6 rnn 5 } decoder { input tokens 5 sequence 3 gru 6 rnn 5 dense 5 softmax } loss cross_entropy batch 4 seed 10 }",
            "model K { input 4 sequence 5 many_to_one lstm 6 gru 6 dense 2 linear loss mse batch 4 seed 11 precision float64 }",
            "model L { input 5 sequence 6 many_to_one lstm 7 bidirectional lstm 7 bidirectional dense 3 softmax"
                    + " loss cross_entropy batch 4 seed 13 }",
            "model M { input tokens 9 embed 3 sequence 5 many_to_many gru 6 bidirectional rnn 5 relu dense 9 softmax"
                    + " loss cross_entropy batch 4 seed 14 }",
            "model N { input 3 sequence 5 many_to_one rnn 4 lstm 6 bidirectional dropout 0.2 dense 2 linear loss mse"
                    + " batch 4 seed 15 }"})
    void pyTorchModulesGiveTheGeneratedClassesOutputs(String spec, @TempDir Path dir) throws Exception {
        assumeTrue(torchAvailable(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch): skipped");
        Model model = OrtHarness.parse(spec);
        RnnModel net = OrtHarness.trained(model, 21);
        ModelInfo info = net.info();
        int n = info.maxBatch();
        Batch batch = OrtHarness.randomBatch(info, model, n, 3);
        net.forward(batch);
        Path checkpoint = dir.resolve("trained.safetensors");
        Checkpoint.save(checkpoint, net, new Checkpoint.Position(1, 3, 21, n));

        List<SafeTensors.Tensor> expect = new ArrayList<>();
        expect.add(inputs(model, info, batch, n));
        if (model.mode() == SequenceMode.ONE_TO_MANY || model.mode() == SequenceMode.SEQ2SEQ) {
            int steps = model.stack().steps();
            expect.add(batch.classes != null
                    ? new SafeTensors.Tensor("y", "F32", new int[] {n, steps}, ids(batch.classes, n * steps))
                    : new SafeTensors.Tensor("y", "F32", new int[] {n, steps, info.outputs()},
                    java.util.Arrays.copyOf(batch.targets, n * steps * info.outputs())));
        }
        double[] logits = new double[n * info.logitsPerSample()];
        net.copyLogits(logits);
        expect.add(new SafeTensors.Tensor("logits", "F64", new int[] {n, info.logitsPerSample()}, logits));
        int stateSize = n * info.hidden().stream().mapToInt(Integer::intValue).sum();
        double[] h = new double[stateSize];
        double[] c = new double[stateSize];
        net.copyFinalStates(h, c);
        List<double[]> hs = OrtHarness.perLayer(h, info.hidden(), n);
        List<double[]> cs = OrtHarness.perLayer(c, info.hidden(), n);
        for (Layer layer : model.stack().layers()) {
            int l = layer.index();
            // [n, H], or [2, n, H] for a bidirectional layer (forward first, as PyTorch's h_n)
            int[] shape = layer.bidirectional() ? new int[] {2, n, layer.hidden()} : new int[] {n, layer.hidden()};
            expect.add(new SafeTensors.Tensor("h_n_l" + l, "F64", shape,
                    OnnxRuntimeEquivalenceTest.layerState(hs, model.stack(), l)));
            if (layer.cell().hasCellState()) {
                expect.add(new SafeTensors.Tensor("c_n_l" + l, "F64", shape,
                        OnnxRuntimeEquivalenceTest.layerState(cs, model.stack(), l)));
            }
        }
        Path expectFile = dir.resolve("expect.safetensors");
        SafeTensors.write(expectFile, expect, Map.of());

        String answer = server().compare(checkpoint, expectFile);
        assertTrue(answer.startsWith("ok: worst relative error"), answer);
    }

    private static SafeTensors.Tensor inputs(Model model, ModelInfo info, Batch batch, int n) {
        if (info.tokenInputs()) {
            int steps = model.encoder().orElse(model.stack()).steps();
            return new SafeTensors.Tensor("x", "F32", new int[] {n, steps}, ids(batch.tokens, n * steps));
        }
        boolean oneVector = model.mode() == SequenceMode.ONE_TO_ONE || model.mode() == SequenceMode.ONE_TO_MANY;
        int steps = model.stack().steps();
        int[] shape = oneVector ? new int[] {n, info.inputSize()} : new int[] {n, steps, info.inputSize()};
        int count = oneVector ? n * info.inputSize() : n * steps * info.inputSize();
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) batch.features[i]; // what the float32 class read
        }
        return new SafeTensors.Tensor("x", model.precision() == io.rnnc.compiler.model.Precision.FLOAT64 ? "F64" : "F32",
                shape, model.precision() == io.rnnc.compiler.model.Precision.FLOAT64
                ? java.util.Arrays.copyOf(batch.features, count) : x);
    }

    private static double[] ids(int[] ids, int count) {
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            d[i] = ids[i];
        }
        return d;
    }

    static Path script() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path s = d.resolve("bench/load_in_pytorch.py");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new AssertionError("bench/load_in_pytorch.py not found above " + dir);
    }

    static synchronized boolean torchAvailable() throws IOException, InterruptedException {
        if (torchAvailable == null) {
            torchAvailable = Files.isExecutable(PYTHON) && python("-c", "import torch").exit() == 0;
        }
        return torchAvailable;
    }

    record Run(int exit, String output) {
    }

    private static PythonServer server;

    /** One Python process for every case (importing torch takes seconds): the script's --serve mode. */
    static synchronized PythonServer server() throws IOException {
        if (server == null) {
            server = new PythonServer();
        }
        return server;
    }

    @org.junit.jupiter.api.AfterAll
    static synchronized void stopServer() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** {@code load_in_pytorch.py --serve}: a line "CHECKPOINT\tEXPECT" in, one answer line out. */
    static final class PythonServer implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader answers;
        private final java.io.Writer requests;

        PythonServer() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script().toString(), "--serve")
                    .redirectErrorStream(true);
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            process = pb.start();
            answers = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            requests = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String first = answer();
            if (!"ready".equals(first)) {
                throw new AssertionError("load_in_pytorch.py --serve did not start: " + first);
            }
        }

        String compare(Path checkpoint, Path expect) throws IOException {
            requests.write(checkpoint + "\t" + expect + "\n");
            requests.flush();
            return answer();
        }

        /** The next line, within 300 s; everything the process printed instead, if it ended. */
        private String answer() throws IOException {
            try {
                String line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return answers.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(300, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("load_in_pytorch.py --serve ended (exit "
                            + (process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "?") + ")");
                }
                return line;
            } catch (java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
                throw new AssertionError("load_in_pytorch.py --serve gave no answer in 300 s");
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            requests.close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static Run python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python did not finish in 300 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
