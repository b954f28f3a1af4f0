package io.rnnc.cli;

import java.util.Locale;
import java.util.Map;

/** Measures as people read them: accuracies in percent, the others with four significant digits. */
final class Measures {

    private Measures() {
    }

    /** {@code loss 0.4213, accuracy 91.2%, macro_f1 0.9010} */
    static String line(double loss, Map<String, Double> values) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "loss %.4f", loss));
        values.forEach((k, v) -> s.append(", ").append(k.replace('_', ' ')).append(' ').append(value(k, v)));
        return s.toString();
    }

    static String value(String name, double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (name.endsWith("accuracy")) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** The measure a chart's second panel shows: an accuracy if there is one, else the first. */
    static String primary(Map<String, Double> values) {
        for (String k : values.keySet()) {
            if (k.endsWith("accuracy")) {
                return k;
            }
        }
        return values.isEmpty() ? null : values.keySet().iterator().next();
    }
}
