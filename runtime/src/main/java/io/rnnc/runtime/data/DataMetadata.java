package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trained model needs to read new data exactly as it read its training data, as checkpoint metadata: the
 * format, the token settings and vocabularies, the class labels, the normalisation and the series columns. Every
 * part but the format may be absent (null). Keys, in this order, each group only when present (without a prefix:
 * {@code Checkpoint.save} stores them under {@code rnnc.data.} and {@code Checkpoint.Loaded.data()} gives them back
 * without it):
 * <pre>
 *   format                    text | series | table | sequences | pairs | idx
 *   input.*                   the input (source) Vocabulary
 *   target.*                  the target Vocabulary (pairs; text models predict input tokens)
 *   labels.*                  the class Labels (sequences)
 *   norm.*                    the Normalization (series)
 *   series.inputs / targets   JSON arrays of column names
 *   series.steps / horizon / every_step
 * </pre>
 * Same data, same map, same order: a checkpoint written twice holds the same bytes.
 *
 * @param format      the data format
 * @param input       the vocabulary of token inputs (text, sequences, pairs' sources), or null
 * @param target      the vocabulary of token targets (pairs), or null
 * @param labels      class names (sequences), or null
 * @param norm        the normalisation (series), or null
 * @param series      the window spec (series), or null
 */
public record DataMetadata(DataFormat format, Vocabulary input, Vocabulary target, Labels labels, Normalization norm,
                           SeriesWindows.Spec series) {

    public DataMetadata {
        if (format == null) {
            throw new IllegalArgumentException("the data format is required");
        }
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", format.word());
        if (input != null) {
            m.putAll(input.toMetadata("input."));
        }
        if (target != null) {
            m.putAll(target.toMetadata("target."));
        }
        if (labels != null) {
            m.putAll(labels.toMetadata("labels."));
        }
        if (norm != null) {
            m.putAll(norm.toMetadata("norm."));
        }
        if (series != null) {
            m.put("series.inputs", JsonValues.stringArray(series.inputs()));
            m.put("series.targets", JsonValues.stringArray(series.targets()));
            m.put("series.steps", Integer.toString(series.steps()));
            m.put("series.horizon", Integer.toString(series.horizon()));
            m.put("series.every_step", Boolean.toString(series.everyStep()));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Reads {@link #toMetadata} back from a checkpoint's metadata (other keys are ignored).
     *
     * @throws RnncIoException naming a missing or damaged key
     */
    public static DataMetadata fromMetadata(Map<String, String> m) {
        try {
            return read(m);
        } catch (RnncIoException e) {
            throw new RnncIoException("the checkpoint's data settings (rnnc.data.*): " + e.getMessage().replaceFirst("^metadata: ", ""), e);
        }
    }

    private static DataMetadata read(Map<String, String> m) {
        DataFormat format = DataFormat.parse(Vocabulary.required(m, "format"));
        Vocabulary input = m.containsKey("input.tokens") ? Vocabulary.fromMetadata(m, "input.") : null;
        Vocabulary target = m.containsKey("target.tokens") ? Vocabulary.fromMetadata(m, "target.") : null;
        Labels labels = m.containsKey("labels.kind") ? Labels.fromMetadata(m, "labels.") : null;
        Normalization norm = m.containsKey("norm.columns") ? Normalization.fromMetadata(m, "norm.") : null;
        SeriesWindows.Spec series = null;
        if (m.containsKey("series.inputs")) {
            try {
                List<String> inputs = JsonValues.parseStringArray(Vocabulary.required(m, "series.inputs"));
                List<String> targets = JsonValues.parseStringArray(Vocabulary.required(m, "series.targets"));
                String every = Vocabulary.required(m, "series.every_step");
                if (!every.equals("true") && !every.equals("false")) {
                    throw new IllegalArgumentException("every_step must be true or false, not '" + every + "'");
                }
                series = new SeriesWindows.Spec(inputs, targets, Integer.parseInt(Vocabulary.required(m, "series.steps")),
                        Integer.parseInt(Vocabulary.required(m, "series.horizon")), Boolean.parseBoolean(every));
            } catch (IllegalArgumentException e) {
                throw new RnncIoException("metadata: damaged series settings 'series.': " + e.getMessage(), e);
            }
        }
        return new DataMetadata(format, input, target, labels, norm, series);
    }
}
