package io.rnnc.compiler.frontend;

import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;

/**
 * One model's statements against each other, once every statement is placed: what each stack must
 * state, how an encoder hands over to its decoder, and what the loss asks of the head.
 */
final class ModelChecks {

    private final Reporter reporter;

    ModelChecks(Reporter reporter) {
        this.reporter = reporter;
    }

    /** A single-stack model: its stack is complete, and one_to_many feeds back features. */
    void singleStack(Scope top, SourcePos modelPos) {
        requireStack(top, true, modelPos);
        if (top.mode == SequenceMode.ONE_TO_MANY && top.input != null && top.input.isTokens()) {
            reporter.error(top.seen.get(StatementKeyword.INPUT), "one_to_many takes features, not tokens",
                    "write 'input N': every step sees that vector and the previous step's output",
                    Reporter.note(top.sequencePos, "one_to_many chosen here"));
        }
        if (top.stateful) {
            for (LayerDecl l : top.layers) {
                if (l.bidirectional()) {
                    reporter.error(l.pos(), "a stateful model's layers cannot be bidirectional",
                            "the state carried to the next batch runs forward in time; a backward direction would need"
                                    + " the future chunk: remove 'bidirectional' or 'stateful'",
                            Reporter.note(top.sequencePos, "stateful chosen here"));
                }
            }
        }
        if (top.mode == SequenceMode.ONE_TO_MANY) {
            for (LayerDecl l : top.layers) {
                if (l.bidirectional()) {
                    reporter.error(l.pos(), "a one_to_many layer cannot be bidirectional",
                            "each step reads the previous step's output, so the sequence is made forward, one step"
                                    + " at a time: remove 'bidirectional'",
                            Reporter.note(top.sequencePos, "one_to_many chosen here"));
                }
            }
        }
    }

    /** An encoder-decoder model; either block may be missing (null). */
    void encoderDecoder(String name, SourcePos modelPos, Scope encoder, Scope decoder, Scope.Settings settings) {
        if (encoder == null) {
            reporter.error(modelPos, "encoder-decoder model '" + name + "' has no 'encoder { }' block",
                    "add an 'encoder { input tokens V ... }' block beside the decoder",
                    Reporter.note(decoder.opener, "'decoder' declared here"));
        }
        if (decoder == null) {
            reporter.error(modelPos, "encoder-decoder model '" + name + "' has no 'decoder { }' block",
                    "add a 'decoder { input tokens V ... dense V softmax }' block beside the encoder",
                    Reporter.note(encoder.opener, "'encoder' declared here"));
        }
        if (encoder != null) {
            requireStack(encoder, false, encoder.opener);
        }
        if (decoder != null) {
            requireStack(decoder, true, decoder.opener);
        }
        if (encoder == null || decoder == null) {
            return;
        }
        handOver(encoder, decoder);
        if (decoder.input != null && decoder.input.isTokens() && decoder.outputs != null
                && decoder.outputs != decoder.input.vocab()) {
            reporter.error(decoder.densePos, "the decoder's head has " + decoder.outputs
                            + " outputs but its vocabulary has " + decoder.input.vocab() + " tokens",
                    "the decoder reads its previous output token, so write 'dense " + decoder.input.vocab()
                            + " softmax'",
                    Reporter.note(decoder.seen.get(StatementKeyword.INPUT), "decoder vocabulary declared here"));
        }
        if (settings.loss != null && settings.loss != LossKind.CROSS_ENTROPY) {
            reporter.error(settings.lossPos, "an encoder-decoder model needs 'loss cross_entropy'",
                    "its decoder predicts tokens, one class per step");
        }
    }

    /** Every model states a loss, and the loss decides what the head must produce. */
    void loss(String name, SourcePos modelPos, Scope top, Scope head, Scope.Settings settings, boolean seq2seq) {
        if (!top.seen.containsKey(StatementKeyword.LOSS)) {
            reporter.error(modelPos, "model '" + name + "' has no 'loss'",
                    "add 'loss cross_entropy' (softmax head), 'loss bce' (sigmoid) or 'loss mse'");
        } else if (settings.loss != null && head != null && head.activation != null
                && !(seq2seq && settings.loss != LossKind.CROSS_ENTROPY)) {
            lossAgainstHead(settings, head);
        }
    }

    /** A stack needs input, sequence, layers and (unless it is an encoder) a dense head. */
    void requireStack(Scope s, boolean needsHead, SourcePos at) {
        if (s.dropout != null && s.dropout > 0 && s.layerStatements == 1) {
            reporter.warning(s.dropoutPos, "'dropout' does nothing with one layer",
                    "it acts on each layer's output but the last's, as PyTorch's nn.LSTM(dropout=p): add a layer"
                            + " or remove it");
        }
        SourcePos input = s.seen.get(StatementKeyword.INPUT);
        if (input == null) {
            reporter.error(at, s.label + " has no 'input'", s.isModel
                    ? "add e.g. 'input 28' (28 features per step) or 'input tokens 96 embed 32'"
                    : "add e.g. 'input tokens 30 embed 32'");
        } else if (!s.isModel && s.input != null && !s.input.isTokens()) {
            reporter.error(input, s.label + " reads tokens, not features",
                    "write 'input tokens V' (one-hot) or 'input tokens V embed E'");
        }
        if (!s.seen.containsKey(StatementKeyword.SEQUENCE)) {
            reporter.error(at, s.label + " has no 'sequence'", s.isModel
                    ? "add e.g. 'sequence 28 many_to_one'" : "add e.g. 'sequence 24'");
        }
        boolean hasDense = s.seen.containsKey(StatementKeyword.DENSE);
        if (s.layerStatements == 0 && !hasDense) {
            reporter.error(at, s.label + " has no layers", "add a layer (" + String.join(", ", Vocabulary.CELLS)
                    + "), e.g. 'lstm 128'" + (needsHead ? ", and a head, e.g. 'dense 10 softmax'" : ""));
        } else if (needsHead && !hasDense && s.layerStatements > 0) {
            reporter.error(at, s.label + " has no 'dense' head", "add e.g. 'dense 10 softmax' after the last layer");
        }
    }

    /** The decoder starts from the encoder's final states, so the stacks must match layer by layer. */
    void handOver(Scope enc, Scope dec) {
        for (LayerDecl l : enc.layers) {
            if (l.bidirectional()) {
                reporter.error(l.pos(), "an encoder layer cannot be bidirectional",
                        "the encoder hands each layer's final state, one direction, to the same decoder layer:"
                                + " remove 'bidirectional'");
            }
        }
        for (LayerDecl l : dec.layers) {
            if (l.bidirectional()) {
                reporter.error(l.pos(), "a decoder layer cannot be bidirectional",
                        "the decoder generates one token at a time and cannot read later steps: remove 'bidirectional'");
            }
        }
        if (enc.layers.isEmpty() || dec.layers.isEmpty() || !enc.allLayersValid() || !dec.allLayersValid()) {
            return; // a layer with its own error: comparing the rest would mis-pair them
        }
        if (enc.layers.size() != dec.layers.size()) {
            reporter.error(dec.opener, "the decoder has " + count(dec.layers.size()) + " but the encoder has "
                            + count(enc.layers.size()),
                    "the encoder's final states seed the decoder layer by layer: give both the same layers",
                    Reporter.note(enc.opener, "'encoder' declared here"));
            return;
        }
        for (int i = 0; i < enc.layers.size(); i++) {
            LayerDecl e = enc.layers.get(i);
            LayerDecl d = dec.layers.get(i);
            String ec = e.cell().keyword();
            String dc = d.cell().keyword();
            if (!ec.equals(dc)) {
                reporter.error(d.pos(), "decoder layer " + i + " is '" + dc + "' but encoder layer " + i + " is '"
                                + ec + "'", "the encoder hands each layer's state to the same decoder layer:"
                                + " use the same cell in both",
                        Reporter.note(e.pos(), "encoder layer " + i + " declared here"));
            } else if (e.hidden() != d.hidden()) {
                reporter.error(d.pos(), "decoder layer " + i + " has width " + d.hidden() + " but encoder layer "
                                + i + " has width " + e.hidden(),
                        "the encoder hands each layer's state to the same decoder layer: use the same width",
                        Reporter.note(e.pos(), "encoder layer " + i + " declared here"));
            }
        }
    }

    private static String count(int layers) {
        return layers + (layers == 1 ? " layer" : " layers");
    }

    private void lossAgainstHead(Scope.Settings settings, Scope head) {
        String act = head.activation.keyword();
        SourcePos lossAt = settings.lossPos;
        Diagnostic.Related headNote = Reporter.note(head.densePos, "head declared here");
        String denseN = "dense " + head.outputs;
        switch (settings.loss) {
            case CROSS_ENTROPY -> {
                if (head.activation != HeadActivation.SOFTMAX) {
                    reporter.error(lossAt, "'cross_entropy' needs a softmax head, found '" + act + "'",
                            "write '" + denseN + " softmax', or use 'loss bce' for independent sigmoid outputs",
                            headNote);
                }
            }
            case BCE -> {
                if (head.activation != HeadActivation.SIGMOID) {
                    reporter.error(lossAt, "'bce' needs a sigmoid head, found '" + act + "'",
                            "write '" + denseN + " sigmoid', or use 'loss cross_entropy' with softmax", headNote);
                }
            }
            case MSE -> {
                if (head.activation == HeadActivation.SOFTMAX || head.activation == HeadActivation.SIGMOID) {
                    reporter.warning(lossAt, "'mse' on a " + act + " head learns slowly",
                            head.activation == HeadActivation.SOFTMAX ? "'loss cross_entropy' suits a softmax head"
                                    : "'loss bce' suits a sigmoid head", headNote);
                }
            }
        }
    }
}
