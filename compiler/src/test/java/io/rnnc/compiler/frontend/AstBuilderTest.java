package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.frontend.Ast.KnownStatement;
import io.rnnc.compiler.frontend.Ast.Lexeme;
import io.rnnc.compiler.model.SourcePos;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first stage alone: text to parse tree to AST, every node with its place, no checks run. */
class AstBuilderTest {

    private static final String SPEC = String.join("\n",
            "package a.b",
            "model Xor {",
            "  input 2",
            "  rnn 8 relu   lstm 4",
            "  optimizer sgd lr=0.5 momentum= beta1=fast",
            "  decoder { gru 3 }",
            "  frobnicate 3 x",
            "}",
            "");

    private static Ast.SpecFile ast(String text) {
        Reporter reporter = new Reporter();
        Ast.SpecFile file = new AstBuilder("t.rnn", text).build(SpecParser.parse("t.rnn", text, reporter));
        assertEquals(0, reporter.errorCount(), () -> reporter.sorted().toString());
        return file;
    }

    @Test
    void buildsTheWrittenStructureWithPlaces() {
        Ast.SpecFile file = ast(SPEC);
        assertEquals(2, file.items().size());

        Ast.PackageDecl pkg = assertInstanceOf(Ast.PackageDecl.class, file.items().get(0));
        assertEquals(pos(1, 1, 7), pkg.keyword().pos());
        assertEquals(List.of("a", ".", "b"), pkg.parts().stream().map(p -> p.lexeme().text()).toList());
        assertEquals(List.of(false, true, false), pkg.parts().stream().map(Ast.NamePart::isDot).toList());
        assertFalse(pkg.damaged());

        Ast.ModelDecl model = assertInstanceOf(Ast.ModelDecl.class, file.items().get(1));
        assertEquals(pos(2, 7, 3), model.name().pos());
        assertEquals(model.name().pos(), model.pos());
        assertFalse(model.damaged());
        assertTrue(model.source().startsWith("model Xor {") && model.source().endsWith("}"), model.source());
        List<Ast.Statement> body = model.body();
        assertEquals(6, body.size(), body::toString);

        KnownStatement input = assertInstanceOf(KnownStatement.class, body.get(0));
        assertEquals(StatementKeyword.INPUT, input.keyword());
        assertEquals(pos(3, 3, 5), input.word().pos());
        Ast.NumberArg two = assertInstanceOf(Ast.NumberArg.class, input.args().get(0));
        assertEquals("2", two.text());
        assertEquals(pos(3, 9, 1), two.lexeme().pos());

        // Two statements on one line: each keyword starts its own.
        KnownStatement rnn = assertInstanceOf(KnownStatement.class, body.get(1));
        assertEquals(StatementKeyword.RNN, rnn.keyword());
        assertEquals(List.of("8", "relu"), rnn.args().stream().map(Ast.Arg::text).toList());
        assertInstanceOf(Ast.WordArg.class, rnn.args().get(1));
        KnownStatement lstm = assertInstanceOf(KnownStatement.class, body.get(2));
        assertEquals(StatementKeyword.LSTM, lstm.keyword());
        assertEquals(pos(4, 16, 4), lstm.word().pos());

        KnownStatement opt = assertInstanceOf(KnownStatement.class, body.get(3));
        Ast.OptionArg lr = assertInstanceOf(Ast.OptionArg.class, opt.args().get(1));
        assertEquals("lr", lr.text());
        assertEquals("0.5", lr.value().text());
        assertTrue(lr.numeric());
        assertEquals(pos(5, 20, 3), lr.last().pos());
        Ast.OptionArg momentum = assertInstanceOf(Ast.OptionArg.class, opt.args().get(2));
        assertNull(momentum.value());
        assertEquals(momentum.equals(), momentum.last());
        assertEquals(pos(5, 33, 1), momentum.last().after());
        Ast.OptionArg beta1 = assertInstanceOf(Ast.OptionArg.class, opt.args().get(3));
        assertEquals("fast", beta1.value().text());
        assertFalse(beta1.numeric());

        Ast.Block decoder = assertInstanceOf(Ast.Block.class, body.get(4));
        assertEquals(StatementKeyword.DECODER, decoder.keyword());
        assertEquals(pos(6, 3, 7), decoder.word().pos());
        KnownStatement gru = assertInstanceOf(KnownStatement.class, decoder.statements().get(0));
        assertEquals(StatementKeyword.GRU, gru.keyword());

        Ast.UnknownStatement unknown = assertInstanceOf(Ast.UnknownStatement.class, body.get(5));
        assertEquals("frobnicate", unknown.word().text());
        assertEquals(List.of("3", "x"), unknown.args().stream().map(Ast.Arg::text).toList());
    }

    @Test
    void lexemeOffsetsIndexTheSource() {
        Ast.ModelDecl model = (Ast.ModelDecl) ast(SPEC).items().get(1);
        for (Ast.Statement s : model.body()) {
            if (s instanceof Ast.SimpleStatement st) {
                check(st.word());
                st.args().forEach(a -> {
                    check(a.lexeme());
                    check(a.last());
                });
            }
        }
    }

    @Test
    void aSyntaxErrorMarksOnlyWhatItTouches() {
        String text = "model A {\n  input 2\n  rnn { 3\n}\n";
        Reporter reporter = new Reporter();
        Ast.SpecFile file = new AstBuilder("t.rnn", text).build(SpecParser.parse("t.rnn", text, reporter));
        assertEquals(1, reporter.errorCount());
        Ast.ModelDecl model = (Ast.ModelDecl) file.items().get(0);
        assertTrue(model.damaged());
        assertFalse(((KnownStatement) model.body().get(0)).damaged());
    }

    private static void check(Lexeme l) {
        assertEquals(l.text(), SPEC.substring(l.start(), l.stop() + 1), l::toString);
    }

    private static SourcePos pos(int line, int column, int length) {
        return new SourcePos("t.rnn", line, column, length);
    }
}
