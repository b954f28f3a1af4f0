package io.rnnc.compiler.plan;

import io.rnnc.compiler.cell.Cell;
import io.rnnc.compiler.cell.CellState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One recurrent layer: its cell, its sizes (as constant names), its parameters' offset constants, and the
 * buffers it reads and writes, by stem. Every layer has {@code h} {@code [T + 1, n, H]} (slot 0 = initial
 * state), {@code gates} {@code [T, n, GS]}, {@code dh} {@code [T, n, H]} (from above) and {@code dhNext}
 * {@code [n, HS]}; the cell's other states and buffers ({@code c}, {@code dcNext}, {@code tc}, {@code hn},
 * {@code rec}, {@code dRec}) are there when the cell declares them. Activation buffers are time-major with a
 * row stride of the live batch size {@code n}, so step t's block is contiguous.
 *
 * @param name    method-name stem: {@code layer0}, {@code encoderLayer1}
 * @param h       hidden width constant ({@code H0})
 * @param hs      row stride of dhNext ({@code HS0}): H padded like GS
 * @param g       gate rows G·H ({@code G0})
 * @param gs      row stride of the gate buffers ({@code GS0}): in float32 G rounded up to whole vectors
 *                ({@code Layout.padded}), so the products store whole vectors; the padding is scratch
 * @param in      input width constant ({@code IN0})
 * @param packed  float32: the packed weights; empty in float64 (its products read W in place)
 * @param table   float32 cells with a gate-activation table: its static field name; else null
 * @param reverse this is the backward-in-time direction of a bidirectional layer: its state buffers keep the
 *                initial state in slot T and step t's new state in slot t
 * @param reverseDirection a bidirectional layer's forward plan: the plan of its reverse direction (own
 *                buffers, parameters {@code …_reverse}, packed weights); else empty
 * @param out     the width constant of what the layer hands up per step: {@code h}, or {@code OUT0} = 2·H0
 *                when bidirectional (then the forward plan has the {@code out}/{@code dOut} buffers
 *                {@code [T, n, OUT0]}: [h_fwd_t, h_bwd_t] and d loss / d it)
 */
public record LayerPlan(String name, int index, Cell cell, int hidden, int inputWidth, String h, String hs, String g,
                        String gs, String in, LayerParams params, Map<String, Buffer> buffers,
                        Optional<PackedWeights> packed, String table, boolean reverse,
                        Optional<LayerPlan> reverseDirection, String out) {

    public LayerPlan {
        buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
    }

    public boolean bidirectional() {
        return reverseDirection.isPresent();
    }

    public boolean has(String stem) {
        return buffers.containsKey(stem);
    }

    /** The buffer's field name. */
    public String buf(String stem) {
        Buffer b = buffers.get(stem);
        if (b == null) {
            throw new IllegalStateException(name + " has no buffer " + stem);
        }
        return b.name();
    }

    /** This plan with a reverse direction (a bidirectional layer's forward plan). */
    public LayerPlan withReverse(Optional<LayerPlan> r) {
        return new LayerPlan(name, index, cell, hidden, inputWidth, h, hs, g, gs, in, params, buffers, packed, table,
                reverse, r, out);
    }

    /** The width constant of a state's gradient rows: HS for h (padded), H for the others. */
    public String gradStride(CellState s) {
        return s.padded() ? hs : h;
    }
}
