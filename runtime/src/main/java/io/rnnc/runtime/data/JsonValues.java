package io.rnnc.runtime.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON the data package needs: one JSON Lines record, or a metadata value (an array of strings).
 * Objects become {@code LinkedHashMap<String, Object>} (key order kept), arrays {@code List<Object>}, numbers
 * {@code Double}, plus {@code String}, {@code Boolean} and {@code null}. A syntax error is an
 * {@link IllegalArgumentException} whose message gives the 1-based column and what was expected; the readers
 * put the file and line in front of it.
 */
final class JsonValues {

    private final String s;
    private int i;

    private JsonValues(String s) {
        this.s = s;
    }

    /** Parses one complete JSON value (surrounding blanks allowed). */
    static Object parse(String text) {
        JsonValues p = new JsonValues(text);
        p.blanks();
        Object v = p.value();
        p.blanks();
        if (p.i < text.length()) {
            throw p.error("end of the value");
        }
        return v;
    }

    /** A JSON array of strings, e.g. a vocabulary's tokens. */
    static String stringArray(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < values.size(); k++) {
            b.append(k == 0 ? "" : ",");
            quote(values.get(k), b);
        }
        return b.append(']').toString();
    }

    /** Reads back {@link #stringArray}. */
    static List<String> parseStringArray(String text) {
        Object v = parse(text);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a JSON array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String str)) {
                throw new IllegalArgumentException("expected a JSON array of strings, found " + describe(o));
            }
            out.add(str);
        }
        return out;
    }

    static void quote(String v, StringBuilder b) {
        b.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** What a parsed value is, for messages. */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String str) {
            return "the string \"" + (str.length() > 20 ? str.substring(0, 20) + "..." : str) + "\"";
        }
        if (v instanceof Double d) {
            return "the number " + (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString());
        }
        if (v instanceof Boolean bo) {
            return bo.toString();
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        return "an object";
    }

    private Object value() {
        if (i >= s.length()) {
            throw error("a value");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            case 'n':
                return word("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("a value (object, array, string, number, true, false or null)");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        blanks();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            blanks();
            if (peek() != '"') {
                throw error("a key in double quotes");
            }
            int at = i;
            String key = string();
            blanks();
            expect(':');
            blanks();
            Object v = value();
            if (m.containsKey(key)) {
                i = at;
                throw error("a key not used before in this object (\"" + key + "\" repeats)");
            }
            m.put(key, v);
            blanks();
            if (peek() == ',') {
                i++;
            } else if (peek() == '}') {
                i++;
                return m;
            } else {
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array() {
        List<Object> a = new ArrayList<>();
        i++;
        blanks();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            blanks();
            a.add(value());
            blanks();
            if (peek() == ',') {
                i++;
            } else if (peek() == ']') {
                i++;
                return a;
            } else {
                throw error("',' or ']'");
            }
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw error("the closing '\"' of the string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                i--;
                throw error("no control character inside a string (escape it)");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw error("an escape after '\\'");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
                        throw error("four hex digits after \\u");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> {
                    i--;
                    throw error("an escape \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
                }
            }
        }
    }

    private Double number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') {
                i++;
            }
        } else {
            throw error("a digit");
        }
        if (peek() == '.') {
            i++;
            if (!(peek() >= '0' && peek() <= '9')) {
                throw error("a digit after '.'");
            }
            while (peek() >= '0' && peek() <= '9') {
                i++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!(peek() >= '0' && peek() <= '9')) {
                throw error("a digit in the exponent");
            }
            while (peek() >= '0' && peek() <= '9') {
                i++;
            }
        }
        double d = Double.parseDouble(s.substring(start, i));
        if (Double.isInfinite(d)) {
            i = start;
            throw error("a number within the range of a double");
        }
        return d;
    }

    private Object word(String w, Object v) {
        if (!s.startsWith(w, i)) {
            throw error("a value (object, array, string, number, true, false or null)");
        }
        i += w.length();
        return v;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        i++;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void blanks() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = i >= s.length() ? "the end of the line" : "'" + s.charAt(i) + "'";
        return new IllegalArgumentException("column " + (i + 1) + ": expected " + expected + ", found " + found);
    }
}
