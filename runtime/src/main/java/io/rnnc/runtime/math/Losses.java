package io.rnnc.runtime.math;

/**
 * Loss functions of the output head with their gradients, as PyTorch computes them with its default
 * mean reduction; generated classes call them once per output step. Each works on {@code rows}
 * positions of {@code cols} logits, position r at {@code zOff + r*zStride} (one call covers the n rows
 * of one time step of the time-major [T_OUT, n, O] logits), and each:
 * <ul>
 *   <li>returns {@code total} plus the per-position losses (cross-entropy) or per-element losses
 *       (MSE, BCE), added one by one in position order: a caller passing its running total gets
 *       exactly the sum of one fused loop over all steps. The caller multiplies by 1/K of the mean
 *       (positions for cross-entropy, elements for MSE and BCE) once it has covered all of them;</li>
 *   <li>writes, if {@code grad} is not null, {@code scale · d(loss)/d logits} at the same positions
 *       of {@code grad} (offset {@code gOff}, row stride {@code gStride}); pass {@code scale = 1/K}
 *       to get the gradient of the mean loss, which is what backpropagation needs. Overwrites.</li>
 * </ul>
 * Each position is computed in double and its gradient rounded once. The operation order is part of
 * the contract: these loops were inlined in generated code before, and its results are kept bit for bit.
 */
public final class Losses {

    private Losses() {
    }

    /**
     * Cross-entropy of logits against class ids, with a fused, stable log-softmax:
     * {@code loss_r = logsumexp(z_r) − z_r[y_r]}, gradient {@code scale·(softmax(z_r) − onehot(y_r))}.
     * Class ids of position r are read at {@code classes[cOff + r*cStride]}.
     *
     * @param step     time step of these positions, named by the message of a bad class id
     * @param firstRow batch row of position 0 (position r is row {@code firstRow + r}), for that message
     * @throws IllegalArgumentException if a class id is outside {@code 0..cols-1}
     */
    public static double crossEntropy(double total, float[] z, int zOff, int rows, int cols, int zStride,
                                      int[] classes, int cOff, int cStride, float[] grad, int gOff, int gStride,
                                      double scale, int step, int firstRow) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int y = classOf(classes, cOff + r * cStride, cols, step, firstRow + r);
            double max = z[o];
            for (int j = 1; j < cols; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            double lse = max + Math.log(sum);
            total += lse - z[o + y];
            if (grad != null) {
                int g = gOff + r * gStride;
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(z[o + j] - lse) - (j == y ? 1 : 0);
                    grad[g + j] = (float) (p * scale);
                }
            }
        }
        return total;
    }

    public static double crossEntropy(double total, double[] z, int zOff, int rows, int cols, int zStride,
                                      int[] classes, int cOff, int cStride, double[] grad, int gOff, int gStride,
                                      double scale, int step, int firstRow) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int y = classOf(classes, cOff + r * cStride, cols, step, firstRow + r);
            double max = z[o];
            for (int j = 1; j < cols; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            double lse = max + Math.log(sum);
            total += lse - z[o + y];
            if (grad != null) {
                int g = gOff + r * gStride;
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(z[o + j] - lse) - (j == y ? 1 : 0);
                    grad[g + j] = (p * scale);
                }
            }
        }
        return total;
    }

    /**
     * Squared error {@code (a − y)²} of a linear head ({@code a = z}, the logits) summed over all elements;
     * gradient {@code scale·2(a − y)}. Targets of position r at {@code y[yOff + r*yStride ..]}.
     */
    public static double mse(double total, float[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, float[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                double a = zj;
                double diff = a - target;
                total += diff * diff;
                if (grad != null) {
                    grad[g + j] = (float) (2 * diff * scale);
                }
            }
        }
        return total;
    }

    public static double mse(double total, double[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, double[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                double a = zj;
                double diff = a - target;
                total += diff * diff;
                if (grad != null) {
                    grad[g + j] = (2 * diff * scale);
                }
            }
        }
        return total;
    }

    /**
     * Squared error {@code (a − y)²} of a sigmoid head ({@code a = sigmoid(z)}) summed over all elements;
     * gradient through the sigmoid, {@code scale·2(a − y)·da/dz}. Targets of position r at {@code y[yOff + r*yStride ..]}.
     */
    public static double mseSigmoid(double total, float[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, float[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                double a = 1 / (1 + Math.exp(-zj));
                double diff = a - target;
                total += diff * diff;
                if (grad != null) {
                    grad[g + j] = (float) (2 * diff * scale * a * (1 - a));
                }
            }
        }
        return total;
    }

    public static double mseSigmoid(double total, double[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, double[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                double a = 1 / (1 + Math.exp(-zj));
                double diff = a - target;
                total += diff * diff;
                if (grad != null) {
                    grad[g + j] = (2 * diff * scale * a * (1 - a));
                }
            }
        }
        return total;
    }

    /**
     * Squared error {@code (a − y)²} of a tanh head ({@code a = tanh(z)}) summed over all elements;
     * gradient through the tanh, {@code scale·2(a − y)·da/dz}. Targets of position r at {@code y[yOff + r*yStride ..]}.
     */
    public static double mseTanh(double total, float[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, float[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                double a = Math.tanh(zj);
                double diff = a - target;
                total += diff * diff;
                if (grad != null) {
                    grad[g + j] = (float) (2 * diff * scale * (1 - a * a));
                }
            }
        }
        return total;
    }

    public static double mseTanh(double total, double[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, double[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                double a = Math.tanh(zj);
                double diff = a - target;
                total += diff * diff;
                if (grad != null) {
                    grad[g + j] = (2 * diff * scale * (1 - a * a));
                }
            }
        }
        return total;
    }

    /**
     * Squared error of the softmax probabilities {@code a = softmax(z)} against targets, summed over all
     * elements, as Keras computes {@code mse} on a softmax layer; gradient through the softmax
     * {@code d/dz_j = a_j (g_j − Σ_k g_k a_k)} with {@code g = scale·2(a − y)}.
     */
    public static double mseSoftmax(double total, float[] z, int zOff, int rows, int cols, int zStride,
                                    double[] y, int yOff, int yStride, float[] grad, int gOff, int gStride,
                                    double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            double max = z[o];
            for (int j = 1; j < cols; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                double a = Math.exp(z[o + j] - max) / sum;
                double diff = a - y[yo + j];
                total += diff * diff;
                dot += 2 * diff * scale * a;
            }
            if (grad != null) {
                int g = gOff + r * gStride;
                for (int j = 0; j < cols; j++) {
                    double a = Math.exp(z[o + j] - max) / sum;
                    grad[g + j] = (float) (a * (2 * (a - y[yo + j]) * scale - dot));
                }
            }
        }
        return total;
    }

    public static double mseSoftmax(double total, double[] z, int zOff, int rows, int cols, int zStride,
                                    double[] y, int yOff, int yStride, double[] grad, int gOff, int gStride,
                                    double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            double max = z[o];
            for (int j = 1; j < cols; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                double a = Math.exp(z[o + j] - max) / sum;
                double diff = a - y[yo + j];
                total += diff * diff;
                dot += 2 * diff * scale * a;
            }
            if (grad != null) {
                int g = gOff + r * gStride;
                for (int j = 0; j < cols; j++) {
                    double a = Math.exp(z[o + j] - max) / sum;
                    grad[g + j] = (a * (2 * (a - y[yo + j]) * scale - dot));
                }
            }
        }
        return total;
    }

    /**
     * Binary cross-entropy on logits ({@code binary_cross_entropy_with_logits}), stable form
     * {@code max(z,0) − z·y + log(1 + exp(−|z|))} summed over all elements; targets in [0, 1] (soft
     * targets allowed); gradient {@code scale·(sigmoid(z) − y)}. Targets of position r at
     * {@code y[yOff + r*yStride ..]}.
     */
    public static double bceWithLogits(double total, float[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, float[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                total += Math.max(zj, 0) - zj * target + Math.log1p(Math.exp(-Math.abs(zj)));
                if (grad != null) {
                    grad[g + j] = (float) ((1 / (1 + Math.exp(-zj)) - target) * scale);
                }
            }
        }
        return total;
    }

    public static double bceWithLogits(double total, double[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride, double[] grad, int gOff, int gStride, double scale) {
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int yo = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zj = z[o + j];
                double target = y[yo + j];
                total += Math.max(zj, 0) - zj * target + Math.log1p(Math.exp(-Math.abs(zj)));
                if (grad != null) {
                    grad[g + j] = ((1 / (1 + Math.exp(-zj)) - target) * scale);
                }
            }
        }
        return total;
    }

    private static int classOf(int[] classes, int index, int cols, int step, int row) {
        int y = classes[index];
        if (y < 0 || y >= cols) {
            throw new IllegalArgumentException("class id " + y + " at batch row " + row + ", step " + step
                    + " is outside 0..O-1 (O = " + cols + ")");
        }
        return y;
    }
}
