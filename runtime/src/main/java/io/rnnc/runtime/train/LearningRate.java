package io.rnnc.runtime.train;

import java.util.Locale;

/**
 * A learning-rate schedule, PyTorch's meanings, applied per optimizer step through
 * {@code ChunkedModel.setLearningRate} (one field write: the step itself is unchanged, nothing is regenerated):
 * <ul>
 *   <li>{@code constant}: the base rate;</li>
 *   <li>{@code step}: {@code StepLR(step_size=every, gamma)}: the base times {@code gamma^(epoch / every)};</li>
 *   <li>{@code cosine}: {@code CosineAnnealingLR(T_max = the steps after warm-up, eta_min = 0)}, per step;</li>
 *   <li>{@code plateau}: {@code ReduceLROnPlateau(factor=gamma, patience)} on the validation loss, per epoch.</li>
 * </ul>
 * A warm-up of W steps scales the rate by {@code (s + 1) / W} for global steps {@code s < W} (PyTorch's {@code LinearLR}
 * from {@code 1/W}), before any schedule.
 *
 * @param kind     the schedule
 * @param base     the base rate (the spec's {@code lr}, or {@code --lr})
 * @param warmup   warm-up steps (0: none)
 * @param every    epochs between two decays of {@code step}
 * @param gamma    the decay factor of {@code step} and {@code plateau}, in (0, 1)
 * @param patience epochs without a better validation loss before {@code plateau} decays
 */
public record LearningRate(Kind kind, double base, int warmup, int every, double gamma, int patience) {

    /** The schedules. */
    public enum Kind {
        CONSTANT, STEP, COSINE, PLATEAU;

        /** {@code constant | step | cosine | plateau}. */
        public static Kind parse(String word) {
            for (Kind k : values()) {
                if (k.word().equals(word.strip().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown learning-rate schedule '" + word + "'; the schedules are constant, step, cosine, plateau");
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LearningRate {
        if (!(base >= 0) || Double.isInfinite(base)) {
            throw new IllegalArgumentException("the learning rate must be a finite number >= 0, got " + base);
        }
        if (warmup < 0 || every < 1 || patience < 0 || !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("warm-up >= 0, every >= 1, patience >= 0 and gamma in (0, 1] expected: "
                    + warmup + ", " + every + ", " + patience + ", " + gamma);
        }
    }

    /** The base rate all the way. */
    public static LearningRate constant(double base) {
        return new LearningRate(Kind.CONSTANT, base, 0, 1, 1, 0);
    }

    /**
     * The rate of a step.
     *
     * @param globalStep  optimizer steps taken before this one (0 for the first)
     * @param epoch       the epoch this step belongs to, 0-based
     * @param totalSteps  steps of the whole run (for cosine)
     * @param plateauScale the factor {@code plateau} has decayed to so far (1 at the start)
     */
    public double at(long globalStep, int epoch, long totalSteps, double plateauScale) {
        double lr = switch (kind) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(gamma, epoch / every);
            case COSINE -> {
                long span = Math.max(1, totalSteps - warmup);
                long s = Math.max(0, Math.min(span, globalStep - warmup));
                yield base * 0.5 * (1 + Math.cos(Math.PI * s / span));
            }
            case PLATEAU -> base * plateauScale;
        };
        if (globalStep < warmup) {
            lr *= (globalStep + 1.0) / warmup;
        }
        return lr;
    }

    /** The schedule changes the rate at some point (else the model's own rate is left alone). */
    public boolean varies() {
        return kind != Kind.CONSTANT || warmup > 0;
    }

    /** The schedule as one line a checkpoint keeps ({@code rnnc.extra.lr_schedule}): kind,base,warmup,every,gamma,patience. */
    public String toSpec() {
        return kind.word() + "," + base + "," + warmup + "," + every + "," + gamma + "," + patience;
    }

    /** Reads {@link #toSpec}. */
    public static LearningRate parseSpec(String spec) {
        String[] f = spec.split(",");
        if (f.length != 6) {
            throw new IllegalArgumentException("a learning-rate schedule has 6 fields, got '" + spec + "'");
        }
        return new LearningRate(Kind.parse(f[0]), Double.parseDouble(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                Double.parseDouble(f[4]), Integer.parseInt(f[5]));
    }

    @Override
    public String toString() {
        String s = switch (kind) {
            case CONSTANT -> "lr " + number(base);
            case STEP -> "lr " + number(base) + ", x" + number(gamma) + " every " + every + " epoch" + (every == 1 ? "" : "s");
            case COSINE -> "lr " + number(base) + ", cosine to 0";
            case PLATEAU -> "lr " + number(base) + ", x" + number(gamma) + " after " + patience + " epoch" + (patience == 1 ? "" : "s")
                    + " without a better validation loss";
        };
        return warmup > 0 ? s + ", warm-up " + warmup + " steps" : s;
    }

    /** 0.5, 0.0001, 2: the shortest plain form. */
    private static String number(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
