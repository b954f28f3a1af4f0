package io.rnnc.compiler.frontend;

import java.util.Optional;

/**
 * The words that start a statement, in the order the language reference and the hints list them. The
 * grammar's statement tokens must match these one for one ({@code VocabularyTest} checks it against the
 * generated lexer), so a keyword added on one side only fails the build.
 */
enum StatementKeyword {
    INPUT("input", Role.STACK),
    SEQUENCE("sequence", Role.STACK),
    RNN("rnn", Role.LAYER),
    LSTM("lstm", Role.LAYER),
    GRU("gru", Role.LAYER),
    DROPOUT("dropout", Role.STACK),
    DENSE("dense", Role.STACK),
    LOSS("loss", Role.MODEL),
    OPTIMIZER("optimizer", Role.MODEL),
    CLIP("clip", Role.MODEL),
    BATCH("batch", Role.MODEL),
    SEED("seed", Role.MODEL),
    PRECISION("precision", Role.MODEL),
    ENCODER("encoder", Role.BLOCK),
    DECODER("decoder", Role.BLOCK);

    /** What a statement describes, which decides where it may stand. */
    enum Role {
        /** A stack's input, sequence or head: in a single-stack model or inside encoder/decoder. */
        STACK,
        /** One recurrent layer (the keyword is a {@link io.rnnc.compiler.model.CellType#keyword()}); repeatable. */
        LAYER,
        /** A setting of the whole model: never inside a block. */
        MODEL,
        /** Opens an encoder or decoder block. */
        BLOCK
    }

    private final String word;
    private final Role role;

    StatementKeyword(String word, Role role) {
        this.word = word;
        this.role = role;
    }

    /** As written in a spec. */
    String word() {
        return word;
    }

    boolean isLayer() {
        return role == Role.LAYER;
    }

    /** Applies to the whole model: written once, outside any block. */
    boolean isModelWide() {
        return role == Role.MODEL;
    }

    boolean opensBlock() {
        return role == Role.BLOCK;
    }

    static Optional<StatementKeyword> of(String word) {
        for (StatementKeyword k : values()) {
            if (k.word.equals(word)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
