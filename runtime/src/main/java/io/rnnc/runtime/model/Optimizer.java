package io.rnnc.runtime.model;

/**
 * The optimizer of a {@link ChunkedModel} and its hyperparameters, PyTorch's meanings: Adam (amsgrad off,
 * eps outside the square root) or SGD (dampening 0, no Nesterov; momentum 0 means plain SGD). Weight
 * decay is the L2 form, added to the clipped gradient.
 *
 * @param adam        Adam if true, else SGD
 * @param lr          learning rate
 * @param beta1       Adam's beta1 (SGD: unused)
 * @param beta2       Adam's beta2 (SGD: unused)
 * @param eps         Adam's eps (SGD: unused)
 * @param momentum    SGD's momentum (Adam: unused)
 * @param weightDecay L2 weight decay
 */
public record Optimizer(boolean adam, double lr, double beta1, double beta2, double eps, double momentum,
                        double weightDecay) {

    public static Optimizer adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Optimizer(true, lr, beta1, beta2, eps, 0, weightDecay);
    }

    public static Optimizer sgd(double lr, double momentum, double weightDecay) {
        return new Optimizer(false, lr, 0, 0, 0, momentum, weightDecay);
    }

    /** {@code adam} or {@code sgd}, as {@link io.rnnc.runtime.ModelInfo#optimizer()} and checkpoints spell it. */
    public String kind() {
        return adam ? "adam" : "sgd";
    }
}
