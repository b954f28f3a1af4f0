package io.rnnc.serve;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.SequenceGenerator;
import io.rnnc.runtime.data.DataMetadata;
import io.rnnc.runtime.generate.Sampler;
import io.rnnc.runtime.generate.StepModel;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.io.Checkpoint;
import io.rnnc.runtime.io.SafeTensors;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.state.RnnState;
import io.rnnc.runtime.state.StatefulModel;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A trained model, loaded once, answering requests from any number of threads: classify or score a sequence
 * (with its own length), forecast from a stream of observations (one state per stream id), generate from a
 * token language model or a one_to_many model (greedy, sampled with a seed, or beam), translate with an
 * encoder-decoder.
 *
 * <p><b>Threads.</b> A generated model instance is single-threaded (it owns its activation buffers), so the
 * predictor keeps a fixed set of instances (workers) and a call borrows one for its duration; a call never sees
 * another call's activations. Requests are checked completely before a worker or a stream is touched, so a bad
 * request (a {@link BadRequest}) changes nothing for anyone. The predictor itself is immutable apart from its
 * table of open streams.
 *
 * <p><b>Weights.</b> The weights are in memory once: worker 0 is the loaded model and the others are made by its
 * {@link ChunkedModel#sharingWeights()}, which read its parameters and packed weight copies in place, read-only,
 * with activation buffers of their own for one row (a call runs one) and no gradients or optimizer state. The
 * memory is one model plus (workers - 1) x one chunk's buffers ({@link #sharesWeights()}). The predictor never changes the weights. (A class generated
 * by an rnnc without {@code sharingWeights()}, or a model that is not a {@link ChunkedModel}, gets copies from the
 * factory instead.)
 *
 * <p><b>Allocation.</b> The {@code ...Into} methods, {@link #classify} and {@link #forecastInto} allocate nothing
 * in the steady state (measured in the tests with the thread allocation counter); the methods that return a
 * new array allocate just that array, and sampling allocates its seeded generator.
 *
 * <p><b>Streams.</b> A window stream ({@link #openStream}) keeps the last T observations (T = the spec's sequence
 * length, which the model was trained on): each forecast runs the model over them, with their length; this is what
 * a model trained on windows of T steps expects. A stateful stream ({@link #openStatefulStream}) keeps the
 * recurrent state instead (the step API): one step per observation, the whole history since it opened, as a
 * {@code stateful} model was trained.
 */
public final class Predictor {

    /** Generation never writes more ids than this in one request. */
    public static final int MAX_GENERATED = 4096;
    /** Streams open at once, at most (a table slot each). */
    public static final int DEFAULT_MAX_STREAMS = 1 << 16;

    private final ModelInfo info;
    private final DataMetadata data;
    private final String mode;
    private final int workerCount;
    private final ArrayBlockingQueue<Worker> idle;
    /** T (input steps), I (features per step), O, T_out. */
    private final int steps;
    private final int width;
    private final int outputs;
    private final int outputSteps;
    private final boolean oneToOne;
    private final boolean manyToMany;
    /** many_to_one, many_to_many or one_to_one: one sequence (or vector) in, outputs out. */
    private final boolean predicts;
    /** The generated class has the generation API (seq2seq, one_to_many, token language models). */
    private final boolean generative;
    /** The generated class has the step API (one direction per layer, many_to_one or many_to_many). */
    private final boolean stepApi;
    private final RnnModel first;

    private final AtomicReferenceArray<Stream> streams;
    private final ConcurrentLinkedQueue<Integer> freeSlots = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final AtomicInteger generations = new AtomicInteger();

    /** Every worker, worker 0 (the loaded model) first. */
    private final Worker[] all;

    /** One model instance and the buffers of one call. */
    private static final class Worker {
        final RnnModel model;
        final Batch batch;
        final double[] outputs;
        /** Sampling with top-k / top-p filters over the model's step API (null without one). */
        final Sampler filtered;

        Worker(RnnModel model) {
            this.model = model;
            this.batch = Batch.forModel(model.info(), 1);
            this.outputs = new double[model.info().maxBatch() * model.info().logitsPerSample()];
            this.filtered = model instanceof StepModel s ? new Sampler(s) : null;
        }
    }

    /**
     * One open stream: its last T observations, oldest first from {@code start} (a window stream), or its recurrent
     * state (a stateful stream; {@code ring} is then null).
     */
    private static final class Stream {
        final long id;
        final double[] ring;
        final RnnState state;
        int start;
        int count;
        boolean closed;

        Stream(long id, int values, RnnState state) {
            this.id = id;
            this.ring = state == null ? new double[values] : null;
            this.state = state;
        }
    }

    private Predictor(Supplier<? extends RnnModel> factory, RnnModel loaded, DataMetadata data, int workers, int maxStreams) {
        if (workers < 1) {
            throw new IllegalArgumentException("a predictor needs at least one worker, got " + workers);
        }
        this.info = loaded.info();
        this.data = data;
        this.mode = info.mode();
        this.workerCount = workers;
        this.steps = info.inputSteps();
        this.width = info.inputSize();
        this.outputs = info.outputs();
        this.outputSteps = info.outputSteps();
        this.generative = loaded instanceof SequenceGenerator;
        this.stepApi = loaded instanceof StatefulModel;
        this.first = loaded;
        this.oneToOne = mode.equals("one_to_one");
        this.manyToMany = mode.equals("many_to_many");
        this.predicts = oneToOne || manyToMany || mode.equals("many_to_one");
        this.idle = new ArrayBlockingQueue<>(workers);
        this.all = new Worker[workers];
        for (int i = 0; i < workers; i++) {
            RnnModel m = i == 0 ? loaded : sharing(loaded, factory);
            // One call is one row: the worker's own thread runs it
            m.setThreads(1);
            all[i] = new Worker(m);
            idle.add(all[i]);
        }
        this.streams = new AtomicReferenceArray<>(maxStreams);
    }

    /** Another worker reading {@code loaded}'s weights in place, or (a model that cannot share them) a copy. */
    private static RnnModel sharing(RnnModel loaded, Supplier<? extends RnnModel> factory) {
        if (loaded instanceof ChunkedModel c) {
            try {
                // A call runs one row (beams and steps use the generation buffers, which are full width): one chunk
                return c.sharingWeights(1);
            } catch (UnsupportedOperationException generatedWithoutTheHook) {
                // a class generated by an older rnnc: copy the weights, as before
            }
        }
        if (factory == null) {
            throw new IllegalArgumentException("model " + loaded.info().name() + " cannot share its weights: more than one "
                    + "worker needs a factory of instances to copy them into");
        }
        RnnModel m = factory.get();
        m.parameters().copyFrom(loaded.parameters());
        m.parametersChanged();
        return m;
    }

    /**
     * Instances from {@code factory} (the generated class's constructor: {@code MnistRnn::new}) with the weights,
     * vocabulary and normalisation of {@code checkpoint}, which must belong to that model (name, spec hash,
     * names, shapes, finite values; {@code Checkpoint.Match.MODEL}).
     *
     * @throws io.rnnc.runtime.io.RnncIoException listing what does not match
     */
    public static Predictor load(Supplier<? extends RnnModel> factory, Path checkpoint, int workers) {
        return load(factory, checkpoint.toString(), SafeTensors.read(checkpoint), workers);
    }

    /** Like {@link #load(Supplier, Path, int)} for a checkpoint already read ({@code where} names it in messages). */
    public static Predictor load(Supplier<? extends RnnModel> factory, String where, SafeTensors.Contents checkpoint, int workers) {
        RnnModel first = factory.get();
        Checkpoint.Loaded loaded = Checkpoint.apply(where, checkpoint, first, Checkpoint.Match.MODEL);
        Map<String, String> d = loaded.data();
        DataMetadata data = d.containsKey("format") ? DataMetadata.fromMetadata(d) : null;
        return new Predictor(factory, first, data, workers, DEFAULT_MAX_STREAMS);
    }

    /**
     * A predictor serving {@code trained}, which becomes worker 0 and the owner of the weights every other worker
     * reads in place: do not train it or change its weights while the predictor serves (the workers would see a
     * change mid-call). {@code factory} is used only for a model that cannot share its weights (may then be null).
     */
    public static Predictor of(RnnModel trained, Supplier<? extends RnnModel> factory, DataMetadata data, int workers) {
        return new Predictor(factory, trained, data, workers, DEFAULT_MAX_STREAMS);
    }

    /** Like {@link #of} with a bound on the streams open at once. */
    public static Predictor of(RnnModel trained, Supplier<? extends RnnModel> factory, DataMetadata data, int workers,
                               int maxStreams) {
        return new Predictor(factory, trained, data, workers, maxStreams);
    }

    /** One worker per core. */
    public static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    public ModelInfo info() {
        return info;
    }

    /** The vocabulary, labels and normalisation the checkpoint carries, or null if it carries none. */
    public DataMetadata data() {
        return data;
    }

    public int workers() {
        return workerCount;
    }

    /** Whether every worker reads worker 0's parameter array (the weights are in memory once). */
    public boolean sharesWeights() {
        for (Worker w : all) {
            if (!w.model.parameters().sharesDataWith(all[0].model.parameters())) {
                return false;
            }
        }
        return true;
    }

    /** Worker {@code i}'s model (tests: what the workers share). */
    RnnModel workerModel(int i) {
        return all[i].model;
    }

    // ---- one sequence in, outputs out ----

    /**
     * The head's outputs (after its activation: probabilities for softmax) for one sequence of feature vectors,
     * {@code features [steps, I]} with 1 <= steps <= T (one_to_one: one vector): {@code [O]} for many_to_one
     * and one_to_one, {@code [steps, O]} for many_to_many.
     */
    public double[] predict(double[] features) {
        double[] out = new double[resultSize(checkFeatures(features))];
        predictInto(features, out);
        return out;
    }

    /** Like {@link #predict(double[])} into {@code out}; returns the values written. Allocation-free. */
    public int predictInto(double[] features, double[] out) {
        int n = checkFeatures(features);
        checkOut(out, resultSize(n));
        Worker w = borrow();
        try {
            run(w, features, null, n);
            return copyResult(w, n, out);
        } finally {
            idle.offer(w);
        }
    }

    /** The outputs for one sequence of token ids (1 <= length <= T, each id in 0..V-1), as {@link #predict(double[])}. */
    public double[] predict(int[] tokens) {
        double[] out = new double[resultSize(checkTokens(tokens))];
        predictInto(tokens, out);
        return out;
    }

    /** Like {@link #predict(int[])} into {@code out}; returns the values written. Allocation-free. */
    public int predictInto(int[] tokens, double[] out) {
        int n = checkTokens(tokens);
        checkOut(out, resultSize(n));
        Worker w = borrow();
        try {
            run(w, null, tokens, n);
            return copyResult(w, n, out);
        } finally {
            idle.offer(w);
        }
    }

    /** The most likely class of a feature sequence (many_to_many: at its last step). Allocation-free. */
    public int classify(double[] features) {
        int n = checkFeatures(features);
        Worker w = borrow();
        try {
            run(w, features, null, n);
            return argmax(w.outputs, lastOffset(n));
        } finally {
            idle.offer(w);
        }
    }

    /** The most likely class of a token sequence (many_to_many: at its last step). Allocation-free. */
    public int classify(int[] tokens) {
        int n = checkTokens(tokens);
        Worker w = borrow();
        try {
            run(w, null, tokens, n);
            return argmax(w.outputs, lastOffset(n));
        } finally {
            idle.offer(w);
        }
    }

    // ---- streams ----

    /**
     * Opens a window stream of feature observations (many_to_one or many_to_many feature models) and returns its id:
     * each forecast runs the model over the stream's last T observations, as it was trained on windows of T steps.
     *
     * @throws BadRequest if the model takes no feature sequence, or every stream slot is taken
     */
    public long openStream() {
        return open(false);
    }

    /**
     * Opens a stateful stream: it carries the recurrent state from one observation to the next (one step of the
     * stack per observation, the whole history since the stream opened), as a model trained with
     * {@code sequence T many_to_many stateful} expects. Needs the step API (one direction per layer).
     */
    public long openStatefulStream() {
        if (!stepApi) {
            throw new BadRequest("model " + info.name() + " (" + mode + ") has no step API (bidirectional layers, or not a "
                    + "single stack over a sequence): open a window stream with openStream()");
        }
        return open(true);
    }

    private long open(boolean stateful) {
        requireMode("streams", "many_to_one", "many_to_many");
        if (info.tokenInputs()) {
            throw new BadRequest("streams carry feature vectors; model " + info.name() + " reads tokens: use predict(int[])");
        }
        Integer free = freeSlots.poll();
        int slot;
        if (free != null) {
            slot = free;
        } else {
            slot = nextSlot.getAndIncrement();
            if (slot >= streams.length()) {
                nextSlot.decrementAndGet();
                throw new BadRequest("all " + streams.length() + " streams are open: close some first");
            }
        }
        long id = ((long) (generations.incrementAndGet() & 0x7fffffff) << 32) | slot;
        streams.set(slot, new Stream(id, steps * width, stateful ? ((StatefulModel) first).newState(1) : null));
        return id;
    }

    /** Closes a stream; its id is unknown afterwards. */
    public void closeStream(long id) {
        Stream s = stream(id);
        synchronized (s) {
            if (s.closed) {
                throw unknownStream(id);
            }
            s.closed = true;
        }
        if (streams.compareAndSet((int) id, s, null)) {
            freeSlots.add((int) id);
        }
    }

    /** Streams open now. */
    public int openStreams() {
        int n = 0;
        for (int i = 0; i < nextSlot.get() && i < streams.length(); i++) {
            n += streams.get(i) != null ? 1 : 0;
        }
        return n;
    }

    /**
     * Appends one observation {@code [I]} to stream {@code id} and returns the model's outputs over the stream's
     * last T observations (fewer at the start): {@code [O]} (many_to_many: at the last step).
     */
    public double[] forecast(long id, double[] observation) {
        double[] out = new double[outputs];
        forecastInto(id, observation, out);
        return out;
    }

    /**
     * Like {@link #forecast} into {@code out [O]}; returns the history length used (a stateful stream: the
     * observations since it opened). Allocation-free.
     */
    public int forecastInto(long id, double[] observation, double[] out) {
        Stream s = stream(id);
        if (observation == null || observation.length != width) {
            throw new BadRequest("an observation has I = " + width + " values, got " + (observation == null ? "none" : observation.length));
        }
        checkFinite(observation, observation.length);
        checkOut(out, outputs);
        synchronized (s) {
            if (s.closed) {
                throw unknownStream(id);
            }
            if (s.state != null) {
                Worker w = borrow();
                try {
                    ((StatefulModel) w.model).step(null, observation, 1, s.state, w.outputs);
                    System.arraycopy(w.outputs, 0, out, 0, outputs);
                } finally {
                    idle.offer(w);
                }
                s.count++;
                return s.count;
            }
            int end = (s.start + s.count) % steps;
            System.arraycopy(observation, 0, s.ring, end * width, width);
            if (s.count < steps) {
                s.count++;
            } else {
                s.start = (s.start + 1) % steps;
            }
            int n = s.count;
            Worker w = borrow();
            try {
                Batch b = w.batch;
                for (int t = 0; t < n; t++) {
                    System.arraycopy(s.ring, ((s.start + t) % steps) * width, b.features, t * width, width);
                }
                forward(w, n);
                System.arraycopy(w.outputs, lastOffset(n), out, 0, outputs);
            } finally {
                idle.offer(w);
            }
            return n;
        }
    }

    private Stream stream(long id) {
        int slot = (int) id;
        if (slot < 0 || slot >= streams.length()) {
            throw unknownStream(id);
        }
        Stream s = streams.get(slot);
        if (s == null || s.id != id) {
            throw unknownStream(id);
        }
        return s;
    }

    private static BadRequest unknownStream(long id) {
        return new BadRequest("no open stream has id " + id + " (never opened, or closed)");
    }

    // ---- generation ----

    /**
     * A token language model (many_to_many over tokens) continues {@code prompt} for up to {@code maxTokens} ids:
     * greedy at temperature 0, else sampled from softmax(logits / temperature) with a generator seeded by
     * {@code seed} (same seed, same ids). Stops after {@code endToken} (written; -1: none).
     */
    public int[] generate(int[] prompt, int maxTokens, double temperature, long seed, int endToken) {
        return generate(prompt, maxTokens, temperature, 0, 1, seed, endToken);
    }

    /**
     * {@link #generate(int[], int, double, long, int)} drawing only among the {@code topK} most likely ids (0: all)
     * and then the smallest set of them whose probability reaches {@code topP} (1: all), the runtime {@link Sampler}'s
     * filters; with 0 and 1 it is plain sampling, the same ids.
     */
    public int[] generate(int[] prompt, int maxTokens, double temperature, int topK, double topP, long seed, int endToken) {
        requireMode("generate from a prompt", "many_to_many");
        if (!info.tokenInputs()) {
            throw new BadRequest("model " + info.name() + " reads features: a language model reads and predicts tokens");
        }
        if (prompt == null || prompt.length == 0) {
            throw new BadRequest("prime the model with at least one token");
        }
        if (!generative) {
            throw new BadRequest("model " + info.name() + " does not predict its next input token (its head has " + outputs
                    + " outputs for a vocabulary of " + info.vocab() + "): it generates nothing");
        }
        if (prompt.length > MAX_GENERATED) {
            throw new BadRequest("a prompt of " + prompt.length + " tokens is longer than " + MAX_GENERATED);
        }
        checkIds(prompt, prompt.length, info.vocab(), "token");
        checkGenerationArguments(maxTokens, temperature, endToken, outputs);
        checkFilters(topK, topP);
        int[] out = new int[maxTokens];
        Worker w = borrow();
        int n;
        try {
            Rng rng = temperature == 0 ? null : new Rng(seed);
            n = filtered(temperature, topK, topP) ? filter(w, topK, topP).continuePrompt(prompt, temperature, rng, endToken, out)
                    : generator(w).generate(prompt, null, temperature, rng, endToken, out);
        } finally {
            idle.offer(w);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * An encoder-decoder translates {@code source} (1..T_in ids): beam search of {@code beamWidth} (1 = greedy,
     * at most the model's batch), up to T_out ids, stopping after {@code endToken} (-1: none).
     */
    public int[] translate(int[] source, int beamWidth, int endToken) {
        requireMode("translate", "seq2seq");
        checkSource(source);
        if (beamWidth < 1 || beamWidth > info.maxBatch()) {
            throw new BadRequest("beam width " + beamWidth + " is outside 1.." + info.maxBatch() + " (the model's batch)");
        }
        checkGenerationArguments(outputSteps, 0, endToken, outputs);
        int[] out = new int[outputSteps];
        Worker w = borrow();
        int n;
        try {
            n = generator(w).beamSearch(source, null, beamWidth, endToken, out);
        } finally {
            idle.offer(w);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** An encoder-decoder translates {@code source} by sampling at {@code temperature} with a seeded generator. */
    public int[] translateSampled(int[] source, double temperature, long seed, int endToken) {
        return translateSampled(source, temperature, 0, 1, seed, endToken);
    }

    /** {@link #translateSampled(int[], double, long, int)} with top-k / top-p filters (as {@link #generate}'s). */
    public int[] translateSampled(int[] source, double temperature, int topK, double topP, long seed, int endToken) {
        requireMode("translate", "seq2seq");
        checkSource(source);
        checkGenerationArguments(outputSteps, temperature, endToken, outputs);
        checkFilters(topK, topP);
        int[] out = new int[outputSteps];
        Worker w = borrow();
        int n;
        try {
            Rng rng = temperature == 0 ? null : new Rng(seed);
            n = filtered(temperature, topK, topP)
                    ? filter(w, topK, topP).generate(source, null, SequenceGenerator.START_TOKEN, outputSteps, temperature, rng, endToken, out)
                    : generator(w).generate(source, null, temperature, rng, endToken, out);
        } finally {
            idle.offer(w);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * A one_to_many model with a softmax head generates up to T_out class ids from {@code features [I]}: greedy at
     * temperature 0, else sampled with a generator seeded by {@code seed}; {@code beamWidth > 1} searches instead.
     */
    public int[] generateFrom(double[] features, double temperature, long seed, int beamWidth, int endToken) {
        return generateFrom(features, temperature, 0, 1, seed, beamWidth, endToken);
    }

    /** {@link #generateFrom(double[], double, long, int, int)} sampling with top-k / top-p filters (as {@link #generate}'s). */
    public int[] generateFrom(double[] features, double temperature, int topK, double topP, long seed, int beamWidth, int endToken) {
        requireMode("generate from a feature vector", "one_to_many");
        checkVector(features);
        if (!info.head().equals("softmax")) {
            throw new BadRequest("model " + info.name() + " has a " + info.head() + " head: use generateValues");
        }
        if (beamWidth < 1 || beamWidth > info.maxBatch()) {
            throw new BadRequest("beam width " + beamWidth + " is outside 1.." + info.maxBatch() + " (the model's batch)");
        }
        checkGenerationArguments(outputSteps, temperature, endToken, outputs);
        checkFilters(topK, topP);
        int[] out = new int[outputSteps];
        Worker w = borrow();
        int n;
        try {
            SequenceGenerator g = generator(w);
            Rng rng = temperature == 0 ? null : new Rng(seed);
            if (beamWidth > 1) {
                n = g.beamSearch(null, features, beamWidth, endToken, out);
            } else if (filtered(temperature, topK, topP)) {
                // one_to_many's first step has no previous output: zero feedback (-1), as the generated class starts
                n = filter(w, topK, topP).generate(null, features, -1, outputSteps, temperature, rng, endToken, out);
            } else {
                n = g.generate(null, features, temperature, rng, endToken, out);
            }
        } finally {
            idle.offer(w);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** A one_to_many model with a value head: T_out steps of O values {@code [T_out, O]} from {@code features [I]}. */
    public double[] generateValues(double[] features) {
        requireMode("generate values", "one_to_many");
        checkVector(features);
        if (info.head().equals("softmax")) {
            throw new BadRequest("model " + info.name() + " has a softmax head: use generateFrom");
        }
        double[] out = new double[outputSteps * outputs];
        Worker w = borrow();
        try {
            generator(w).generateValues(features, out);
        } finally {
            idle.offer(w);
        }
        return out;
    }

    // ---- checks (before anything is touched) ----

    private int checkFeatures(double[] features) {
        if (!predicts) {
            requireMode("predict", "many_to_one", "many_to_many", "one_to_one");
        }
        if (info.tokenInputs()) {
            throw new BadRequest("model " + info.name() + " reads token ids, not feature values");
        }
        if (features == null || features.length == 0) {
            throw new BadRequest("no input values");
        }
        if (features.length % width != 0) {
            throw new BadRequest(features.length + " values are not whole steps of I = " + width + " features");
        }
        int n = features.length / width;
        if (oneToOne && n != 1) {
            throw new BadRequest("model " + info.name() + " reads one vector of " + width + " values, got " + features.length);
        }
        if (n > steps) {
            throw new BadRequest("a sequence of " + n + " steps is longer than model " + info.name() + " takes (T = " + steps + ")");
        }
        checkFinite(features, features.length);
        return n;
    }

    private int checkTokens(int[] tokens) {
        if (!predicts) {
            requireMode("predict", "many_to_one", "many_to_many", "one_to_one");
        }
        if (!info.tokenInputs()) {
            throw new BadRequest("model " + info.name() + " reads feature values, not token ids");
        }
        if (tokens == null || tokens.length == 0) {
            throw new BadRequest("no input tokens");
        }
        if (tokens.length > steps) {
            throw new BadRequest("a sequence of " + tokens.length + " tokens is longer than model " + info.name() + " takes (T = " + steps + ")");
        }
        checkIds(tokens, tokens.length, info.vocab(), "token");
        return tokens.length;
    }

    private void checkSource(int[] source) {
        if (source == null || source.length == 0) {
            throw new BadRequest("no source tokens");
        }
        if (source.length > steps) {
            throw new BadRequest("a source of " + source.length + " tokens is longer than model " + info.name() + " takes (T_in = " + steps + ")");
        }
        checkIds(source, source.length, info.vocab(), "token");
    }

    private void checkVector(double[] features) {
        if (features == null || features.length != width) {
            throw new BadRequest("model " + info.name() + " reads one vector of " + width + " values, got "
                    + (features == null ? "none" : features.length));
        }
        checkFinite(features, width);
    }

    private static void checkGenerationArguments(int maxTokens, double temperature, int endToken, int vocab) {
        if (maxTokens < 1 || maxTokens > MAX_GENERATED) {
            throw new BadRequest("max tokens " + maxTokens + " is outside 1.." + MAX_GENERATED);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new BadRequest("temperature must be 0 (greedy) or a positive finite number, got " + temperature);
        }
        if (endToken < -1 || endToken >= vocab) {
            throw new BadRequest("end token " + endToken + " is outside the output vocabulary 0.." + (vocab - 1) + " (-1: none)");
        }
    }

    private static void checkFilters(int topK, double topP) {
        if (topK < 0) {
            throw new BadRequest("top-k must be 0 (no filter) or a positive number of ids, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new BadRequest("top-p must be in (0, 1] (1: no filter), got " + topP);
        }
    }

    /** Whether a sampled draw is filtered (greedy decoding and plain sampling run the generated class's own path). */
    private static boolean filtered(double temperature, int topK, double topP) {
        return temperature > 0 && (topK > 0 || topP < 1);
    }

    /** The worker's filtering sampler, set to this request's filters. */
    private Sampler filter(Worker w, int topK, double topP) {
        if (w.filtered == null) {
            throw new IllegalStateException("model " + info.name() + " (" + mode + ") has no step API to sample from");
        }
        w.filtered.setFilters(topK, topP);
        return w.filtered;
    }

    private static void checkIds(int[] ids, int n, int vocab, String what) {
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new BadRequest(what + " id " + ids[i] + " at position " + i + " is outside the vocabulary 0.." + (vocab - 1));
            }
        }
    }

    private static void checkFinite(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(v[i])) {
                throw new BadRequest("value " + i + " is " + v[i] + ": inputs must be finite numbers");
            }
        }
    }

    private void requireMode(String what, String... modes) {
        for (String m : modes) {
            if (m.equals(mode)) {
                return;
            }
        }
        throw new BadRequest(what + " needs a " + String.join(" or ", modes) + " model; " + info.name() + " is " + mode);
    }

    private static void checkOut(double[] out, int n) {
        if (out == null || out.length < n) {
            throw new BadRequest("the output array must hold " + n + " values");
        }
    }

    // ---- running ----

    private Worker borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free model instance", e);
        }
    }

    private void run(Worker w, double[] features, int[] tokens, int n) {
        Batch b = w.batch;
        if (features != null) {
            System.arraycopy(features, 0, b.features, 0, features.length);
        } else {
            System.arraycopy(tokens, 0, b.tokens, 0, n);
        }
        forward(w, n);
    }

    /** Forward of the worker's batch row 0, valid for its first {@code n} steps (padding zeroed). */
    private void forward(Worker w, int n) {
        Batch b = w.batch;
        b.setSize(1);
        if (oneToOne) {
            b.clearLengths();
        } else {
            // Always with its length, even a full one: one code path (the packed one) for every request, and the
            // full-batch path of the vector kernels allocates at batch 1
            if (b.features != null) {
                Arrays.fill(b.features, n * width, steps * width, 0.0);
            } else {
                Arrays.fill(b.tokens, n, steps, 0);
            }
            b.setLength(0, n);
        }
        w.model.forward(b);
        w.model.copyOutputs(w.outputs);
    }

    private int resultSize(int n) {
        return manyToMany ? n * outputs : outputs;
    }

    private int lastOffset(int n) {
        return manyToMany ? (n - 1) * outputs : 0;
    }

    private int copyResult(Worker w, int n, double[] out) {
        int size = resultSize(n);
        System.arraycopy(w.outputs, 0, out, 0, size);
        return size;
    }

    private int argmax(double[] v, int off) {
        int best = 0;
        for (int k = 1; k < outputs; k++) {
            if (v[off + k] > v[off + best]) {
                best = k;
            }
        }
        return best;
    }

    private SequenceGenerator generator(Worker w) {
        if (!(w.model instanceof SequenceGenerator g)) {
            throw new IllegalStateException("model " + info.name() + " (" + mode + ") has no generation API");
        }
        return g;
    }
}
