package io.rnnc.compiler.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffers of the generation API ({@code StepModel}): one step of the (decoder) stack over up to B rows
 * (hypotheses), kept apart from the training buffers and laid out like one step of them (gate rows GS wide),
 * so the step runs the same code as the training forward.
 *
 * @param x        features or embedded tokens: {@code [rows, IN0]} layer-0 input of one step; else null
 * @param tok      one-hot tokens: {@code int [rows]} the step's token ids; else null
 * @param layers   per layer, buffer names by stem: {@code h}, {@code gates}, and the cell's ({@code c}, {@code tc},
 *                 {@code hn}, {@code rec})
 * @param stateTmp {@code [rows, max H]} scratch for reordering state rows
 * @param beams    true if the model has beam search (seq2seq and one_to_many with a softmax head)
 */
public record GenerationBuffers(String x, String tok, List<Map<String, String>> layers, String logits, String stateTmp,
                                boolean beams) {

    public GenerationBuffers {
        layers = layers.stream().map(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m))).toList();
    }

    /** Layer l's buffer of {@code stem}, or null if its cell has none. */
    public String of(int layer, String stem) {
        return layers.get(layer).get(stem);
    }
}
