package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.model.CellType;
import io.rnnc.grammar.RnnLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * The Java keywords ({@link StatementKeyword}, the model enums behind {@link io.rnnc.compiler.frontend.Vocabulary})
 * against the grammar's generated lexer and parser: a keyword added to one side only fails here.
 */
class VocabularyTest {

    private static final Vocabulary GRAMMAR = RnnLexer.VOCABULARY;

    /** The grammar's word tokens ('input', 'model', ...), by their literal. */
    private static List<String> grammarWords() {
        List<String> words = new ArrayList<>();
        for (int t = 1; t <= GRAMMAR.getMaxTokenType(); t++) {
            String literal = GRAMMAR.getLiteralName(t);
            if (literal != null && literal.matches("'[a-z_0-9]+'")) {
                words.add(literal.substring(1, literal.length() - 1));
            }
        }
        return words;
    }

    private static Optional<Integer> tokenType(String word) {
        for (int t = 1; t <= GRAMMAR.getMaxTokenType(); t++) {
            if (("'" + word + "'").equals(GRAMMAR.getLiteralName(t))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Test
    void everyStatementKeywordIsAGrammarTokenOfTheSameName() {
        for (StatementKeyword k : StatementKeyword.values()) {
            int type = tokenType(k.word()).orElseThrow(() -> new AssertionError("the grammar has no token '"
                    + k.word() + "' for StatementKeyword." + k));
            assertEquals(k.name(), GRAMMAR.getSymbolicName(type), "token name of '" + k.word() + "'");
        }
    }

    @Test
    void everyWordTheGrammarReservesIsAKeywordHere() {
        List<String> known = new ArrayList<>(io.rnnc.compiler.frontend.Vocabulary.STATEMENTS);
        known.add(io.rnnc.compiler.frontend.Vocabulary.PACKAGE);
        known.add(io.rnnc.compiler.frontend.Vocabulary.MODEL);
        List<String> grammar = grammarWords();
        assertEquals(known.stream().sorted().toList(), grammar.stream().sorted().toList(),
                "grammar tokens vs StatementKeyword + package/model");
    }

    @Test
    void argumentWordsStayPlainIdentifiers() {
        // A word after a keyword must lex as IDENT; were it a token, 'rnn 8 tanh' would stop parsing.
        for (String w : io.rnnc.compiler.frontend.Vocabulary.ARGUMENT_WORDS) {
            List<? extends Token> tokens = new RnnLexer(CharStreams.fromString(w)).getAllTokens();
            assertEquals(1, tokens.size(), w);
            assertEquals(RnnLexer.IDENT, tokens.get(0).getType(), "'" + w + "' must not be a grammar token");
        }
    }

    @Test
    void theParserTakesEachKeywordAsTheEnumSays() {
        for (StatementKeyword k : StatementKeyword.values()) {
            String text = "model A {\n" + k.word() + (k.opensBlock() ? " { }" : "") + "\n}\n";
            Reporter reporter = new Reporter();
            Ast.SpecFile file = new AstBuilder("k.rnn", text).build(SpecParser.parse("k.rnn", text, reporter));
            assertEquals(0, reporter.errorCount(), text);
            Ast.Statement s = ((Ast.ModelDecl) file.items().get(0)).body().get(0);
            if (k.opensBlock()) {
                assertEquals(k, assertInstanceOf(Ast.Block.class, s, text).keyword());
            } else {
                assertEquals(k, assertInstanceOf(Ast.KnownStatement.class, s, text).keyword());
            }
        }
    }

    @Test
    void layerKeywordsAreTheCellKeywords() {
        List<String> layers = List.of(StatementKeyword.values()).stream().filter(StatementKeyword::isLayer)
                .map(StatementKeyword::word).toList();
        assertEquals(io.rnnc.compiler.frontend.Vocabulary.CELLS, layers);
        for (CellType c : CellType.values()) {
            assertTrue(layers.contains(c.keyword()), c::toString);
        }
    }

    @Test
    void listsKeepTheOrderHintsAreWrittenIn() {
        // Hints quote these orders ("one of cross_entropy, mse, bce"); goldens pin the text.
        assertEquals(List.of("input", "sequence", "rnn", "lstm", "gru", "dropout", "dense", "loss", "optimizer", "clip", "batch",
                "seed", "precision", "encoder", "decoder"), io.rnnc.compiler.frontend.Vocabulary.STATEMENTS);
        assertEquals(List.of("tanh", "relu"), io.rnnc.compiler.frontend.Vocabulary.RNN_ACTIVATIONS);
        assertEquals(List.of("one_to_one", "one_to_many", "many_to_one", "many_to_many"),
                io.rnnc.compiler.frontend.Vocabulary.MODES);
        assertEquals(List.of("lr", "beta1", "beta2", "eps", "weight_decay"),
                io.rnnc.compiler.frontend.Vocabulary.ADAM_OPTIONS);
        assertEquals(List.of("lr", "momentum", "weight_decay"), io.rnnc.compiler.frontend.Vocabulary.SGD_OPTIONS);
    }
}
