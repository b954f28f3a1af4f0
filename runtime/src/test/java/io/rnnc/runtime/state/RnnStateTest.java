package io.rnnc.runtime.state;

import io.rnnc.runtime.state.StateLayout.LayerState;
import io.rnnc.runtime.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RnnStateTest {

    /** An LSTM layer of 3 over a bidirectional GRU of 2: blocks (0,0) 3 wide, (1,0) and (1,1) 2 wide. */
    static final StateLayout MIXED = new StateLayout("Mixed", "float32",
            List.of(new LayerState("lstm", 3, 1), new LayerState("gru", 2, 2)));

    /** Fills every h and c entry with a value that says where it is. */
    static void label(RnnState s, double base) {
        for (int l = 0; l < s.layout().layers().size(); l++) {
            LayerState layer = s.layout().layers().get(l);
            for (int d = 0; d < layer.directions(); d++) {
                for (int r = 0; r < s.capacity(); r++) {
                    for (int u = 0; u < layer.hidden(); u++) {
                        s.setH(l, d, r, u, base + 1000 * l + 100 * d + 10 * r + u);
                        if (layer.hasCell()) {
                            s.setC(l, d, r, u, -(base + 1000 * l + 100 * d + 10 * r + u));
                        }
                    }
                }
            }
        }
    }

    @Test
    void layoutFollowsPyTorchsHnOrderAndThePrecision() {
        RnnState s = new RnnState(MIXED, 4);
        assertEquals(0, s.offset(0, 0));
        assertEquals(4 * 3, s.offset(1, 0));
        assertEquals(4 * 3 + 4 * 2, s.offset(1, 1));
        assertEquals(4 * 3 + 2 * 4 * 2, s.floatH().length);
        assertNotNull(s.floatC());
        assertNull(s.doubleH());
        s.setH(1, 1, 2, 1, 0.5);
        assertEquals(0.5f, s.floatH()[s.offset(1, 1) + 2 * 2 + 1]);
        assertEquals(0.0, s.h(0, 0, 0, 0), "a new state is zeros, PyTorch's default h_0");

        StateLayout gru64 = new StateLayout("G", "float64", List.of(new LayerState("gru", 5, 1)));
        RnnState d = new RnnState(gru64, 2);
        assertNotNull(d.doubleH());
        assertNull(d.doubleC());
        assertNull(d.floatH());
        IllegalArgumentException noCell = assertThrows(IllegalArgumentException.class, () -> d.c(0, 0, 0, 0));
        assertTrue(noCell.getMessage().contains("no cell state"), noCell.getMessage());
        d.setH(0, 0, 1, 4, 1.0 / 3);
        assertEquals(1.0 / 3, d.h(0, 0, 1, 4), "float64 keeps every bit");
        assertThrows(IndexOutOfBoundsException.class, () -> d.h(0, 1, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> d.h(0, 0, 2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> d.h(0, 0, 0, 5));
    }

    @Test
    void copiesAreIndependent() {
        RnnState s = new RnnState(MIXED, 3);
        label(s, 1);
        RnnState copy = s.copy();
        assertEquals(s.h(1, 1, 2, 1), copy.h(1, 1, 2, 1));
        assertEquals(s.c(0, 0, 1, 2), copy.c(0, 0, 1, 2));
        s.setH(1, 1, 2, 1, 0);
        assertEquals(1 + 1000 + 100 + 20 + 1, copy.h(1, 1, 2, 1));
        RnnState other = new RnnState(MIXED, 3);
        other.copyFrom(copy);
        assertEquals(-(1 + 12), other.c(0, 0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new RnnState(MIXED, 4).copyFrom(s));
    }

    @Test
    void resetAllOrOneRow() {
        RnnState s = new RnnState(MIXED, 3);
        label(s, 1);
        s.resetRow(1);
        for (int l = 0; l < 2; l++) {
            LayerState layer = MIXED.layers().get(l);
            for (int d = 0; d < layer.directions(); d++) {
                for (int u = 0; u < layer.hidden(); u++) {
                    assertEquals(0.0, s.h(l, d, 1, u));
                    assertEquals(1 + 1000 * l + 100 * d + u, s.h(l, d, 0, u), "row 0 untouched");
                    assertEquals(1 + 1000 * l + 100 * d + 20 + u, s.h(l, d, 2, u), "row 2 untouched");
                }
            }
        }
        assertEquals(0.0, s.c(0, 0, 1, 0));
        assertEquals(-(1 + 20), s.c(0, 0, 2, 0));
        s.reset();
        assertEquals(0.0, s.h(1, 1, 2, 1));
        assertEquals(0.0, s.c(0, 0, 2, 2));
    }

    @Test
    void rowsCanBeSelectedRepeatedAndReordered() {
        RnnState s = new RnnState(MIXED, 4);
        label(s, 1);
        // beam search: rows 0..2 become the parents 2, 2, 0; row 3 stays
        s.reorderRows(new int[] {2, 2, 0}, 3);
        int[] expected = {2, 2, 0, 3};
        for (int r = 0; r < 4; r++) {
            for (int l = 0; l < 2; l++) {
                LayerState layer = MIXED.layers().get(l);
                for (int d = 0; d < layer.directions(); d++) {
                    for (int u = 0; u < layer.hidden(); u++) {
                        assertEquals(1 + 1000 * l + 100 * d + 10 * expected[r] + u, s.h(l, d, r, u));
                    }
                }
            }
            assertEquals(-(1 + 10 * expected[r] + 2), s.c(0, 0, r, 2));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> s.reorderRows(new int[] {4}, 1));
        assertThrows(IllegalArgumentException.class, () -> s.reorderRows(new int[] {0}, 2));
    }

    @Test
    void rowsCopyBetweenStatesOfTheSameLayout() {
        RnnState streams = new RnnState(MIXED, 5);
        RnnState user = new RnnState(MIXED, 1);
        label(user, 7);
        streams.copyRowFrom(user, 0, 3);
        assertEquals(7 + 1000 + 100 + 1, streams.h(1, 1, 3, 1));
        assertEquals(0.0, streams.h(1, 1, 2, 1));
        assertEquals(-(7 + 2), streams.c(0, 0, 3, 2));
    }

    @Test
    void anotherModelsStateIsRefusedWithBothLayouts() {
        RnnState s = new RnnState(MIXED, 4);
        s.checkFits(MIXED, 4);
        s.checkFits(new StateLayout("Mixed", "float32", List.of(new LayerState("lstm", 3, 1), new LayerState("gru", 2, 2))), 2);
        StateLayout other = new StateLayout("Other", "float32", List.of(new LayerState("lstm", 3, 1), new LayerState("gru", 2, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.checkFits(other, 1));
        assertEquals("a state of model Mixed (float32 [lstm 3, gru 2 bidirectional]) cannot be used with model Other "
                + "(float32 [lstm 3, gru 2])", e.getMessage());
        StateLayout wide = new StateLayout("Mixed", "float64", MIXED.layers());
        assertThrows(IllegalArgumentException.class, () -> s.checkFits(wide, 1));
        assertThrows(IllegalArgumentException.class, () -> new RnnState(wide, 1).copyFrom(new RnnState(MIXED, 1)));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () -> s.checkFits(MIXED, 5));
        assertTrue(rows.getMessage().contains("holds 4 rows, the batch has 5"), rows.getMessage());
    }

    @Test
    void badLayoutsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LayerState("transformer", 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new LayerState("gru", 3, 3));
        assertThrows(IllegalArgumentException.class, () -> new StateLayout("M", "float16", MIXED.layers()));
        assertThrows(IllegalArgumentException.class, () -> new StateLayout("M", "float32", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new RnnState(MIXED, 0));
    }

    @Test
    void copiesResetsAndReordersAllocateNothing() {
        RnnState a = new RnnState(MIXED, 64);
        RnnState b = new RnnState(MIXED, 64);
        int[] from = new int[64];
        for (int r = 0; r < 64; r++) {
            from[r] = 63 - r;
        }
        long allocated = Allocations.leastOf(5, () -> {
            for (int i = 0; i < 100; i++) {
                a.reorderRows(from, 64);
                b.copyFrom(a);
                b.copyRowFrom(a, i % 64, (i + 1) % 64);
                a.resetRow(i % 64);
                a.checkFits(MIXED, 64);
            }
            a.reset();
        });
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }
}
