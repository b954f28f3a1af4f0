package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.diag.Diagnostic;
import io.rnnc.compiler.frontend.Ast.Arg;
import io.rnnc.compiler.frontend.Ast.KnownStatement;
import io.rnnc.compiler.frontend.Ast.Lexeme;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ModelAssembler.LayerDecl;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.SourcePos;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The check stages one at a time, on hand-made ASTs and scopes: no parser, no other stage. A statement
 * written here as one line becomes a {@link KnownStatement} with its lexemes at their columns.
 */
class StatementChecksTest {

    private final Reporter reporter = new Reporter();

    /** {@code rnn 8 relu}, {@code optimizer sgd lr=0.1}: words, numbers and key=value split on spaces. */
    private static KnownStatement statement(String line) {
        List<Arg> args = new ArrayList<>();
        Lexeme keyword = null;
        int at = 0;
        for (String w : line.split(" ")) {
            if (keyword == null) {
                keyword = lexeme(w, at);
            } else if (w.contains("=")) {
                int eq = w.indexOf('=');
                String value = w.substring(eq + 1);
                args.add(new Ast.OptionArg(lexeme(w.substring(0, eq), at), lexeme("=", at + eq),
                        value.isEmpty() ? null : lexeme(value, at + eq + 1), !value.isEmpty()
                        && Character.isDigit(value.charAt(0))));
            } else if (Character.isDigit(w.charAt(0)) || w.charAt(0) == '-') {
                args.add(new Ast.NumberArg(lexeme(w, at)));
            } else {
                args.add(new Ast.WordArg(lexeme(w, at)));
            }
            at += w.length() + 1;
        }
        return new KnownStatement(StatementKeyword.of(keyword.text()).orElseThrow(), keyword, args, false);
    }

    private static Lexeme lexeme(String text, int offset) {
        return new Lexeme(text, new SourcePos("s.rnn", 1, offset + 1, text.length()), offset, offset + text.length() - 1);
    }

    private Optional<Declaration> check(String line) {
        return new StatementChecks(reporter, line).check(statement(line), "model 'M'", false);
    }

    private Diagnostic onlyError() {
        List<Diagnostic> all = reporter.sorted();
        assertEquals(1, all.size(), all::toString);
        return all.get(0);
    }

    @Test
    void aValidLayerBecomesItsDeclaration() {
        Declaration d = check("rnn 8 relu").orElseThrow();
        assertEquals(new Declaration.Layer(new LayerDecl(CellType.RNN_RELU, 8, new SourcePos("s.rnn", 1, 1, 3))), d);
        assertEquals(CellType.GRU, ((Declaration.Layer) check("gru 3").orElseThrow()).layer().cell());
        assertEquals(0, reporter.errorCount());
    }

    @Test
    void aGatedCellTakesNoActivation() {
        assertTrue(check("lstm 8 tanh").isEmpty());
        Diagnostic e = onlyError();
        assertEquals("'lstm' takes no activation", e.message());
        assertEquals(new SourcePos("s.rnn", 1, 8, 4), e.pos());
        assertEquals("only 'rnn' layers choose tanh or relu; lstm gates are fixed", e.hint());
    }

    @Test
    void aMisspeltWordGetsTheClosestKeyword() {
        assertTrue(check("loss cross_entropi").isEmpty());
        Diagnostic e = onlyError();
        assertEquals("unknown loss 'cross_entropi'", e.message());
        assertEquals("did you mean 'cross_entropy'?", e.hint());
    }

    @Test
    void optimizerDefaultsAndRanges() {
        Declaration.Optimizer sgd = (Declaration.Optimizer) check("optimizer sgd lr=0.1 momentum=0.9").orElseThrow();
        assertEquals(new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.1, 0, 0, 0, 0, 0.9, new SourcePos("s.rnn", 1, 1, 9)),
                sgd.optimizer());
        assertTrue(check("optimizer adam beta2=1").isEmpty());
        Diagnostic e = onlyError();
        assertEquals("'beta2' must be at least 0 and less than 1, found 1", e.message());
        assertEquals(new SourcePos("s.rnn", 1, 22, 1), e.pos());
    }

    @Test
    void anExtraArgumentIsQuotedAsWritten() {
        assertTrue(check("batch 32 64").isEmpty());
        Diagnostic e = onlyError();
        assertEquals("unexpected '64' after 'batch 32'", e.message());
        assertEquals("write 'batch N'", e.hint());
    }

    @Test
    void placementRefusesAModelSettingInsideABlockBeforeReadingIt() {
        Scope encoder = new Scope("'encoder'", new SourcePos("s.rnn", 1, 1, 7), false);
        PlacementChecks placement = new PlacementChecks(reporter, new StatementChecks(reporter, "loss nonsense"));
        placement.statement(statement("loss nonsense"), encoder, new Scope.Settings(), PlacementChecks.Place.ENCODER);
        Diagnostic e = onlyError();
        assertEquals("'loss' inside 'encoder'", e.message()); // not "unknown loss 'nonsense'"
        assertTrue(encoder.seen.isEmpty());
    }

    @Test
    void placementCountsLayersAndRefusesOneAboveTheHead() {
        Scope top = new Scope("model 'M'", new SourcePos("s.rnn", 1, 1, 5), true);
        Scope.Settings settings = new Scope.Settings();
        PlacementChecks placement = new PlacementChecks(reporter, new StatementChecks(reporter, "dense 3 softmax"));
        placement.statement(statement("lstm 4"), top, settings, PlacementChecks.Place.MODEL);
        placement.statement(statement("dense 3 softmax"), top, settings, PlacementChecks.Place.MODEL);
        placement.statement(statement("gru 4"), top, settings, PlacementChecks.Place.MODEL);
        assertEquals("layer after the 'dense' head", onlyError().message());
        assertEquals(2, top.layerStatements);
        assertEquals(1, top.layers.size());
        assertEquals(3, top.outputs);
    }

    @Test
    void modelChecksCompareEncoderAndDecoderLayerByLayer() {
        Scope enc = new Scope("'encoder'", new SourcePos("s.rnn", 2, 3, 7), false);
        Scope dec = new Scope("'decoder'", new SourcePos("s.rnn", 5, 3, 7), false);
        enc.layers.add(new LayerDecl(CellType.LSTM, 8, new SourcePos("s.rnn", 3, 5, 4)));
        enc.layers.add(new LayerDecl(CellType.LSTM, 8, new SourcePos("s.rnn", 4, 5, 4)));
        dec.layers.add(new LayerDecl(CellType.LSTM, 8, new SourcePos("s.rnn", 6, 5, 4)));
        enc.layerStatements = 2;
        dec.layerStatements = 1;
        new ModelChecks(reporter).handOver(enc, dec);
        Diagnostic e = onlyError();
        assertEquals("the decoder has 1 layer but the encoder has 2 layers", e.message());
        assertEquals(dec.opener, e.pos());
        assertEquals(enc.opener, e.related().get(0).pos());
    }
}
