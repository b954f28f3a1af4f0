package io.rnnc.runtime.train;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link Trainer} reports while it runs, for a front end to render (a progress bar on a
 * terminal, periodic lines otherwise, a chart at the end). Epoch and step numbers in events are
 * 1-based, as a person counts them. Every method has an empty default. Called on the training thread;
 * a slow listener slows training, so render at most a few times per second.
 */
public interface TrainingListener {

    /** Before the first step. {@code firstEpoch} > 1 when a run resumes. */
    record Start(int firstEpoch, int epochs, int stepsPerEpoch, int batchSize, int trainSamples, int validationSamples,
                 long seed, Path resumedFrom) {
    }

    /**
     * After each optimizer step.
     *
     * @param loss             this batch's mean loss (before the update)
     * @param samplesPerSecond training throughput in this epoch so far
     * @param etaSeconds       estimated time to the end of the run at that throughput (evaluation excluded)
     */
    record Step(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, double loss, double samplesPerSecond,
                double etaSeconds) {
    }

    /**
     * After each epoch's evaluation and checkpoint.
     *
     * @param trainLoss          mean training loss over the epoch's samples
     * @param validationLoss     mean loss on the held-out data, NaN without validation data
     * @param validationAccuracy share of arg-max predictions equal to the class targets, NaN without
     *                           validation data or without class targets
     * @param seconds            wall time of the epoch, evaluation and checkpoint included
     * @param checkpoint         the file written, or null
     * @param metrics            the task's measures on the validation data ({@link Metrics}), empty if none
     * @param learningRate       the rate of the epoch's last step, NaN if the trainer left the model's own
     * @param best               the validation loss is the best so far
     */
    record EpochEnd(int epoch, int epochs, long globalStep, double trainLoss, double validationLoss,
                    double validationAccuracy, double seconds, double samplesPerSecond, Path checkpoint,
                    Map<String, Double> metrics, double learningRate, boolean best) {
        public EpochEnd {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        public EpochEnd(int epoch, int epochs, long globalStep, double trainLoss, double validationLoss,
                        double validationAccuracy, double seconds, double samplesPerSecond, Path checkpoint) {
            this(epoch, epochs, globalStep, trainLoss, validationLoss, validationAccuracy, seconds, samplesPerSecond, checkpoint,
                    Map.of(), Double.NaN, false);
        }
    }

    /**
     * The run stopped early because the loss or the gradient norm stopped being finite.
     *
     * @param reason         e.g. {@code "loss is NaN"}
     * @param lastCheckpoint the last good checkpoint, left untouched, or null if none was written
     * @param lastGoodEpoch  epochs completed in that checkpoint (0 if none)
     */
    record Stopped(int epoch, int step, long globalStep, String reason, Path lastCheckpoint, int lastGoodEpoch) {
        /** {@code loss is NaN at epoch 3, step 117 (step 2341 overall); last good checkpoint: run.safetensors (epoch 2)} */
        public String message() {
            return reason + " at epoch " + epoch + ", step " + step + " (step " + globalStep + " overall); "
                    + (lastCheckpoint == null ? "no checkpoint was written"
                    : "last good checkpoint: " + lastCheckpoint + " (epoch " + lastGoodEpoch + "), left unchanged");
        }
    }

    default void started(Start event) {
    }

    default void step(Step event) {
    }

    default void epochEnded(EpochEnd event) {
    }

    default void stopped(Stopped event) {
    }
}
