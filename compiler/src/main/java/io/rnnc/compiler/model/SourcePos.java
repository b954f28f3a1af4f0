package io.rnnc.compiler.model;

/**
 * Where a piece of a spec came from: file name as given by the caller, 1-based line and column,
 * and the length of the token in characters (at least 1, so a caret can always be drawn).
 */
public record SourcePos(String file, int line, int column, int length) {
    /** For models built in code rather than parsed. */
    public static final SourcePos NONE = new SourcePos("<none>", 0, 0, 1);

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
