package io.rnnc.compiler.cell;

import java.util.Map;

/**
 * The names one step of a cell reads and writes, as the layer emitter (training) or the generation emitter
 * (one step over up to B rows) lays them out: arrays by stem, and each array's base offset for the step's
 * block of rows. Row r's hidden-width slice of an array is at {@code base + r * H}; its gate row at
 * {@code base + r * GS}.
 *
 * @param arrays   array names by stem: {@code gates}, {@code h}, {@code c}, {@code tc}, {@code hn}, {@code rec},
 *                 and in the backward pass {@code dh}, {@code dhNext}, {@code dcNext}, {@code dGates}, {@code dRec}
 * @param prev     base offsets of the states' previous values ({@code h}, {@code c}) and of per-step buffers
 * @param next     base offsets of the states' new values ({@code h}, {@code c})
 * @param h        the hidden width constant ({@code H0})
 * @param gs       the gate-row stride constant ({@code GS0})
 * @param hs       the dhNext row stride constant ({@code HS0}), backward only
 * @param bHh      offset constant of b_hh (GRU's b_hn is added inside r * (...))
 * @param table    float32 LSTM: the static gate-activation table of the layer; else null
 * @param float32  the element type is float
 * @param rows     the variable holding the step's row count: {@code n}, or {@code m} when a step covers only
 *                 the rows still running (per-sample lengths: the first m rows of the length order)
 */
public record Step(Map<String, String> arrays, Map<String, String> prev, Map<String, String> next, String h, String gs,
                   String hs, String bHh, String table, boolean float32, String rows) {

    public Step {
        arrays = Map.copyOf(arrays);
        prev = Map.copyOf(prev);
        next = Map.copyOf(next);
    }

    public String array(String stem) {
        String a = arrays.get(stem);
        if (a == null) {
            throw new IllegalStateException("step has no array " + stem + ": " + arrays.keySet());
        }
        return a;
    }

    /** Base offset of {@code stem}'s block for this step (previous value for states). */
    public String base(String stem) {
        String b = prev.get(stem);
        if (b == null) {
            throw new IllegalStateException("step has no base for " + stem + ": " + prev.keySet());
        }
        return b;
    }

    /** Base offset of a state's new value. */
    public String nextBase(String stem) {
        String b = next.get(stem);
        if (b == null) {
            throw new IllegalStateException("step has no next base for " + stem);
        }
        return b;
    }

    /** {@code base + hr} without a {@code 0 + }. */
    public static String plus(String base, String term) {
        return base.equals("0") ? term : base + " + " + term;
    }
}
