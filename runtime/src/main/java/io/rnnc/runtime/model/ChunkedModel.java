package io.rnnc.runtime.model;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.OptimizerState;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.TensorStore;
import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.optim.Adam;
import io.rnnc.runtime.optim.Clipping;
import io.rnnc.runtime.optim.Sgd;
import io.rnnc.runtime.parallel.WorkerPool;
import io.rnnc.runtime.state.RnnState;

import java.util.List;

/**
 * The model-independent half of a generated model: chunks, threads, slicing, the gradient sum, the
 * optimizer update, initialisation and the {@link RnnModel} accessors. A generated class extends it and
 * provides only what is specific to its network: its buffers, and the hooks below.
 *
 * <p><b>Chunks.</b> A batch is split into fixed chunks of {@link ModelSettings#chunkRows()} rows. The public
 * instance (the <em>root</em>) is chunk 0; it holds {@code CHUNKS - 1} more instances of the same class,
 * made by {@link #newChunk()}, which share the parameters, the optimizer state and whatever else the
 * subclass shares (packed weights) and own their activations, gradients and a {@link Batch} for their
 * rows. Chunks run on any thread of a {@link WorkerPool}; each writes only its own buffers, its loss share
 * is added and its gradients are summed into chunk 0's in chunk order, so results are the same bits on any
 * thread count. Chunks run on the scratch buffers of the thread that runs them ({@link #useScratchBuffers}:
 * thread i uses chunk i's), so a step cycles through one chunk's activations per thread whatever the batch. After
 * warm-up a step allocates nothing.
 *
 * <p><b>Sharing weights.</b> {@link #sharingWeights()} makes another root of the same class, with its own
 * chunks, activation buffers, step state and thread setting, that reads this model's parameters and packed
 * weight copies in place (one copy of the weights for any number of models, one per thread). It has no
 * gradients and no optimizer state, and refuses every change of the weights; it sees this model's weights as
 * they are at each call (see {@link #sharingWeights()}).
 *
 * <p><b>What a subclass provides</b> (each called on the chunk that runs the rows):
 * <ul>
 *   <li>two constructors: a private one {@code (root, source, rows)} that calls
 *       {@code super(SETTINGS, root, source, rows)} and then allocates its per-chunk buffers for
 *       {@link #bufferRows()} rows, its chunk-0 buffers when {@code root} is null (for {@code rows}, the most a step
 *       runs), and takes the shared ones (packed weights) from {@code root} when it is not null, else from
 *       {@code source} when that is not null (a model sharing {@code source}'s weights), else allocates them; and a
 *       public one that calls the private one with nulls and B rows, then {@link #completeConstruction()};</li>
 *   <li>{@link #newChunk()}: {@code return new MyModel(this, null, stepRows());} and {@link #newSibling(int)}:
 *       {@code return new MyModel(null, this, rows);}</li>
 *   <li>{@link #loadInputs}, {@link #forwardPass}, {@link #loss}, {@link #backwardPass}: one step over the
 *       chunk's n rows (backward overwrites this chunk's {@link #gradients()});</li>
 *   <li>{@link #chunkLogits}, {@link #chunkOutputs}, {@link #chunkFinalStates}: copy the chunk's part of the
 *       last forward pass out;</li>
 *   <li>{@link #packWeights()} if it keeps derived copies of the weights (packed matrices);</li>
 *   <li>{@link #takesLengths()} returning true if it honours per-sample lengths; it then reads them from the
 *       chunk's batch (already checked) and divides masked losses by {@link #batchValidPositions()}.</li>
 * </ul>
 * A minimal subclass (the layer code elided):
 * <pre>{@code
 * public final class Tiny extends ChunkedModel {
 *     static final ModelSettings SETTINGS = new ModelSettings(INFO, 32, 0L,
 *             Optimizer.adam(1e-3, 0.9, 0.999, 1e-8, 0), Clip.NONE, List.of(TensorInit.uniform("fc.weight", 0.1), ...));
 *     private final float[] w;                       // parameters, shared by all chunks
 *     private final float[] logits = new float[CHUNK * O];
 *
 *     public Tiny() { this(null, null, B); completeConstruction(); }
 *     private Tiny(Tiny root, Tiny source, int rows) { super(SETTINGS, root, source, rows); w = floatParameters(); ... }
 *
 *     protected ChunkedModel newChunk() { return new Tiny(this, null, stepRows()); }
 *     protected ChunkedModel newSibling(int rows) { return new Tiny(null, this, rows); }
 *     protected void loadInputs(Batch batch, int n) { ... }
 *     protected void forwardPass(int n) { ... }
 *     protected double loss(Batch batch, int n, int batchRows, boolean backward) { ... mean over batchRows ... }
 *     protected void backwardPass(int n) { ... writes floatGradients() ... }
 *     protected void chunkLogits(double[] dst, int dstOffset) { ... }
 *     protected void chunkOutputs(double[] dst, int dstOffset) { ... }
 *     protected void chunkFinalStates(double[] h, double[] c, int row0, int batchRows) { ... }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one caller at a time (as {@link RnnModel}); models sharing weights are independent
 * callers (each one at a time).
 */
public abstract class ChunkedModel implements RnnModel {

    private static final int FORWARD = 0;
    private static final int EVALUATE = 1;
    private static final int TRAIN = 2;

    private final ModelSettings settings;
    private final ModelInfo info;
    private final int chunkRows;
    private final TensorStore params;
    /**
     * This model reads another's weights ({@link #sharingWeights()}), every chunk of it: it has no gradients and no
     * optimizer state (those fields are null) and refuses to change weights. It keeps no reference to that model,
     * only to the weights, so a model whose weights are shared may be dropped (its buffers and training state go).
     */
    private final boolean readOnly;
    /** This chunk's gradients (chunk 0's are the model's: the sum over chunks). */
    private final TensorStore grads;
    private final OptimizerState optimizer;
    /** Adam's exp_avg or SGD's momentum_buffer; Adam's exp_avg_sq (null for SGD). */
    private final TensorStore slot0;
    private final TensorStore slot1;
    /** This chunk's rows of a batch, copied. */
    private final Batch slice;
    /** Rows this chunk's buffers hold: chunkRows, or fewer in a model sharing weights for small batches. */
    private final int bufferRows;
    /**
     * The most rows a step takes (root; a chunk, its root's): the model's batch, or fewer for a model sharing weights
     * made for small batches ({@link #sharingWeights(int)}), which then has only the chunks they need.
     */
    private final int rowCapacity;
    /** Chunk c runs rows c·chunkRows ..; chunks[0] is this model (root only; filled by completeConstruction). */
    private final ChunkedModel[] chunks;
    /** Runs one chunk of the current step (root only), made once so that a step captures nothing. */
    private final WorkerPool.Task chunkTask;
    /** The root model: this, or the model whose chunk this is. */
    private final ChunkedModel root;
    /**
     * The state the step in progress starts from and ends in (root): a caller's ({@link #forwardFrom}), the
     * carried one of a stateful model in training ({@link #carriedState()}), or null (zero initial states).
     */
    private RnnState stepState;

    /** Rows of this chunk in the last forward pass. */
    private int rows;
    /** The step in progress trains (dropout masks apply), on this chunk. */
    private boolean training;
    /** Batch row of this chunk's row 0 in the last step. */
    private int firstRow;
    /** Valid (input, output) positions of the whole batch of the last step (see {@link #batchValidPositions()}). */
    private long batchValidPositions;
    private long batchValidTargetPositions;
    /** This chunk's share of the mean loss of the last step. */
    private double chunkLoss;
    /** Rows of the last batch (root). */
    private int batchRows;
    /** The batch of the step in progress (root). */
    private Batch stepBatch;
    /** FORWARD, EVALUATE or TRAIN (root). */
    private int stepMode;
    /**
     * This chunk's own scratch buffers, as {@link #scratchBuffers()} gave them once all chunks existed (null in a
     * class without scratch buffers); the chunk's fields may point at another chunk's while it runs on one thread.
     */
    private Object[] ownScratch;
    /** Threads that run chunks; null until a step needs more than one. */
    private WorkerPool pool;
    private int threads = 1;
    /** The optimizer's learning rate (root), the spec's until changed. */
    private double learningRate;

    /**
     * The root (chunk 0) when {@code root} is null, else another chunk of {@code root} sharing its
     * parameters and optimizer state.
     */
    protected ChunkedModel(ModelSettings settings, ChunkedModel root) {
        this(settings, root, null);
    }

    /**
     * Another chunk of {@code root} sharing its parameters and optimizer state when {@code root} is not null;
     * else a root (chunk 0) with parameters of its own when {@code source} is null, or reading {@code source}'s
     * parameters read-only, without gradients or optimizer state ({@link #sharingWeights()}).
     */
    protected ChunkedModel(ModelSettings settings, ChunkedModel root, ChunkedModel source) {
        this(settings, root, source, root != null ? root.rowCapacity : settings.info().maxBatch());
    }

    /**
     * As {@link #ChunkedModel(ModelSettings, ChunkedModel, ChunkedModel)} for a model whose steps run at most
     * {@code rows} rows: the model's batch, or fewer for a model sharing weights made for small batches
     * ({@link #newSibling(int)}); a chunk passes its root's {@link #stepRows()}. The subclass sizes its per-chunk
     * buffers for {@link #bufferRows()} rows and its chunk-0 step buffers for {@code rows}.
     */
    protected ChunkedModel(ModelSettings settings, ChunkedModel root, ChunkedModel source, int rows) {
        this.settings = settings;
        this.info = settings.info();
        this.chunkRows = settings.chunkRows();
        int expected = root != null ? root.rowCapacity : info.maxBatch();
        if (rows < 1 || rows > info.maxBatch() || rows != expected && (root != null || source == null)) {
            throw new IllegalArgumentException("steps of " + rows + " rows: a model owning its weights takes its batch ("
                    + info.maxBatch() + "), a chunk its root's (" + expected + ")");
        }
        this.rowCapacity = rows;
        this.bufferRows = Math.min(chunkRows, rows);
        boolean own = root == null;
        if (!own && source != null) {
            throw new IllegalArgumentException("a chunk shares its root's weights: pass a root or a source, not both");
        }
        if (source != null && source.settings != settings) {
            throw new IllegalArgumentException("model " + info.name() + " cannot share the weights of another model ("
                    + source.info.name() + ")");
        }
        this.readOnly = own ? source != null : root.readOnly;
        if (readOnly) {
            // (a view of a sharing model's view reads the same array)
            this.params = own ? source.params.readOnlyView("model " + info.name() + " shares the weights of another "
                    + "instance (sharingWeights()), read-only: change them on that instance, then call its parametersChanged()")
                    : root.params;
            this.grads = null;
            this.slot0 = null;
            this.slot1 = null;
            this.optimizer = null;
        } else if (own) {
            this.params = newStore();
            this.grads = newStore();
            this.slot0 = newStore();
            Optimizer.Kind kind = settings.optimizer().kind();
            boolean adam = kind != Optimizer.Kind.SGD; // adam and adamw keep PyTorch's two moment buffers
            this.slot1 = adam ? newStore() : null;
            this.optimizer = adam
                    ? new OptimizerState(kind.keyword(), List.of("exp_avg", "exp_avg_sq"), List.of(slot0, slot1))
                    : new OptimizerState("sgd", List.of("momentum_buffer"), List.of(slot0));
        } else {
            this.params = root.params;
            this.grads = newStore();
            this.slot0 = root.slot0;
            this.slot1 = root.slot1;
            this.optimizer = root.optimizer;
        }
        this.slice = Batch.forModel(info, bufferRows);
        this.chunks = own ? new ChunkedModel[settings.chunks()] : null;
        this.chunkTask = own ? this::runChunk : null;
        this.learningRate = settings.optimizer().lr();
        this.root = own ? this : root;
    }

    private TensorStore newStore() {
        return settings.float32() ? new FloatTensorStore(info.parameters()) : new DoubleTensorStore(info.parameters());
    }

    /**
     * Ends the public constructor, once the subclass's fields are set: makes the other chunks with
     * {@link #newChunk()}, initialises from the spec's seed and uses the default thread count.
     */
    protected final void completeConstruction() {
        if (chunks == null || chunks[0] != null) {
            throw new IllegalStateException("completeConstruction() is for the root model, once");
        }
        chunks[0] = this;
        for (int c = 1; c < usedChunks(); c++) {
            chunks[c] = newChunk();
        }
        for (int c = 0; c < usedChunks(); c++) {
            chunks[c].ownScratch = chunks[c].scratchBuffers();
        }
        if (!readOnly) {
            initialize(settings.seed());
        }
        setThreads(defaultThreads());
    }

    /**
     * A new model of this class that reads this model's weights in place, parameters and packed copies alike,
     * instead of holding copies: its own chunks, activation buffers, step state and thread setting (the
     * default), no gradients and no optimizer state. Any number of them may run at once, each from its own thread,
     * for inference ({@link #forward}, {@link #evaluate}, the step and generation APIs); the weights are in memory
     * once.
     *
     * <p>It refuses every change of the weights with an {@link IllegalStateException}: training
     * ({@link #computeGradients}, {@link #trainStep}, {@link #applyUpdate}), {@link #initialize}, writes through
     * {@link #parameters()} (a read-only view: {@code copyFrom}, {@code copyIn}, so loading a checkpoint),
     * {@link #parametersChanged()}, {@link #setLearningRate}; {@link #gradients()} and {@link #optimizerState()}
     * refuse too (it has neither).
     *
     * <p><b>If this model's weights change</b> (it trains, or loads a checkpoint, then calls its
     * {@link #parametersChanged()} as every change does), the models sharing them compute with the new weights
     * from their next call on. A change while one of them is in a call is a data race: that call may read some
     * old and some new weights. Change the weights only when no sharing model is running (rnnc-serve's
     * Predictor never changes them). Asked of a sharing model, this shares the same weights. A sharing model keeps
     * no reference to this model, only to its weights: this model may be dropped (a server that loads a checkpoint
     * into a model, makes the models that serve, and drops it keeps one copy of the weights and their buffers).
     *
     * @throws UnsupportedOperationException if the class was generated by an rnnc without this hook
     */
    public final ChunkedModel sharingWeights() {
        return sharingWeights(info.maxBatch());
    }

    /**
     * {@link #sharingWeights()} for batches of at most {@code maxRows} rows: it makes only the chunks those need
     * (one for {@code maxRows} up to {@link ModelSettings#chunkRows()}), each with buffers for at most
     * {@code maxRows} rows, so its memory is a fraction of a full model's; a larger batch (or step) is refused. The
     * generation API keeps its full width (beams of up to the model's batch): its buffers are few rows of one step.
     */
    public final ChunkedModel sharingWeights(int maxRows) {
        if (maxRows < 1 || maxRows > info.maxBatch()) {
            throw new IllegalArgumentException("a model sharing weights takes 1.." + info.maxBatch() + " rows, got " + maxRows);
        }
        if (chunks == null || chunks[0] != this) {
            throw new IllegalStateException("sharingWeights() of a chunk, or before completeConstruction()");
        }
        ChunkedModel sibling = newSibling(maxRows);
        if (sibling.getClass() != getClass() || !sibling.readOnly || !sibling.params.sharesDataWith(params)
                || sibling.rowCapacity != maxRows) {
            throw new IllegalStateException(getClass().getName() + ".newSibling() did not make a " + getClass().getSimpleName()
                    + " sharing its weights");
        }
        sibling.completeConstruction();
        return sibling;
    }

    /** Whether this model reads another's weights ({@link #sharingWeights()}), and so refuses to change them. */
    public final boolean sharesWeights() {
        return readOnly;
    }

    /** Rows this chunk's buffers hold, min(chunkRows, {@link #stepRows()}): the generated class sizes its per-chunk buffers by it. */
    protected final int bufferRows() {
        return bufferRows;
    }

    /** The most rows a step of this model (of its root, for a chunk) runs; the generated class passes it to its chunks. */
    protected final int stepRows() {
        return rowCapacity;
    }

    /** Chunks this root has: enough for {@link #rowCapacity} rows. */
    private int usedChunks() {
        return (rowCapacity + chunkRows - 1) / chunkRows;
    }

    private void checkOwnsWeights(String what) {
        if (readOnly) {
            throw new IllegalStateException(what + " of model " + info.name() + ", which shares the weights of another instance "
                    + "(sharingWeights()) read-only: it neither trains nor changes weights; do that on the instance that owns them");
        }
    }

    // ---- hooks of the generated class ----

    /** Another chunk of this (root) model: {@code return new MyModel(this, null, stepRows());}. */
    protected abstract ChunkedModel newChunk();

    /**
     * A root sharing this model's weights, not yet completed ({@link #sharingWeights()}), for steps of at most
     * {@code rows} rows: {@code return new MyModel(null, this, rows);}. The default refuses: a class generated
     * without the hook.
     */
    protected ChunkedModel newSibling(int rows) {
        throw new UnsupportedOperationException("model " + info.name() + " was generated without the constructor that shares "
                + "weights: regenerate it with this rnnc");
    }

    /**
     * This chunk's scratch buffers: the arrays a step writes before it reads them and nothing reads after the
     * step (gate blocks, per-step cell buffers, gradients through the recurrence, inputs), as opposed to what
     * outlives a step (the states, whose last slot {@link #chunkFinalStates} reads, the logits, the gradients).
     * The default: none (null).
     */
    protected Object[] scratchBuffers() {
        return null;
    }

    /**
     * Points this chunk's scratch buffer fields at {@code buffers} ({@link #scratchBuffers()} of this or another
     * chunk of the same root). On one thread every chunk of a step runs on chunk 0's, so a step cycles through one
     * chunk's activations rather than one per chunk (a batch of 256 in 32-row chunks would otherwise stream eight
     * chunks' worth, several times L2, through the caches every step). The default: nothing to do.
     */
    protected void useScratchBuffers(Object[] buffers) {
    }

    /** Copies (and checks) the inputs of the batch's first n rows into this chunk's input buffers. */
    protected abstract void loadInputs(Batch batch, int n);

    /** The forward pass of n rows, head included. */
    protected abstract void forwardPass(int n);

    /**
     * This chunk's share of the batch's mean loss (its rows' losses divided by the batch's count,
     * {@code batchRows} rows), checking the targets; with {@code backward}, also d loss / d logits.
     */
    protected abstract double loss(Batch batch, int n, int batchRows, boolean backward);

    /** Backpropagation through time of n rows from the loss: overwrites this chunk's gradients. */
    protected abstract void backwardPass(int n);

    /** This chunk's logits of the last forward pass into {@code dst} from {@code dstOffset}, {@code [rows, T_out, O]}. */
    protected abstract void chunkLogits(double[] dst, int dstOffset);

    /** This chunk's outputs after the head's activation, as {@link #chunkLogits}. */
    protected abstract void chunkOutputs(double[] dst, int dstOffset);

    /** This chunk's final states into rows {@code row0 ..} of the {@code [L, batchRows, H]} blocks (see {@link RnnModel#copyFinalStates}). */
    protected abstract void chunkFinalStates(double[] h, double[] c, int row0, int batchRows);

    /**
     * Whether the generated class honours per-sample lengths ({@link Batch#hasLengths()}). A model that does
     * not refuses a batch carrying lengths instead of reading its padding as data; the default is false.
     */
    protected boolean takesLengths() {
        return false;
    }

    /**
     * The state a stateful model ({@code sequence T MODE stateful}) carries from one training batch to the next:
     * training starts each batch row from it and leaves each row's final state in it. Null (the default) for
     * the others; evaluation and {@link #forward(Batch)} always start from zeros.
     */
    protected RnnState carriedState() {
        return null;
    }

    /**
     * The state the current step starts from, rows indexed by global batch row (see {@link #stepState}), or null
     * for zeros. The generated forward pass reads its rows into slot 0 and writes the final states back.
     */
    protected final RnnState stepState() {
        return root.stepState;
    }

    /** Forward of {@code batch} starting from rows 0..n-1 of {@code state}, which then holds the final states. */
    protected final void forwardFrom(Batch batch, RnnState state) {
        stepState = state;
        try {
            runChunks(batch, FORWARD);
        } finally {
            stepState = null;
        }
    }

    /**
     * Repacks the derived copies of the weights ({@link #packWeights()}), which this model's chunks and the models
     * sharing its weights read. Refused by a model sharing another's weights.
     */
    @Override
    public void parametersChanged() {
        checkOwnsWeights("parametersChanged()");
        packWeights();
    }

    /** Recomputes derived copies of the weights (packed matrices) from the parameters; the default has none. */
    protected void packWeights() {
    }

    // ---- for the generated class ----

    public final ModelSettings settings() {
        return settings;
    }

    /** The flat float32 parameters (shared by every chunk). */
    protected final float[] floatParameters() {
        return ((FloatTensorStore) params).data;
    }

    /** This chunk's flat float32 gradients (null in a model sharing another's weights: it has none). */
    protected final float[] floatGradients() {
        return grads == null ? null : ((FloatTensorStore) grads).data;
    }

    protected final double[] doubleParameters() {
        return ((DoubleTensorStore) params).data;
    }

    protected final double[] doubleGradients() {
        return grads == null ? null : ((DoubleTensorStore) grads).data;
    }

    /** Rows of this chunk in the last forward pass. */
    protected final int rows() {
        return rows;
    }

    /**
     * The batch row of this chunk's row 0 in the current step: global row = firstRow() + chunk row. Dropout
     * masks are keyed by the global row so that they do not depend on the chunking.
     */
    protected final int firstRow() {
        return firstRow;
    }

    /** The current step trains ({@link #computeGradients}): dropout applies; evaluation and forward run without. */
    protected final boolean training() {
        return training;
    }

    /**
     * Valid (input) positions of the whole batch of the current step: the sum of its lengths (rows times T
     * without lengths). The masked mean loss over valid positions divides by this (many_to_many), as
     * {@link #loss}'s {@code batchRows} divides the per-row mean.
     */
    protected final long batchValidPositions() {
        return batchValidPositions;
    }

    /** Valid output positions of the whole batch of the current step (seq2seq's and one_to_many's masked mean). */
    protected final long batchValidTargetPositions() {
        return batchValidTargetPositions;
    }

    /** Chunks of a full batch (CHUNKS). */
    protected final int chunkCount() {
        return settings.chunks();
    }

    // ---- RnnModel ----

    @Override
    public ModelInfo info() {
        return info;
    }

    /** The generated class's {@link #takesLengths()}, for callers (the protected hook is the generated code's). */
    @Override
    public final boolean acceptsLengths() {
        return takesLengths();
    }

    @Override
    public TensorStore parameters() {
        return params;
    }

    @Override
    public TensorStore gradients() {
        checkOwnsWeights("gradients()");
        return grads;
    }

    @Override
    public OptimizerState optimizerState() {
        checkOwnsWeights("optimizerState()");
        return optimizer;
    }

    /** PyTorch's default initialisation, tensor after tensor as {@link ModelSettings#init()} lists them. */
    @Override
    public void initialize(long seed) {
        checkOwnsWeights("initialize()");
        Rng rng = new Rng(seed);
        for (TensorInit t : settings.init()) {
            t.draw(params, rng);
        }
        optimizer.reset();
        parametersChanged();
    }

    @Override
    public double computeGradients(Batch batch) {
        checkOwnsWeights("training (computeGradients, trainStep)");
        int k;
        stepState = carriedState();
        try {
            k = runChunks(batch, TRAIN);
        } finally {
            stepState = null;
        }
        // Sum the chunks' gradients in chunk order: the same bits on any number of threads
        for (int c = 1; c < k; c++) {
            grads.addFrom(chunks[c].grads);
        }
        return chunkLosses(k);
    }

    @Override
    public double evaluate(Batch batch) {
        return chunkLosses(runChunks(batch, EVALUATE));
    }

    @Override
    public void forward(Batch batch) {
        runChunks(batch, FORWARD);
    }

    private double chunkLosses(int k) {
        double loss = 0;
        for (int c = 0; c < k; c++) {
            loss += chunks[c].chunkLoss;
        }
        return loss;
    }

    /** Runs the step on every chunk of the batch, on the pool's threads; returns the chunk count. */
    private int runChunks(Batch batch, int mode) {
        if (chunks == null || chunks[0] == null) {
            throw new IllegalStateException("a step on a chunk, or before completeConstruction()");
        }
        int n = checkBatch(batch);
        int k = (n + chunkRows - 1) / chunkRows;
        batchRows = n;
        stepBatch = batch;
        stepMode = mode;
        try {
            if (threads > 1 && k > 1 && pool == null) {
                // Started on the first step that can use it; closed when this model is dropped
                pool = new WorkerPool(threads, this);
            }
            if (threads == 1 || k == 1) {
                for (int c = 0; c < k; c++) {
                    // One after another: all on chunk 0's scratch buffers, which stay in cache from chunk to chunk
                    runChunk(c, 0);
                }
            } else {
                pool.run(k, chunkTask);
            }
        } finally {
            stepBatch = null;
        }
        return k;
    }

    /**
     * Chunk c on the pool's thread {@code thread}, on that thread's scratch buffers (chunk {@code thread}'s own):
     * the chunks one thread runs follow one another on one set, which stays in its core's caches. There is a
     * chunk for every thread ({@link #setThreads} uses no more threads than chunks).
     */
    private void runChunk(int c, int thread) {
        Object[] scratch = chunks[thread].ownScratch;
        int row0 = c * chunkRows;
        if (scratch != null) {
            chunks[c].useScratchBuffers(scratch);
        }
        chunks[c].chunkStep(stepBatch, row0, Math.min(chunkRows, batchRows - row0), batchRows,
                stepBatch.validPositions(0, batchRows), stepBatch.validTargetPositions(0, batchRows), stepMode);
    }

    /**
     * One chunk of a step whose batch is split across machines (rnnc-spark): forward, loss and backward of
     * {@code rows} (at most one chunk, without per-sample lengths), which are rows {@code row0 ..} of a batch of
     * {@code batchRows}. Overwrites {@link #gradients()} with this chunk's gradients alone and returns its share
     * of the batch's mean loss; adding the chunks' gradients and losses in chunk order, as
     * {@link #computeGradients} does, gives that batch's step bit for bit.
     */
    public final double computeChunkGradients(Batch rows, int row0, int batchRows) {
        checkOwnsWeights("training (computeChunkGradients)");
        if (chunks == null || chunks[0] != this) {
            throw new IllegalStateException("a chunk step on a chunk, or before completeConstruction()");
        }
        int n = rows.size();
        if (batchRows < 1 || batchRows > info.maxBatch() || row0 < 0 || row0 % chunkRows != 0 || n > chunkRows
                || row0 + n > batchRows) {
            throw new IllegalArgumentException(n + " rows at row " + row0 + " are not one chunk (" + chunkRows
                    + " rows, starting at a multiple of it) of a batch of " + batchRows + " (at most " + info.maxBatch() + ")");
        }
        if (rows.hasLengths()) {
            // A masked mean divides by the whole batch's valid positions, which one chunk does not know
            throw new IllegalArgumentException("a chunk step does not take per-sample lengths without the whole batch's "
                    + "valid positions (the overload that takes them)");
        }
        chunkStep(rows, row0, n, batchRows, (long) Batch.maxLengthOf(info) * batchRows,
                (long) Batch.maxTargetLengthOf(info) * batchRows, TRAIN);
        return chunkLoss;
    }

    /**
     * {@link #computeChunkGradients(Batch, int, int)} for rows that may carry per-sample lengths: the whole batch's
     * {@code validPositions} and {@code validTargetPositions} ({@link Batch#validPositions}, {@link
     * Batch#validTargetPositions} over all its rows) are what a masked mean divides by, so the caller, who has seen
     * the whole batch, passes them.
     */
    public final double computeChunkGradients(Batch rows, int row0, int batchRows, long validPositions, long validTargetPositions) {
        if (!rows.hasLengths()) {
            return computeChunkGradients(rows, row0, batchRows);
        }
        checkOwnsWeights("training (computeChunkGradients)");
        if (chunks == null || chunks[0] != this) {
            throw new IllegalStateException("a chunk step on a chunk, or before completeConstruction()");
        }
        int n = rows.size();
        if (batchRows < 1 || batchRows > info.maxBatch() || row0 < 0 || row0 % chunkRows != 0 || n > chunkRows
                || row0 + n > batchRows || validPositions < 0 || validTargetPositions < 0) {
            throw new IllegalArgumentException(n + " rows at row " + row0 + " are not one chunk (" + chunkRows
                    + " rows, starting at a multiple of it) of a batch of " + batchRows + " (at most " + info.maxBatch()
                    + "), or the valid positions " + validPositions + ", " + validTargetPositions + " are negative");
        }
        checkBatch(rows);
        chunkStep(rows, row0, n, batchRows, validPositions, validTargetPositions, TRAIN);
        return chunkLoss;
    }

    /**
     * Forward (and loss, and backward) of rows {@code row0 .. row0 + n} of a batch of {@code total} rows that has
     * {@code validPositions} and {@code validTargetPositions} valid positions.
     */
    private void chunkStep(Batch batch, int row0, int n, int total, long validPositions, long validTargetPositions, int mode) {
        Batch b = batch;
        if (batch.size() != n) {
            slice.copyRowsFrom(batch, row0, n);
            b = slice;
        }
        rows = n;
        firstRow = row0;
        training = mode == TRAIN;
        batchValidPositions = validPositions;
        batchValidTargetPositions = validTargetPositions;
        loadInputs(b, n);
        forwardPass(n);
        if (mode != FORWARD) {
            chunkLoss = loss(b, n, total, mode == TRAIN);
        }
        if (mode == TRAIN) {
            backwardPass(n);
        }
    }

    private int checkBatch(Batch batch) {
        int n = batch.size();
        if (n > rowCapacity) {
            throw new IllegalArgumentException("batch of " + n + " samples is larger than the model's batch " + rowCapacity
                    + (rowCapacity < info.maxBatch() ? " (an instance sharing weights, made for at most " + rowCapacity + " rows)" : ""));
        }
        if (batch.hasLengths()) {
            if (!takesLengths()) {
                throw new IllegalArgumentException("model " + info.name() + " does not take per-sample lengths: "
                        + "clear them (Batch.clearLengths) to train on every position, or use a model generated with lengths");
            }
            // On the whole batch, so that a message names the user's row, not a chunk's
            batch.checkLengths(Batch.maxLengthOf(info), Batch.maxTargetLengthOf(info));
        }
        return n;
    }

    @Override
    public void copyLogits(double[] dst) {
        int per = chunkRows * info.logitsPerSample();
        for (int c = 0; c * chunkRows < batchRows; c++) {
            chunks[c].chunkLogits(dst, c * per);
        }
    }

    /** Head outputs after its activation, {@code [n, T_out, O]}. */
    @Override
    public void copyOutputs(double[] dst) {
        int per = chunkRows * info.logitsPerSample();
        for (int c = 0; c * chunkRows < batchRows; c++) {
            chunks[c].chunkOutputs(dst, c * per);
        }
    }

    @Override
    public void copyFinalStates(double[] h, double[] c) {
        for (int k = 0; k * chunkRows < batchRows; k++) {
            chunks[k].chunkFinalStates(h, c, k * chunkRows, batchRows);
        }
    }

    @Override
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        // More threads than chunks would idle
        int use = Math.min(threads, usedChunks());
        if (pool != null && pool.threads() != use) {
            pool.close();
            pool = null;
        }
        this.threads = use;
    }

    @Override
    public int threads() {
        return threads;
    }

    /** The learning rate the next {@link #applyUpdate()} uses. */
    public final double learningRate() {
        return learningRate;
    }

    /** Changes the learning rate from the next update on (schedules); the spec's is the initial one. */
    public final void setLearningRate(double lr) {
        checkOwnsWeights("setLearningRate()");
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
        this.learningRate = lr;
    }

    /** The processors this JVM may use, at most one per chunk of a full batch. */
    private int defaultThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), usedChunks()));
    }

    /** Clipping as the settings say, then one optimizer step, the step count, and {@link #parametersChanged()}. */
    @Override
    public double applyUpdate() {
        checkOwnsWeights("applyUpdate()");
        long step = optimizer.step() + 1;
        optimizer.setStep(step);
        double norm = params instanceof FloatTensorStore ? updateFloat(step) : updateDouble(step);
        parametersChanged();
        return norm;
    }

    private double updateFloat(long step) {
        float[] w = floatParameters();
        float[] dw = floatGradients();
        int n = w.length;
        Clip clip = settings.clip();
        double norm = clip.kind() == Clip.Kind.NORM ? Clipping.byNorm(dw, n, clip.limit()) : Clipping.norm(dw, n);
        if (clip.kind() == Clip.Kind.VALUE) {
            Clipping.byValue(dw, n, clip.limit());
        }
        Optimizer o = settings.optimizer();
        float[] m = ((FloatTensorStore) slot0).data;
        if (o.kind() == Optimizer.Kind.ADAM) {
            Adam.step(w, dw, m, ((FloatTensorStore) slot1).data, n, step, learningRate, o.beta1(), o.beta2(), o.eps(), o.weightDecay());
        } else if (o.kind() == Optimizer.Kind.ADAMW) {
            Adam.stepDecoupled(w, dw, m, ((FloatTensorStore) slot1).data, n, step, learningRate, o.beta1(), o.beta2(), o.eps(),
                    o.weightDecay());
        } else {
            Sgd.step(w, dw, m, n, step, learningRate, o.momentum(), o.weightDecay());
        }
        return norm;
    }

    private double updateDouble(long step) {
        double[] w = doubleParameters();
        double[] dw = doubleGradients();
        int n = w.length;
        Clip clip = settings.clip();
        double norm = clip.kind() == Clip.Kind.NORM ? Clipping.byNorm(dw, n, clip.limit()) : Clipping.norm(dw, n);
        if (clip.kind() == Clip.Kind.VALUE) {
            Clipping.byValue(dw, n, clip.limit());
        }
        Optimizer o = settings.optimizer();
        double[] m = ((DoubleTensorStore) slot0).data;
        if (o.kind() == Optimizer.Kind.ADAM) {
            Adam.step(w, dw, m, ((DoubleTensorStore) slot1).data, n, step, learningRate, o.beta1(), o.beta2(), o.eps(), o.weightDecay());
        } else if (o.kind() == Optimizer.Kind.ADAMW) {
            Adam.stepDecoupled(w, dw, m, ((DoubleTensorStore) slot1).data, n, step, learningRate, o.beta1(), o.beta2(), o.eps(),
                    o.weightDecay());
        } else {
            Sgd.step(w, dw, m, n, step, learningRate, o.momentum(), o.weightDecay());
        }
        return norm;
    }
}
