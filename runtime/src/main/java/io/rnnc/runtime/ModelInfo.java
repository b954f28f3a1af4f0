package io.rnnc.runtime;

import java.util.List;

/**
 * What a generated model is, in the spec's own words, so that training loops, the command line and
 * benchmarks can drive any model without knowing its class.
 *
 * @param name         class simple name
 * @param mode         {@code one_to_one | one_to_many | many_to_one | many_to_many | seq2seq}
 * @param inputKind    {@code features | tokens | tokens_embed}
 * @param inputSize    I, features per step (features); 0 for tokens
 * @param vocab        V, input vocabulary (tokens); 0 for features
 * @param inputSteps   steps of the input sequence: T (1 for one_to_one and one_to_many, whose x is [B, I]),
 *                     T_in for seq2seq
 * @param outputSteps  steps of the output: 1 for one_to_one and many_to_one, T or T_out otherwise
 * @param outputs      O, width of the head
 * @param cells        cell of each layer of the (decoder) stack: {@code rnn_tanh | rnn_relu | lstm | gru}; a
 *                     bidirectional layer has two entries (forward, then reverse), as PyTorch's {@code h_n} rows
 * @param hidden       H of each layer (and direction) of the (decoder) stack
 * @param head         {@code softmax | sigmoid | tanh | linear}
 * @param loss         {@code cross_entropy | mse | bce}
 * @param optimizer    {@code adam | sgd}
 * @param maxBatch     the largest batch the instance is sized for
 * @param precision    {@code float32 | float64}
 * @param parameters   every trainable tensor under its PyTorch name
 * @param spec         the spec text the class was generated from
 */
public record ModelInfo(String name, String mode, String inputKind, int inputSize, int vocab, int inputSteps,
                        int outputSteps, int outputs, List<String> cells, List<Integer> hidden, String head,
                        String loss, String optimizer, int maxBatch, String precision, List<TensorInfo> parameters,
                        String spec) {

    public ModelInfo {
        cells = List.copyOf(cells);
        hidden = List.copyOf(hidden);
        parameters = List.copyOf(parameters);
    }

    /** Inputs are token ids rather than float features. */
    public boolean tokenInputs() {
        return !inputKind.equals("features");
    }

    /** Targets are class ids (cross-entropy) rather than floats. */
    public boolean classTargets() {
        return loss.equals("cross_entropy");
    }

    /** Input values per sample: T·I features, T token ids, or I features for one_to_one / one_to_many. */
    public int inputValuesPerSample() {
        return tokenInputs() ? inputSteps : inputSteps * inputSize;
    }

    /** Target values per sample: T_out class ids, or T_out·O floats. */
    public int targetValuesPerSample() {
        return classTargets() ? outputSteps : outputSteps * outputs;
    }

    /** Logits per sample: T_out·O. */
    public int logitsPerSample() {
        return outputSteps * outputs;
    }

    /** Trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : parameters) {
            n += t.size();
        }
        return n;
    }
}
