package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.javac.InMemoryCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of docs/api.md compiles (under the generated code's own -Xlint:all -Werror), each as the
 * body of a method, against the classes generated from the sample specs the page uses.
 */
class ApiDocTest {

    static final String IMPORTS = """
            import io.rnnc.runtime.*;
            import io.rnnc.runtime.data.*;
            import io.rnnc.runtime.generate.*;
            import io.rnnc.runtime.init.*;
            import io.rnnc.runtime.io.*;
            import io.rnnc.runtime.model.*;
            import io.rnnc.runtime.state.*;
            import io.rnnc.runtime.train.*;
            import java.nio.file.*;
            import java.util.*;
            import io.rnnc.samples.mnist.MnistRnn;
            import io.rnnc.samples.CharLstm;
            import io.rnnc.samples.Spell2Sound;
            import io.rnnc.samples.DigitDrawer;
            """;

    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?ms)^```java\\n(.*?)^```").matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void everyJavaBlockOfTheApiGuideCompiles() throws IOException {
        String page = Files.readString(Cli.root().resolve("docs/api.md"));
        List<String> blocks = javaBlocks(page);
        assertTrue(blocks.size() >= 8, "docs/api.md has " + blocks.size() + " java blocks");
        List<GeneratedSource> sources = new ArrayList<>();
        PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
        for (String spec : List.of("samples/mnist/mnist_rnn.rnn", "samples/specs/char_lstm.rnn", "samples/specs/spell_to_sound.rnn",
                "samples/specs/digit_drawer.rnn")) {
            sources.add(CodeGenerator.generate(Specs.model(Cli.root().resolve(spec), null, quiet)));
        }
        for (int i = 0; i < blocks.size(); i++) {
            String name = "ApiBlock" + (i + 1);
            String body = blocks.get(i).indent(8);
            sources.add(new GeneratedSource("docs." + name, "package docs;\n\n" + IMPORTS + "\n/** docs/api.md, java block "
                    + (i + 1) + ". */\nfinal class " + name + " {\n    static void example() throws Exception {\n" + body
                    + "    }\n}\n"));
        }
        InMemoryCompiler.compile(sources); // throws with javac's messages if a block does not compile
    }
}
