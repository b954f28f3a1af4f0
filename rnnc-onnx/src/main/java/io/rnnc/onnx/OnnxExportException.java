package io.rnnc.onnx;

import io.rnnc.compiler.model.SourcePos;

/**
 * A model, weights or option the exporter cannot turn into ONNX, with the reason: a user error (the CLI
 * exits 1), never a failure of the exporter itself. {@link #where()} is the spec position the refusal is
 * about, or {@link SourcePos#NONE} when it is about the weights.
 */
public final class OnnxExportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SourcePos where;

    public OnnxExportException(SourcePos where, String message) {
        super(where == null || where.equals(SourcePos.NONE) ? message : where + ": " + message);
        this.where = where == null ? SourcePos.NONE : where;
    }

    public SourcePos where() {
        return where;
    }
}
