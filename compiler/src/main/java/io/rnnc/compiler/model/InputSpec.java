package io.rnnc.compiler.model;

/**
 * The input of a stack. For {@link InputKind#FEATURES} {@code size} is the feature count and
 * {@code vocab}/{@code embed} are 0; for tokens {@code vocab} is V, {@code embed} is E (0 when one-hot)
 * and {@code size} is 0.
 */
public record InputSpec(InputKind kind, int size, int vocab, int embed, SourcePos pos) {

    public static InputSpec features(int size, SourcePos pos) {
        return new InputSpec(InputKind.FEATURES, size, 0, 0, pos);
    }

    public static InputSpec tokens(int vocab, SourcePos pos) {
        return new InputSpec(InputKind.TOKENS, 0, vocab, 0, pos);
    }

    public static InputSpec embedded(int vocab, int embed, SourcePos pos) {
        return new InputSpec(InputKind.TOKENS_EMBED, 0, vocab, embed, pos);
    }

    /** True for token ids (one-hot or embedded). */
    public boolean isTokens() {
        return kind != InputKind.FEATURES;
    }

    /**
     * Width of the vector this input contributes to layer 0 per step, before any one_to_many
     * feedback: I for features, V for one-hot tokens, E for embedded tokens.
     */
    public int width() {
        return switch (kind) {
            case FEATURES -> size;
            case TOKENS -> vocab;
            case TOKENS_EMBED -> embed;
        };
    }
}
