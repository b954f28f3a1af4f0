package io.rnnc.compiler.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Buffers of the generation API: one step of the (decoder) stack over up to B rows (beams), kept apart
 * from the training buffers. Per-layer lists are indexed by layer; entries are null where a cell has no
 * such buffer. Beam buffers are null when the model has no beam search (token language models, value heads).
 */
public record GenerationBuffers(String x, String tok, List<String> h, List<String> c, List<String> gates,
                                List<String> rec, String logits, String beamScore, String beamHist, String histTmp,
                                String candScore, String candParent, String candToken, String stateTmp) {

    public GenerationBuffers {
        h = frozen(h);
        c = frozen(c);
        gates = frozen(gates);
        rec = frozen(rec);
    }

    private static List<String> frozen(List<String> l) {
        return Collections.unmodifiableList(new ArrayList<>(l));
    }

    public boolean beams() {
        return beamScore != null;
    }
}
