package io.rnnc.compiler.javac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.codegen.GeneratedSource;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryCompilerTest {

    @Test
    void compilesAndLoadsInAFreshLoader() throws Exception {
        var src = new GeneratedSource("gen.hello.Hello", """
                package gen.hello;

                public final class Hello implements java.util.function.IntSupplier {
                    @Override
                    public int getAsInt() {
                        return 1;
                    }
                }
                """);
        CompiledClasses c = InMemoryCompiler.compile(src);
        var s = c.instantiate("gen.hello.Hello", java.util.function.IntSupplier.class);
        assertEquals(1, s.getAsInt());
        assertTrue(c.load("gen.hello.Hello").getClassLoader() != getClass().getClassLoader());
        Map<String, Integer> sizes = MethodSizes.of(c.classFiles().get("gen.hello.Hello"));
        assertEquals(2, sizes.get("getAsInt()I"), "iconst_1; ireturn");
        assertEquals(5, sizes.get("<init>()V"), "aload_0; invokespecial; return");
    }

    @Test
    void aLintWarningIsReportedAsAnRnncBugWithTheSourceSaved() throws Exception {
        var src = new GeneratedSource("gen.bad.Bad", """
                package gen.bad;

                final class Bad {
                    float f(float x) {
                        return (float) x;
                    }
                }
                """);
        GeneratedCodeException e = assertThrows(GeneratedCodeException.class, () -> InMemoryCompiler.compile(src));
        assertTrue(e.getMessage().startsWith("rnnc bug"), e.getMessage());
        assertTrue(e.getMessage().contains("redundant cast"), e.getMessage());
        assertTrue(e.getMessage().contains(e.savedSources().toString()), e.getMessage());
        assertTrue(Files.readString(e.savedSources().resolve("gen/bad/Bad.java")).contains("class Bad"));
    }

    @Test
    void methodSizesRejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> MethodSizes.of(new byte[] {1, 2, 3, 4, 5}));
    }
}
