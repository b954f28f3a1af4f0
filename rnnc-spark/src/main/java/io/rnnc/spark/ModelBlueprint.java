package io.rnnc.spark;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.codegen.CodeGenerator;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.model.ChunkedModel;

import java.io.Serializable;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * A generated model class as bytecode, compiled once on the driver and shipped to the executors inside the
 * tasks. Shipping the class rather than the spec means an executor needs neither javac nor the compiler, and
 * every executor runs exactly the driver's bytecode. Each executor JVM defines the class once (per blueprint)
 * and keeps a pool of instances, one per task running at a time.
 */
public final class ModelBlueprint implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Class loaders of the blueprints this JVM has seen, by key. */
    private static final Map<String, ClassLoader> LOADERS = new ConcurrentHashMap<>();
    /** Idle instances of each blueprint, by key: a task borrows one and gives it back. */
    private static final Map<String, ConcurrentLinkedQueue<ChunkedModel>> POOLS = new ConcurrentHashMap<>();

    private final String className;
    private final TreeMap<String, byte[]> classFiles;
    /** SHA-256 of the class files: the identity of the bytecode. */
    private final String key;

    ModelBlueprint(String className, Map<String, byte[]> classFiles) {
        this.className = className;
        this.classFiles = new TreeMap<>(classFiles);
        this.key = digest(this.classFiles);
    }

    /**
     * Parses the spec, generates and compiles the one model (or the one named {@code name}) in memory.
     *
     * @throws UserError with the diagnostics if the spec has errors, or no such model
     */
    public static ModelBlueprint compile(Path spec, String name) {
        ParseResult r = Rnnc.parse(spec);
        if (r.hasErrors()) {
            throw new UserError(r.render().strip());
        }
        List<Model> models = r.models();
        Model model;
        if (name != null) {
            model = models.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UserError(spec + ": no model named '" + name + "'; the file has " + names(models)));
        } else if (models.size() == 1) {
            model = models.get(0);
        } else {
            throw new UserError(spec + (models.isEmpty() ? ": no models in this file"
                    : " holds " + models.size() + " models (" + names(models) + "); choose one with --model NAME"));
        }
        if (model.stack().stateful()) {
            // Shuffled samples in independent shards cannot continue one another's states
            throw new UserError(spec + ": model " + model.name() + " is stateful (sequence " + model.stack().steps() + " "
                    + model.mode().toString().toLowerCase(java.util.Locale.ROOT) + " stateful): training on Spark reads "
                    + "independent samples and carries no state from one batch to the next; train it with 'rnnc train'");
        }
        var source = CodeGenerator.generate(model);
        return new ModelBlueprint(source.qualifiedName(), InMemoryCompiler.compile(source).classFiles());
    }

    private static String names(List<Model> models) {
        return models.stream().map(Model::name).collect(Collectors.joining(", "));
    }

    public String className() {
        return className;
    }

    /** A new instance (initialised from the spec's seed, as its constructor does). */
    public ChunkedModel newModel() {
        ClassLoader loader = LOADERS.computeIfAbsent(key, k -> new BytesLoader(classFiles, ModelBlueprint.class.getClassLoader()));
        Object instance;
        try {
            instance = Class.forName(className, true, loader).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate generated class " + className, e);
        }
        if (!(instance instanceof ChunkedModel m)) {
            throw new IllegalStateException(className + " is not a ChunkedModel");
        }
        return m;
    }

    /** An idle instance of this JVM's pool, or a new one; give it back with {@link #release}. */
    ChunkedModel borrow() {
        ChunkedModel m = POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (m == null) {
            m = newModel();
            // One task is one core: Spark runs as many tasks as the executor has cores
            m.setThreads(1);
        }
        return m;
    }

    void release(ChunkedModel m) {
        POOLS.get(key).add(m);
    }

    private static String digest(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Defines the generated classes from their bytes; everything else comes from the parent. */
    private static final class BytesLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final Map<String, byte[]> files;

        BytesLoader(Map<String, byte[]> files, ClassLoader parent) {
            super(parent);
            this.files = new HashMap<>(files);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = files.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
