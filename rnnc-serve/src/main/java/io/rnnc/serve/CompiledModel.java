package io.rnnc.serve;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.compiler.javac.CompiledClasses;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.RnnModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A model class generated from a spec and compiled in memory (the compiler's own driver): a factory of
 * instances for {@link Predictor#load}, and the class files {@code rnnc package} puts in a jar.
 *
 * @param className  the generated class's binary name
 * @param classFiles its class files by binary name
 * @param factory    new instances (initialised from the spec's seed)
 */
public record CompiledModel(String className, Map<String, byte[]> classFiles, Supplier<RnnModel> factory) {

    /**
     * Parses {@code spec} and compiles its one model (or the one named {@code name}).
     *
     * @throws BadRequest with the located diagnostics if the spec has errors, or naming the models to choose from
     */
    public static CompiledModel compile(Path spec, String name) {
        ParseResult r = Rnnc.parse(spec);
        if (r.hasErrors()) {
            throw new BadRequest(r.render().strip());
        }
        List<Model> models = r.models();
        Model model;
        if (name != null) {
            model = models.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new BadRequest(spec + ": no model named '" + name + "'; the file has " + names(models)));
        } else if (models.size() == 1) {
            model = models.get(0);
        } else {
            throw new BadRequest(spec + (models.isEmpty() ? ": no models in this file"
                    : " holds " + models.size() + " models (" + names(models) + "); choose one by name"));
        }
        return of(model);
    }

    /** Generates and compiles a model already parsed and validated. */
    public static CompiledModel of(Model model) {
        GeneratedSource source = CodeGenerator.generate(model);
        CompiledClasses classes = InMemoryCompiler.compile(source);
        String cls = source.qualifiedName();
        return new CompiledModel(cls, classes.classFiles(), () -> classes.instantiate(cls, RnnModel.class));
    }

    /**
     * A predictor of the model of {@code spec} (model {@code name}, or its only one), compiled in memory, with the
     * weights of {@code checkpoint}. (Here rather than in {@link Predictor}, so that a packaged model, which has no
     * compiler, never meets a compiler class.)
     */
    public static Predictor predictor(Path spec, String name, Path checkpoint, int workers) {
        return Predictor.load(compile(spec, name).factory(), checkpoint, workers);
    }

    private static String names(List<Model> models) {
        return models.stream().map(Model::name).collect(Collectors.joining(", "));
    }
}
