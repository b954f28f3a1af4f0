package io.rnnc.onnx;

import io.rnnc.compiler.model.CellType;

/**
 * How one rnnc (PyTorch) cell maps onto ONNX's recurrent operators: the operator, its attributes, and
 * the order of the gate blocks. PyTorch stacks the gate blocks of {@code weight_ih}, {@code weight_hh}
 * and both biases as LSTM {@code i, f, g, o} and GRU {@code r, z, n}; ONNX stacks LSTM as {@code i, o, f, c}
 * ({@code c} is PyTorch's {@code g}) and GRU as {@code z, r, h} ({@code h} is PyTorch's {@code n}).
 * The maths is the same: ONNX's default activations are PyTorch's, and GRU's {@code linear_before_reset=1}
 * is PyTorch's {@code n = tanh(W_in x + b_in + r * (W_hn h + b_hn))}.
 */
enum OnnxCell {
    RNN_TANH("RNN", "Tanh", new int[] {0}),
    RNN_RELU("RNN", "Relu", new int[] {0}),
    /** ONNX block k holds PyTorch block TORCH_BLOCK[k]: i=0, o=3, f=1, c=g=2. */
    LSTM("LSTM", null, new int[] {0, 3, 1, 2}),
    /** z=1, r=0, h=n=2. */
    GRU("GRU", null, new int[] {1, 0, 2});

    private final String opType;
    private final String activation;
    private final int[] torchBlock;

    OnnxCell(String opType, String activation, int[] torchBlock) {
        this.opType = opType;
        this.activation = activation;
        this.torchBlock = torchBlock;
    }

    static OnnxCell of(CellType cell) {
        return switch (cell) {
            case RNN_TANH -> RNN_TANH;
            case RNN_RELU -> RNN_RELU;
            case LSTM -> LSTM;
            case GRU -> GRU;
        };
    }

    /** {@code RNN}, {@code LSTM} or {@code GRU}. */
    String opType() {
        return opType;
    }

    /** The simple RNN's activation attribute ({@code Tanh} is ONNX's default, written anyway), else null. */
    String activation() {
        return activation;
    }

    boolean hasCellState() {
        return this == LSTM;
    }

    boolean linearBeforeReset() {
        return this == GRU;
    }

    /** The PyTorch gate block that ONNX's block {@code onnxBlock} holds. */
    int torchBlock(int onnxBlock) {
        return torchBlock[onnxBlock];
    }

    int gates() {
        return torchBlock.length;
    }

    /** ONNX's gate names in its order, for documentation: {@code iofc}, {@code zrh}, {@code -}. */
    String onnxOrder() {
        return switch (this) {
            case LSTM -> "iofc";
            case GRU -> "zrh";
            default -> "-";
        };
    }

    /**
     * The rows of a PyTorch {@code [G*H, cols]} matrix (or a {@code [G*H]} vector, cols = 1) in ONNX's gate
     * order, as float32.
     */
    float[] reorder(double[] torch, int hidden, int cols) {
        int g = gates();
        if (torch.length != (long) g * hidden * cols) {
            throw new IllegalArgumentException("expected " + g + "x" + hidden + "x" + cols + " values, got " + torch.length);
        }
        float[] onnx = new float[torch.length];
        int block = hidden * cols;
        for (int k = 0; k < g; k++) {
            int from = torchBlock(k) * block;
            for (int i = 0; i < block; i++) {
                onnx[k * block + i] = (float) torch[from + i];
            }
        }
        return onnx;
    }
}
