package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints from the command line: identity, --force, non-finite weights, --resume flags, unwritable paths. */
class CheckpointFlagsTest {

    static final String SEED = Cli.spec("samples/mnist/mnist_rnn.rnn");

    @TempDir
    static Path dir;

    /** A short run saved with a batch and a seed that are not the spec's: 500 images, 1 epoch, batch 32, seed 7. */
    static Path saved;
    static Cli first;
    /** The spec of the seed model under another name: the same tensors, another model. */
    static String twin;

    static String[] train(Path checkpoint, String... more) {
        List<String> args = new ArrayList<>(List.of("train", SEED, "--data", Cli.mnistData(), "--train-limit", "500",
                "--test-limit", "100", "--checkpoint", checkpoint.toString(), "--chart", dir.resolve("chart.png").toString(),
                "--progress", "none", "--threads", "1"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void setUp() throws IOException {
        saved = dir.resolve("saved.safetensors");
        first = Cli.run(train(saved, "--epochs", "1", "--batch", "32", "--seed", "7"));
        Path spec = dir.resolve("mnist_twin.rnn");
        Files.writeString(spec, Files.readString(Path.of(SEED)).replace("model MnistRnn", "model MnistTwin"));
        twin = spec.toString();
    }

    static Path copy(String name) throws IOException {
        assertEquals(0, first.exit(), first.toString());
        return Files.copy(saved, dir.resolve(name));
    }

    static String images() {
        return Path.of(Cli.mnistData(), "t10k-images-idx3-ubyte.gz").toString();
    }

    @Test
    void resumeRefusesABatchOrASeedThatContradictsTheSavedRunAndChangesNothing() throws IOException {
        Path ck = copy("refuse.safetensors");
        byte[] before = Files.readAllBytes(ck);
        Cli batch = Cli.run(train(ck, "--epochs", "2", "--resume", ck.toString(), "--batch", "64"));
        assertEquals(1, batch.exit(), batch.toString());
        assertEquals("rnnc: --batch 64 contradicts --resume " + ck + ": that run was saved with batch 32, and a resumed run keeps"
                + " its batch to continue exactly; drop --batch (or give --batch 32), or start a new run without --resume\n",
                batch.err());
        assertFalse(batch.out().contains("training MnistRnn"), batch.out());
        Cli seed = Cli.run(train(ck, "--epochs", "2", "--resume", ck.toString(), "--seed", "0"));
        assertEquals(1, seed.exit(), seed.toString());
        assertTrue(seed.err().contains("--seed 0 contradicts --resume " + ck + ": that run was saved with seed 7,"), seed.err());
        assertArrayEquals(before, Files.readAllBytes(ck), "the checkpoint is unchanged");
    }

    @Test
    void resumeUsesAndPrintsTheSavedRunsBatchAndSeed() throws IOException {
        assertTrue(first.out().contains(", batch 32, 1 epoch, seed 7, 1 thread\n"), first.out());
        Path ck = copy("continue.safetensors");
        // no --batch, no --seed: the saved run's, and the banner says so (the spec's would be 64 and 0)
        Cli r = Cli.run(train(ck, "--epochs", "2", "--resume", ck.toString()));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("training MnistRnn: 34,210 parameters, 500 training images, 100 test images, batch 32, "
                + "2 epochs, seed 7, 1 thread\n"), r.out());
        assertTrue(r.out().contains("resuming from " + ck + " at epoch 2"), r.out());
        assertEquals("", r.err());
        // the same values given explicitly are accepted and give the same checkpoint, byte for byte
        Path again = copy("continue-again.safetensors");
        Cli same = Cli.run(train(again, "--epochs", "2", "--resume", again.toString(), "--batch", "32", "--seed", "7"));
        assertEquals(0, same.exit(), same.toString());
        assertArrayEquals(Files.readAllBytes(ck), Files.readAllBytes(again));
    }

    @Test
    void theSameRunWritesTheSameBytes() throws IOException {
        Path again = dir.resolve("again.safetensors");
        Cli second = Cli.run(train(again, "--epochs", "1", "--batch", "32", "--seed", "7"));
        assertEquals(0, second.exit(), second.toString());
        assertArrayEquals(Files.readAllBytes(copy("bytes.safetensors")), Files.readAllBytes(again));
        Map<String, String> meta = SafeTensors.read(again).metadata();
        assertEquals(new ArrayList<>(new java.util.TreeMap<>(meta).keySet()), new ArrayList<>(meta.keySet()), "keys in order");
        assertEquals("MnistRnn", meta.get("rnnc.model"));
        assertEquals("many_to_one, features 28, steps 28 -> 1, rnn_tanh 100 / rnn_tanh 100, softmax 10, cross_entropy",
                meta.get("rnnc.architecture"));
        assertEquals(16, meta.get("rnnc.spec_hash").length());
    }

    @Test
    void anotherModelsCheckpointIsRefusedNamingBothUnlessForced() throws IOException {
        Path ck = copy("other-model.safetensors");
        byte[] before = Files.readAllBytes(ck);
        Cli p = Cli.run("predict", twin, "--checkpoint", ck.toString(), "--input", images());
        assertEquals(1, p.exit(), p.toString());
        assertTrue(p.err().startsWith("rnnc: " + ck + " does not fit model MnistTwin (1 problem):\n  model: the file was written by"
                + " model MnistRnn (spec hash "), p.err());
        assertTrue(p.err().contains("), not by MnistTwin (spec hash "), p.err());
        assertTrue(p.err().contains("to load them anyway, by names and shapes only, pass --force"), p.err());
        assertEquals("", p.out());

        Cli forced = Cli.run("predict", twin, "--checkpoint", ck.toString(), "--input", images(), "--force");
        assertEquals(0, forced.exit(), forced.toString());
        assertTrue(forced.err().startsWith("note: " + ck + " was loaded by names and shapes only, as asked: the file was written"
                + " by model MnistRnn"), forced.err());
        Cli own = Cli.run("predict", SEED, "--checkpoint", ck.toString(), "--input", images());
        assertEquals(0, own.exit(), own.toString());
        assertEquals("", own.err());
        assertEquals(own.out(), forced.out(), "the same weights, the same predictions");

        Cli resume = Cli.run(train(ck, "--epochs", "2", "--resume", ck.toString()));
        assertEquals(0, resume.exit(), "its own model resumes: " + resume);
        Path other = copy("other-model-2.safetensors");
        byte[] otherBefore = Files.readAllBytes(other);
        List<String> args = new ArrayList<>(List.of(train(other, "--epochs", "2", "--resume", other.toString())));
        args.set(1, twin);
        Cli refused = Cli.run(args.toArray(String[]::new));
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("does not fit model MnistTwin (1 problem)"), refused.err());
        assertFalse(refused.out().contains("training MnistTwin"), refused.out());
        assertArrayEquals(otherBefore, Files.readAllBytes(other));
        args.add("--force");
        Cli forcedResume = Cli.run(args.toArray(String[]::new));
        assertEquals(0, forcedResume.exit(), forcedResume.toString());
        assertTrue(forcedResume.err().startsWith("note: " + other + " was loaded by names and shapes only"), forcedResume.err());
        assertArrayEquals(before, Files.readAllBytes(copy("unchanged-check.safetensors")), "the original is untouched");
    }

    @Test
    void aPyTorchStateDictLoadsByNamesAndShapesWithANote() throws IOException {
        Path ck = copy("for-torch.safetensors");
        // as safetensors.torch.save_file(model.state_dict()) writes it: parameters only, {"format": "pt"}
        SafeTensors.Contents c = SafeTensors.read(ck);
        List<SafeTensors.Tensor> params = new ArrayList<>();
        c.tensors().values().stream().filter(t -> !t.name().startsWith(Checkpoint.OPTIMIZER_PREFIX)).forEach(params::add);
        Path torch = dir.resolve("state_dict.safetensors");
        SafeTensors.write(torch, params, Map.of("format", "pt"), SafeTensors.Order.BY_NAME);
        Cli p = Cli.run("predict", SEED, "--checkpoint", torch.toString(), "--input", images());
        assertEquals(0, p.exit(), p.toString());
        assertEquals("note: " + torch + " has no rnnc metadata (not written by rnnc, e.g. a PyTorch state_dict): loaded by names"
                + " and shapes only\n", p.err());
        assertEquals(Cli.run("predict", SEED, "--checkpoint", ck.toString(), "--input", images()).out(), p.out());
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensorAndIndex() throws IOException {
        Path ck = copy("nan.safetensors");
        SafeTensors.Contents c = SafeTensors.read(ck);
        List<SafeTensors.Tensor> ts = new ArrayList<>();
        for (SafeTensors.Tensor t : c.tensors().values()) {
            double[] v = t.values();
            if (t.name().equals("fc.weight")) {
                v[3 * 100 + 7] = Double.NaN;
            }
            ts.add(new SafeTensors.Tensor(t.name(), t.dtype(), t.shape(), v));
        }
        SafeTensors.write(ck, ts, c.metadata());
        byte[] before = Files.readAllBytes(ck);
        Cli p = Cli.run("predict", SEED, "--checkpoint", ck.toString(), "--input", images(), "--force");
        assertEquals(1, p.exit(), p.toString());
        assertEquals("rnnc: " + ck + " does not fit model MnistRnn (1 problem):\n"
                + "  fc.weight: NaN at [3, 7] (element 307 of 1000); weights must be finite\n", p.err());
        Cli r = Cli.run(train(ck, "--epochs", "2", "--resume", ck.toString()));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("fc.weight: NaN at [3, 7]"), r.err());
        assertArrayEquals(before, Files.readAllBytes(ck));
    }

    @Test
    void aCheckpointPathThatCannotBeWrittenIsRefusedBeforeTraining() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("a-directory.safetensors"));
        Cli c = Cli.run(train(sub, "--epochs", "1"));
        assertEquals(1, c.exit(), c.toString());
        assertEquals("rnnc: --checkpoint " + sub + ": cannot write " + sub + ": it is a directory\n", c.err());
        assertFalse(c.out().contains("training MnistRnn"), c.out());
        try (var s = Files.list(sub)) {
            assertFalse(s.findAny().isPresent(), "nothing written into it");
        }
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Cli under = Cli.run(train(file.resolve("ck.safetensors"), "--epochs", "1"));
        assertEquals(1, under.exit(), under.toString());
        assertTrue(under.err().startsWith("rnnc: cannot create directory " + file), under.err());
        assertEquals("x", Files.readString(file));

        Cli resumeDir = Cli.run(train(dir.resolve("r.safetensors"), "--resume", sub.toString()));
        assertEquals(1, resumeDir.exit(), resumeDir.toString());
        assertEquals("rnnc: --resume " + sub + ": a directory, not a checkpoint file\n", resumeDir.err());

        Cli force = Cli.run(train(dir.resolve("f.safetensors"), "--force"));
        assertEquals(1, force.exit(), force.toString());
        assertEquals("rnnc: --force goes with --resume or --init (it loads the checkpoint by tensor names and shapes only)\n", force.err());
    }
}
