package io.rnnc.serve;

import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.io.AtomicFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * {@code rnnc package}: one jar holding a model's compiled class, the runtime, the serving classes and the
 * checkpoint, loadable with {@link ModelJar#load()} and runnable as {@code java -jar model.jar predict}. The jar
 * is the same bytes for the same spec and checkpoint (entries sorted, one fixed time stamp).
 */
public final class ModelPackager {

    /** Serving classes that need the compiler stay out of the jar. */
    private static final Set<String> COMPILER_SIDE = Set.of("io/rnnc/serve/CompiledModel", "io/rnnc/serve/ModelPackager");
    /** 1980-01-02, the zip format's earliest date plus a day (no time zone can make it earlier). */
    private static final long FIXED_TIME = 315_619_200_000L;

    private ModelPackager() {
    }

    /** What was written. */
    public record Packaged(Path jar, String className, String model, int entries, long bytes) {
    }

    /**
     * Compiles {@code spec}'s model ({@code name}, or its only one), checks that {@code checkpoint} is that model's
     * (exactly as {@link Predictor#load} does) and writes the jar atomically; nothing is written if a check fails.
     *
     * @throws BadRequest                          if the spec has errors
     * @throws io.rnnc.runtime.io.RnncIoException if the checkpoint does not belong to the model, or the jar cannot be written
     */
    public static Packaged write(Path spec, String name, Path checkpoint, Path jar) {
        AtomicFile.checkWritable(jar);
        return write(CompiledModel.compile(spec, name), checkpoint, jar);
    }

    /** Like {@link #write(Path, String, Path, Path)} for a model parsed already ({@code rnnc package}). */
    public static Packaged write(io.rnnc.compiler.model.Model model, Path checkpoint, Path jar) {
        AtomicFile.checkWritable(jar);
        return write(CompiledModel.of(model), checkpoint, jar);
    }

    private static Packaged write(CompiledModel compiled, Path checkpoint, Path jar) {
        Predictor checked = Predictor.load(compiled.factory(), checkpoint, 1);
        TreeMap<String, byte[]> entries = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : compiled.classFiles().entrySet()) {
            entries.put(e.getKey().replace('.', '/') + ".class", e.getValue());
        }
        copyClasses(RnnModel.class, "io/rnnc/runtime/", entries);
        copyClasses(ModelJar.class, "io/rnnc/serve/", entries);
        String props = "# written by rnnc package\nclass=" + compiled.className() + "\nname=" + checked.info().name()
                + "\nmode=" + checked.info().mode() + "\n";
        entries.put(ModelJar.PROPERTIES, props.getBytes(StandardCharsets.UTF_8));
        try {
            entries.put(ModelJar.WEIGHTS, Files.readAllBytes(checkpoint));
        } catch (IOException e) {
            throw new io.rnnc.runtime.io.RnncIoException("cannot read " + checkpoint + ": " + e.getMessage(), e);
        }
        byte[] bytes = jarBytes(entries);
        AtomicFile.write(jar, out -> out.write(bytes));
        return new Packaged(jar, compiled.className(), checked.info().name(), entries.size(), bytes.length);
    }

    private static byte[] jarBytes(TreeMap<String, byte[]> entries) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ModelJar.class.getName());
        m.getMainAttributes().put(new Attributes.Name("Created-By"), "rnnc package");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out)) {
            JarEntry me = new JarEntry(JarFile.MANIFEST_NAME);
            me.setTime(FIXED_TIME);
            jar.putNextEntry(me);
            m.write(jar);
            jar.closeEntry();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                JarEntry je = new JarEntry(e.getKey());
                je.setTime(FIXED_TIME);
                jar.putNextEntry(je);
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The class files under {@code prefix} from wherever {@code anchor} was loaded (a directory or a jar). */
    private static void copyClasses(Class<?> anchor, String prefix, Map<String, byte[]> into) {
        Path from;
        try {
            from = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            throw new IllegalStateException("cannot find where " + anchor.getName() + " was loaded from", e);
        }
        try {
            if (Files.isDirectory(from)) {
                Path root = from.resolve(prefix);
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String entry = from.relativize(f).toString().replace('\\', '/');
                        if (keep(entry)) {
                            into.put(entry, Files.readAllBytes(f));
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(from.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry je = e.nextElement();
                        if (je.getName().startsWith(prefix) && keep(je.getName())) {
                            try (InputStream in = jar.getInputStream(je)) {
                                into.put(je.getName(), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classes of " + from + ": " + e.getMessage(), e);
        }
    }

    private static boolean keep(String entry) {
        if (!entry.endsWith(".class")) {
            return false;
        }
        String cls = entry.substring(0, entry.length() - ".class".length());
        int nested = cls.indexOf('$');
        return !COMPILER_SIDE.contains(nested < 0 ? cls : cls.substring(0, nested));
    }
}
