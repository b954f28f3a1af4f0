package io.rnnc.runtime.math;

/**
 * Loss functions of the output head with their gradients, as PyTorch computes them with its default
 * mean reduction. Each works on {@code rows} positions of {@code cols} logits, position r at
 * {@code zOff + r*zStride} (so one call can cover the B rows of one time step of a [B, T, O]
 * array), and each:
 * <ul>
 *   <li>returns the <b>sum</b> of the per-position losses (cross-entropy) or per-element losses
 *       (MSE, BCE), accumulated in double; the caller divides by the count K of the mean (positions
 *       for cross-entropy, elements for MSE and BCE) once it has covered all of them;</li>
 *   <li>writes, if {@code grad} is not null, {@code scale · d(sum)/d logits} at the same positions
 *       of {@code grad} (offset {@code gOff}, row stride {@code gStride}); pass {@code scale = 1/K}
 *       to get the gradient of the mean loss, which is what backpropagation needs. Overwrites.</li>
 * </ul>
 * Float variants compute each position in double and round the gradient once.
 */
public final class Losses {

    private Losses() {
    }

    /**
     * Cross-entropy of logits against class ids, with a fused, stable log-softmax:
     * {@code loss_r = logsumexp(z_r) − z_r[y_r]}, gradient {@code scale·(softmax(z_r) − onehot(y_r))}.
     * Class ids of position r are read at {@code classes[cOff + r*cStride]}.
     *
     * @throws IllegalArgumentException if a class id is outside {@code 0..cols-1}
     */
    public static double crossEntropy(float[] z, int zOff, int rows, int cols, int zStride,
                                      int[] classes, int cOff, int cStride,
                                      float[] grad, int gOff, int gStride, double scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int y = classOf(classes, cOff + r * cStride, cols, r);
            float max = Activations.rowMax(z, o, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp((double) z[o + j] - max);
            }
            double logSum = max + Math.log(sum);
            total += logSum - z[o + y];
            if (grad != null) {
                int g = gOff + r * gStride;
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(z[o + j] - logSum);
                    grad[g + j] = (float) (scale * (j == y ? p - 1 : p));
                }
            }
        }
        return total;
    }

    public static double crossEntropy(double[] z, int zOff, int rows, int cols, int zStride,
                                      int[] classes, int cOff, int cStride,
                                      double[] grad, int gOff, int gStride, double scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int y = classOf(classes, cOff + r * cStride, cols, r);
            double max = Activations.rowMax(z, o, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            double logSum = max + Math.log(sum);
            total += logSum - z[o + y];
            if (grad != null) {
                int g = gOff + r * gStride;
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(z[o + j] - logSum);
                    grad[g + j] = scale * (j == y ? p - 1 : p);
                }
            }
        }
        return total;
    }

    /**
     * Squared error {@code (z − y)²} summed over all elements; gradient {@code scale·2(z − y)}.
     * Targets of position r at {@code y[yOff + r*yStride ..]}.
     */
    public static double mse(float[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride,
                             float[] grad, int gOff, int gStride, double scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int t = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double d = z[o + j] - y[t + j];
                total += d * d;
                if (grad != null) {
                    grad[g + j] = (float) (scale * 2 * d);
                }
            }
        }
        return total;
    }

    public static double mse(double[] z, int zOff, int rows, int cols, int zStride,
                             double[] y, int yOff, int yStride,
                             double[] grad, int gOff, int gStride, double scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int t = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double d = z[o + j] - y[t + j];
                total += d * d;
                if (grad != null) {
                    grad[g + j] = scale * 2 * d;
                }
            }
        }
        return total;
    }

    /**
     * Binary cross-entropy on logits ({@code binary_cross_entropy_with_logits}), stable form
     * {@code max(z,0) − z·y + log(1 + exp(−|z|))} summed over all elements; targets in [0, 1] (soft
     * targets allowed); gradient {@code scale·(sigmoid(z) − y)}.
     */
    public static double bceWithLogits(float[] z, int zOff, int rows, int cols, int zStride,
                                       double[] y, int yOff, int yStride,
                                       float[] grad, int gOff, int gStride, double scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int t = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zi = z[o + j];
                double yi = y[t + j];
                total += bce(zi, yi);
                if (grad != null) {
                    grad[g + j] = (float) (scale * (Activations.sigmoid(zi) - yi));
                }
            }
        }
        return total;
    }

    public static double bceWithLogits(double[] z, int zOff, int rows, int cols, int zStride,
                                       double[] y, int yOff, int yStride,
                                       double[] grad, int gOff, int gStride, double scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = zOff + r * zStride;
            int t = yOff + r * yStride;
            int g = gOff + r * gStride;
            for (int j = 0; j < cols; j++) {
                double zi = z[o + j];
                double yi = y[t + j];
                total += bce(zi, yi);
                if (grad != null) {
                    grad[g + j] = scale * (Activations.sigmoid(zi) - yi);
                }
            }
        }
        return total;
    }

    private static double bce(double z, double y) {
        return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static int classOf(int[] classes, int index, int cols, int position) {
        int y = classes[index];
        if (y < 0 || y >= cols) {
            throw new IllegalArgumentException("class id " + y + " at position " + position
                    + " is outside 0.." + (cols - 1) + " (the model has " + cols + " classes)");
        }
        return y;
    }
}
