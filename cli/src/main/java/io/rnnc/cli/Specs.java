package io.rnnc.cli;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.RnnModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Reading a spec for a command: diagnostics to stderr, one model chosen, compiled in memory. */
final class Specs {

    private Specs() {
    }

    /** Parses and prints every diagnostic to {@code err}, errors or not. */
    static ParseResult parseAndReport(Path spec, PrintWriter err) {
        ParseResult r = Rnnc.parse(spec);
        if (!r.diagnostics().isEmpty()) {
            err.print(r.render());
            err.flush();
        }
        return r;
    }

    /** Parses; prints every diagnostic to {@code err}; throws a user error if there are errors. */
    static ParseResult parse(Path spec, PrintWriter err) {
        ParseResult r = parseAndReport(spec, err);
        if (r.hasErrors()) {
            throw new UserException(spec + ": " + r.diagnostics().summary() + " (listed above)");
        }
        return r;
    }

    /** The one model of the spec, or the one named {@code name} when the spec has several. */
    static Model model(Path spec, String name, PrintWriter err) {
        List<Model> models = parse(spec, err).models();
        if (models.isEmpty()) {
            throw new UserException(spec + ": no models in this file");
        }
        if (name != null) {
            return models.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new UserException(
                    spec + ": no model named '" + name + "'; the file has " + names(models)));
        }
        if (models.size() > 1) {
            throw new UserException(spec + " holds " + models.size() + " models (" + names(models)
                    + "); choose one with --model NAME");
        }
        return models.get(0);
    }

    /** Generates the model's class, compiles it in memory and loads (and initialises) it. */
    static Class<?> load(Model model) {
        var source = CodeGenerator.generate(model);
        return InMemoryCompiler.compile(source).load(source.qualifiedName());
    }

    /** Generates, compiles in memory and instantiates the model's class. */
    static RnnModel instantiate(Model model) {
        var source = CodeGenerator.generate(model);
        return InMemoryCompiler.compile(source).instantiate(source.qualifiedName(), RnnModel.class);
    }

    static String names(List<Model> models) {
        return models.stream().map(Model::name).collect(Collectors.joining(", "));
    }
}
