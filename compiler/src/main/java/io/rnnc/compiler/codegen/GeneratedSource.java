package io.rnnc.compiler.codegen;

/**
 * One generated Java compilation unit.
 *
 * @param qualifiedName the class's fully-qualified name, e.g. {@code io.rnnc.samples.mnist.MnistRnn}
 * @param source        the complete source text
 */
public record GeneratedSource(String qualifiedName, String source) {

    /** Where the file goes under a source root: {@code io/rnnc/samples/mnist/MnistRnn.java}. */
    public String relativePath() {
        return qualifiedName.replace('.', '/') + ".java";
    }

    public String simpleName() {
        int dot = qualifiedName.lastIndexOf('.');
        return dot < 0 ? qualifiedName : qualifiedName.substring(dot + 1);
    }
}
