package io.rnnc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.InternalCompilerError;
import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash inside the front end is rnnc's bug: it surfaces as an InternalCompilerError, never as a diagnostic. */
class InternalErrorTest {

    private static final String SPEC = "model Xor { input 2  sequence 1 one_to_one  rnn 8  dense 1 sigmoid  loss bce"
            + "  optimizer sgd lr=0.5 }\n";

    @TempDir
    Path dir;

    @Test
    void aCrashingStageIsAnInternalErrorNamingTheSpec() {
        IllegalStateException bug = new IllegalStateException("injected");
        InternalCompilerError e = assertThrows(InternalCompilerError.class, () -> FrontEnd.parse("xor.rnn", SPEC,
                (reporter, source) -> (pkg, model) -> {
                    throw bug;
                }));
        assertSame(bug, e.getCause());
        assertEquals("xor.rnn", e.spec());
        assertTrue(e.getMessage().contains("xor.rnn") && e.getMessage().contains("please report"), e.getMessage());
    }

    @Test
    void aStackOverflowInAStageIsAnInternalErrorToo() {
        InternalCompilerError e = assertThrows(InternalCompilerError.class, () -> FrontEnd.parse("deep.rnn", SPEC,
                (reporter, source) -> (pkg, model) -> {
                    throw new StackOverflowError();
                }));
        assertTrue(e.getCause() instanceof StackOverflowError);
    }

    @Test
    void theRealStagesOnTheSameSpecGiveAModel() {
        ParseResult r = FrontEnd.parse("xor.rnn", SPEC, ModelBuilder::new);
        assertFalse(r.hasErrors(), r::render);
        assertEquals(1, r.models().size());
    }

    @Test
    void onlyReadingProblemsAreCannotReadDiagnostics() throws IOException {
        Path f = dir.resolve("xor.rnn");
        Files.writeString(f, SPEC);
        assertEquals(1, Rnnc.parse(f).models().size());
        assertTrue(Rnnc.parse(dir.resolve("missing.rnn")).render().contains("cannot read"));
    }
}
