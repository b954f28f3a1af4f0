package io.rnnc.runtime.data;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.io.RnncIoException;

import java.util.Arrays;

/**
 * The shape of one sample of a {@link Dataset}: inputs are float features or token ids, targets
 * are class ids or floats.
 *
 * @param tokenInputs  inputs are token ids ({@code Batch.tokens}) rather than features ({@code Batch.features})
 * @param inputShape   per-sample input shape, e.g. {@code [28, 28]} (T steps of I features) or {@code [T]} tokens
 * @param vocab        token ids an input may hold, reserved ids included ({@link Vocabulary#size()}; 0 for features)
 * @param classTargets targets are class ids ({@code Batch.classes}) rather than floats ({@code Batch.targets})
 * @param targetShape  per-sample target shape, e.g. {@code [1]} (one class) or {@code [T]} or {@code [H, O]}
 * @param classes      number of distinct classes a target may hold (0 for float targets)
 * @param description  what the data is, for messages ({@code "MNIST images"})
 */
public record SampleLayout(boolean tokenInputs, int[] inputShape, int vocab, boolean classTargets, int[] targetShape,
                           int classes, String description) {

    public SampleLayout {
        inputShape = inputShape.clone();
        targetShape = targetShape.clone();
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] targetShape() {
        return targetShape.clone();
    }

    /** Input values per sample. */
    public int inputValues() {
        return product(inputShape);
    }

    /** Target values per sample. */
    public int targetValues() {
        return product(targetShape);
    }

    /**
     * Checks that a model can train on these samples.
     *
     * @throws RnncIoException saying what the data gives and what the model expects
     */
    public void checkFits(ModelInfo model) {
        StringBuilder problems = new StringBuilder();
        String expectedIn = model.tokenInputs()
                ? model.inputValuesPerSample() + " token ids"
                : model.inputValuesPerSample() + " features (" + model.inputSteps() + " steps of " + model.inputSize() + ")";
        if (tokenInputs != model.tokenInputs() || inputValues() != model.inputValuesPerSample()) {
            problems.append("\n  inputs: the data gives ").append(tokenInputs ? "token ids " : "features ")
                    .append(Arrays.toString(inputShape)).append(", the model expects ").append(expectedIn);
        } else if (tokenInputs && vocab > model.vocab()) {
            problems.append("\n  inputs: the data uses ").append(vocab).append(" token ids (reserved ids included): write `input tokens ")
                    .append(vocab).append("` or more (the model has ").append(model.vocab()).append(")");
        }
        if (classTargets != model.classTargets() || targetValues() != model.targetValuesPerSample()) {
            problems.append("\n  targets: the data gives ").append(classTargets ? "class ids " : "values ")
                    .append(Arrays.toString(targetShape)).append(", the model (").append(model.loss()).append(") expects ")
                    .append(model.targetValuesPerSample()).append(model.classTargets() ? " class ids" : " values");
        } else if (classTargets && classes > model.outputs()) {
            problems.append("\n  targets: the data has ").append(classes).append(" classes: write `dense ").append(classes)
                    .append(" softmax` or more (the model outputs ").append(model.outputs()).append(")");
        }
        if (problems.length() > 0) {
            throw new RnncIoException(description + " do not fit model " + model.name() + ":" + problems);
        }
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
