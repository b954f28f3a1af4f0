package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md names every command and every flag; the README's pom is the one the plugin's IT builds. */
class DocsTest {

    @Test
    void cliMdNamesEveryCommandAndFlag() throws IOException {
        String page = Files.readString(Cli.root().resolve("docs/cli.md"));
        List<String> missing = new ArrayList<>();
        CommandLine rnnc = new CommandLine(new Main());
        for (var e : rnnc.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            if (!page.contains("## " + e.getKey())) {
                missing.add("## " + e.getKey());
            }
            for (CommandLine.Model.OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--model")) {
                    continue; // --help, --version; --model is described once for all commands
                }
                if (!page.contains("`" + o.longestName())) {
                    missing.add(e.getKey() + " " + o.longestName());
                }
            }
        }
        assertTrue(missing.isEmpty(), "docs/cli.md lacks " + missing);
        assertTrue(page.contains("--model NAME"));
    }

    @Test
    void theReadmesPomIsTheOneTheInvokerItBuilds() throws IOException {
        String readme = Files.readString(Cli.root().resolve("README.md"));
        Matcher m = Pattern.compile("(?s)```xml\\n(<\\?xml.*?)```").matcher(readme);
        assertTrue(m.find(), "the README shows a complete pom");
        String it = Files.readString(Cli.root().resolve("rnnc-maven-plugin/src/it/readme-pom/pom.xml"));
        Matcher version = Pattern.compile("<artifactId>rnnc-runtime</artifactId>\\s*<version>([^<]+)</version>").matcher(m.group(1));
        assertTrue(version.find());
        assertEquals(it.replace("@project.version@", version.group(1)), m.group(1), "README.md's pom and src/it/readme-pom/pom.xml");
    }
}
