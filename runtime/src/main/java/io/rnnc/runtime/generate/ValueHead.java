package io.rnnc.runtime.generate;

/** The head activations whose outputs are fed back as values in one_to_many generation. */
public enum ValueHead {
    SIGMOID, TANH, LINEAR;

    /** The activation of logit z, in double as training's outputs. */
    public double apply(double z) {
        return switch (this) {
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
            case LINEAR -> z;
        };
    }
}
