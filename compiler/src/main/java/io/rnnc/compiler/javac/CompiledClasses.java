package io.rnnc.compiler.javac;

import java.util.Map;

/**
 * The result of an in-memory compilation: every class file produced (by binary name) and a fresh
 * class loader that defines them, whose parent sees the rnnc runtime.
 */
public final class CompiledClasses {

    private final Map<String, byte[]> classFiles;
    private final ClassLoader loader;

    CompiledClasses(Map<String, byte[]> classFiles, ClassLoader loader) {
        this.classFiles = Map.copyOf(classFiles);
        this.loader = loader;
    }

    /** Class file bytes by binary name ({@code io.rnnc.samples.mnist.MnistRnn}, nested classes with {@code $}). */
    public Map<String, byte[]> classFiles() {
        return classFiles;
    }

    public ClassLoader loader() {
        return loader;
    }

    /** Loads (and links) one compiled class. */
    public Class<?> load(String binaryName) {
        try {
            return Class.forName(binaryName, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no compiled class " + binaryName + "; compiled: " + classFiles.keySet(), e);
        }
    }

    /** Loads a class and calls its public no-argument constructor. */
    public <T> T instantiate(String binaryName, Class<T> as) {
        Class<?> c = load(binaryName);
        try {
            return as.cast(c.getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot instantiate " + binaryName + ": " + cause, cause);
        }
    }
}
