package io.rnnc.compiler.model;

/**
 * The input of a stack. For {@link InputKind#FEATURES} {@code size} is the feature count and
 * {@code vocab}/{@code embed} are 0; for tokens {@code vocab} is V, {@code embed} is E (0 when one-hot)
 * and {@code size} is 0.
 */
public record InputSpec(InputKind kind, int size, int vocab, int embed, SourcePos pos) {

    /** Features have a positive size and no vocabulary; tokens have a vocabulary, and an embedding width iff embedded. */
    public InputSpec {
        Invariants.present(kind, "input kind");
        Invariants.present(pos, "input pos");
        switch (kind) {
            case FEATURES -> {
                Invariants.positive(size, "feature count");
                Invariants.require(vocab == 0 && embed == 0, "feature input has no vocabulary or embedding, got vocab",
                        vocab, "embed", embed);
            }
            case TOKENS -> {
                Invariants.positive(vocab, "token vocabulary");
                Invariants.require(size == 0 && embed == 0, "one-hot token input has no size or embedding, got size",
                        size, "embed", embed);
            }
            case TOKENS_EMBED -> {
                Invariants.positive(vocab, "token vocabulary");
                Invariants.positive(embed, "embedding width");
                Invariants.require(size == 0, "embedded token input has no feature size, got", size);
            }
        }
    }

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
