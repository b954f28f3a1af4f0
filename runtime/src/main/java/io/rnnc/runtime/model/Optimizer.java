package io.rnnc.runtime.model;

/**
 * The optimizer of a {@link ChunkedModel} and its hyperparameters, PyTorch's meanings: Adam (amsgrad off,
 * eps outside the square root), AdamW (the same with decoupled weight decay) or SGD (dampening 0, no Nesterov;
 * momentum 0 means plain SGD). Adam's and SGD's weight decay is the L2 form, added to the clipped gradient. The learning rate is the spec's; a model can change
 * it between steps ({@link ChunkedModel#setLearningRate}).
 *
 * @param kind        which optimizer
 * @param lr          learning rate
 * @param beta1       Adam's beta1 (SGD: unused)
 * @param beta2       Adam's beta2 (SGD: unused)
 * @param eps         Adam's eps (SGD: unused)
 * @param momentum    SGD's momentum (Adam: unused)
 * @param weightDecay L2 weight decay
 */
public record Optimizer(Kind kind, double lr, double beta1, double beta2, double eps, double momentum,
                        double weightDecay) {

    /** The optimizers, named as {@link io.rnnc.runtime.ModelInfo#optimizer()} and checkpoints spell them. */
    public enum Kind {
        ADAM("adam"), SGD("sgd"), ADAMW("adamw");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    public static Optimizer adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Optimizer(Kind.ADAM, lr, beta1, beta2, eps, 0, weightDecay);
    }

    /** AdamW: Adam with PyTorch's decoupled weight decay ({@code p *= 1 - lr * weight_decay} before the step). */
    public static Optimizer adamw(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Optimizer(Kind.ADAMW, lr, beta1, beta2, eps, 0, weightDecay);
    }

    public static Optimizer sgd(double lr, double momentum, double weightDecay) {
        return new Optimizer(Kind.SGD, lr, 0, 0, 0, momentum, weightDecay);
    }
}
