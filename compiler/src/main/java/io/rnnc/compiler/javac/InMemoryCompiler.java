package io.rnnc.compiler.javac;

import io.rnnc.compiler.codegen.GeneratedSource;
import io.rnnc.runtime.RnnModel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources with {@code javax.tools} in memory ({@code -Xlint:all -Werror --release 17},
 * against the rnnc runtime) and loads them in a fresh class loader. Generated code that does not
 * compile cleanly is an rnnc bug: {@link #compile} then saves the sources and throws a
 * {@link GeneratedCodeException} that says so.
 */
public final class InMemoryCompiler {

    /** The options generated code must compile under. */
    public static final List<String> OPTIONS = List.of("-Xlint:all", "-Werror", "--release", "17");

    private InMemoryCompiler() {
    }

    /** Compiles and loads one source. */
    public static CompiledClasses compile(GeneratedSource source) {
        return compile(List.of(source));
    }

    /** Compiles and loads sources together. */
    public static CompiledClasses compile(List<GeneratedSource> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime: rnnc needs a JDK, not a JRE (java.home = "
                    + System.getProperty("java.home") + ")");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, byte[]> out = new TreeMap<>();
        List<JavaFileObject> units = new ArrayList<>();
        for (GeneratedSource s : sources) {
            units.add(new SourceFile(s));
        }
        List<String> options = new ArrayList<>(OPTIONS);
        options.add("-classpath");
        options.add(classPath());
        boolean ok;
        try (StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
             JavaFileManager files = new MemoryFileManager(std, out)) {
            ok = javac.getTask(null, files, diagnostics, options, null, units).call();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory compilation failed: " + e.getMessage(), e);
        }
        if (!ok || !diagnostics.getDiagnostics().isEmpty()) {
            Path saved = save(sources);
            StringBuilder m = new StringBuilder("rnnc bug: the generated class");
            m.append(sources.size() == 1 ? " " + sources.get(0).qualifiedName() : "es").append(" did not compile cleanly (")
                    .append(String.join(" ", OPTIONS)).append("). Please report it with the generated source, saved in ")
                    .append(saved == null ? "(could not be saved)" : saved.toAbsolutePath()).append(":");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                m.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName() + ":")
                        .append(d.getLineNumber()).append(": ").append(d.getKind().toString().toLowerCase(Locale.ROOT))
                        .append(": ").append(d.getMessage(Locale.ROOT));
            }
            throw new GeneratedCodeException(m.toString(), saved);
        }
        return new CompiledClasses(out, new MemoryClassLoader(out, RnnModel.class.getClassLoader()));
    }

    /** The runtime's location (from RnnModel's code source) plus this JVM's class path. */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        try {
            var cs = RnnModel.class.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                entries.add(Path.of(cs.getLocation().toURI()).toString());
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall back to java.class.path alone
        }
        String cp = System.getProperty("java.class.path", "");
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path save(List<GeneratedSource> sources) {
        try {
            Path dir = Files.createTempDirectory("rnnc-generated-");
            for (GeneratedSource s : sources) {
                Path file = dir.resolve(s.relativePath());
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "tmp", ".java");
                Files.writeString(tmp, s.source(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        } catch (IOException e) {
            return null;
        }
    }

    private static final class SourceFile extends SimpleJavaFileObject {
        private final String text;

        SourceFile(GeneratedSource s) {
            super(URI.create("string:///" + s.relativePath()), Kind.SOURCE);
            this.text = s.source();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    private static final class ClassFile extends SimpleJavaFileObject {
        private final String binaryName;
        private final Map<String, byte[]> out;

        ClassFile(String binaryName, Map<String, byte[]> out) {
            super(URI.create("mem:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
            this.binaryName = binaryName;
            this.out = out;
        }

        @Override
        public OutputStream openOutputStream() {
            return new ByteArrayOutputStream() {
                @Override
                public void close() throws IOException {
                    super.close();
                    out.put(binaryName, toByteArray());
                }
            };
        }
    }

    private static final class MemoryFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, byte[]> out;

        MemoryFileManager(StandardJavaFileManager delegate, Map<String, byte[]> out) {
            super(delegate);
            this.out = out;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new ClassFile(className, out);
        }
    }

    private static final class MemoryClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        MemoryClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
