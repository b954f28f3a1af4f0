package io.rnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The schedules' rates, as PyTorch's StepLR, CosineAnnealingLR (per step) and LinearLR warm-up give them. */
class LearningRateTest {

    @Test
    void stepDecaysEveryNEpochs() {
        LearningRate s = new LearningRate(LearningRate.Kind.STEP, 0.1, 0, 2, 0.5, 0);
        assertEquals(0.1, s.at(0, 0, 100, 1));
        assertEquals(0.1, s.at(10, 1, 100, 1));
        assertEquals(0.05, s.at(20, 2, 100, 1), 1e-15);
        assertEquals(0.025, s.at(50, 5, 100, 1), 1e-15);
    }

    @Test
    void cosineFallsToZeroOverTheStepsAfterTheWarmUp() {
        LearningRate s = new LearningRate(LearningRate.Kind.COSINE, 0.2, 10, 1, 1, 0);
        assertEquals(0.2 * 1 / 10, s.at(0, 0, 110, 1), 1e-15, "warm-up starts at base / W");
        assertEquals(0.2 * 5 / 10, s.at(4, 0, 110, 1), 1e-15);
        assertEquals(0.2, s.at(10, 0, 110, 1), 1e-15, "the cosine starts at the base rate after the warm-up");
        assertEquals(0.1, s.at(60, 0, 110, 1), 1e-15, "half-way: half the rate");
        assertEquals(0, s.at(110, 0, 110, 1), 1e-15);
    }

    @Test
    void plateauScalesByWhatTheTrainerDecayedAndConstantStays() {
        LearningRate p = new LearningRate(LearningRate.Kind.PLATEAU, 0.01, 0, 1, 0.1, 2);
        assertEquals(0.001, p.at(5, 3, 10, 0.1), 1e-15);
        LearningRate c = LearningRate.constant(0.3);
        assertEquals(0.3, c.at(1000, 9, 10, 1));
        assertEquals(false, c.varies());
    }

    @Test
    void aScheduleRoundTripsThroughItsCheckpointLineAndRefusesNonsense() {
        LearningRate s = new LearningRate(LearningRate.Kind.PLATEAU, 0.002, 50, 3, 0.25, 4);
        assertEquals(s, LearningRate.parseSpec(s.toSpec()));
        assertEquals("lr 0.002, x0.25 after 4 epochs without a better validation loss, warm-up 50 steps", s.toString());
        assertThrows(IllegalArgumentException.class, () -> new LearningRate(LearningRate.Kind.STEP, 0.1, 0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRate.Kind.parse("linear"));
    }
}
