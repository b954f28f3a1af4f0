package io.rnnc.runtime.data;

import io.rnnc.runtime.io.RnncIoException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Class names and their ids (the targets of classification and tagging), built from the training split. No id is
 * reserved: class k is output k of the head. When every training label is a whole number 0..999999999 the label
 * is its own id ({@code 7} is class 7, so labels {@code 0..9} are the digits, and unseen numbers below the largest
 * stay unused); otherwise the labels are numbered in ascending code-point order, so the ids depend only on the set
 * of training labels.
 */
public final class Labels {

    private final boolean numeric;
    private final List<String> names;
    private final Map<String, Integer> ids = new HashMap<>();

    private Labels(boolean numeric, List<String> names) {
        this.numeric = numeric;
        this.names = List.copyOf(names);
        for (int k = 0; k < this.names.size(); k++) {
            String n = this.names.get(k);
            if (n.isEmpty() || !n.strip().equals(n)) {
                throw new IllegalArgumentException("a label must be non-empty without surrounding blanks: '" + n + "'");
            }
            if (numeric && !n.equals(Integer.toString(k))) {
                throw new IllegalArgumentException("numeric label " + k + " is named '" + n + "'");
            }
            if (ids.put(n, k) != null) {
                throw new IllegalArgumentException("label '" + n + "' repeats");
            }
        }
    }

    /** The labels of the training split. */
    public static Labels build(Iterable<String> trainingLabels) {
        TreeSet<String> distinct = new TreeSet<>(Vocabulary.CODE_POINT_ORDER);
        boolean numeric = true;
        int max = -1;
        for (String l : trainingLabels) {
            distinct.add(l);
            if (numeric && l.matches("0|[1-9][0-9]{0,8}")) {
                max = Math.max(max, Integer.parseInt(l));
            } else {
                numeric = false;
            }
        }
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("no labels");
        }
        if (numeric) {
            List<String> names = new ArrayList<>();
            for (int k = 0; k <= max; k++) {
                names.add(Integer.toString(k));
            }
            return new Labels(true, names);
        }
        return new Labels(false, new ArrayList<>(distinct));
    }

    /** Exactly these classes, class k named {@code names.get(k)}. */
    public static Labels of(List<String> names) {
        return new Labels(false, names);
    }

    /** Number of classes (the head must output at least this many). */
    public int size() {
        return names.size();
    }

    /** Labels are whole numbers, each its own id. */
    public boolean numeric() {
        return numeric;
    }

    public List<String> names() {
        return names;
    }

    public String name(int id) {
        return names.get(id);
    }

    /** The id of a label, or -1. */
    public int id(String label) {
        Integer id = ids.get(label);
        return id == null ? -1 : id;
    }

    /**
     * The id of a label read at {@code where} ({@code file:line:column}).
     *
     * @throws RnncIoException if the training split has no such label
     */
    public int idAt(String label, String where) {
        int id = id(label);
        if (id < 0) {
            throw new RnncIoException(where + ": label '" + label + "' is not among the training split's " + size()
                    + " classes " + preview());
        }
        return id;
    }

    /**
     * Checks that a head of {@code outputs} classes can hold them.
     *
     * @throws RnncIoException {@code the data has 5 classes [neg, neu, pos, ...]: write `dense 5 softmax` or more
     *                         (the spec says 3)}
     */
    public void checkFits(int outputs) {
        if (size() > outputs) {
            throw new RnncIoException("the data has " + size() + " classes " + preview() + ": write `dense " + size()
                    + " softmax` or more (the spec says " + outputs + ")");
        }
    }

    private String preview() {
        return names.size() <= 8 ? names.toString() : names.subList(0, 8).toString().replace("]", ", ...]");
    }

    /** Keys {@code <prefix>kind} ({@code numeric|names}) and {@code <prefix>names} (a JSON array), in this order. */
    public Map<String, String> toMetadata(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "kind", numeric ? "numeric" : "names");
        m.put(prefix + "names", JsonValues.stringArray(names));
        return Collections.unmodifiableMap(m);
    }

    public static Labels fromMetadata(Map<String, String> metadata, String prefix) {
        String kind = Vocabulary.required(metadata, prefix + "kind");
        String names = Vocabulary.required(metadata, prefix + "names");
        try {
            if (!kind.equals("numeric") && !kind.equals("names")) {
                throw new IllegalArgumentException("kind must be 'numeric' or 'names', not '" + kind + "'");
            }
            return new Labels(kind.equals("numeric"), JsonValues.parseStringArray(names));
        } catch (IllegalArgumentException e) {
            throw new RnncIoException("metadata: damaged labels '" + prefix + "': " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && l.numeric == numeric && l.names.equals(names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(numeric, names);
    }

    @Override
    public String toString() {
        return "Labels" + preview();
    }
}
