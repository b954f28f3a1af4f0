package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import it.rnnc.models.SignOfSum;
import it.rnnc.testmodels.Echo;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeneratedModelTest {

    @Test
    void generatedClassTrains() {
        RnnModel model = new SignOfSum();
        assertEquals("SignOfSum", model.info().name());
        model.initialize(3);
        Batch batch = Batch.forModel(model.info());
        Random rnd = new Random(1);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 150; step++) {
            for (int b = 0; b < batch.size(); b++) {
                double sum = 0;
                for (int t = 0; t < 6; t++) {
                    double v = rnd.nextGaussian();
                    batch.features[b * 6 + t] = v;
                    sum += v;
                }
                batch.classes[b] = sum > 0 ? 1 : 0;
            }
            double loss = model.trainStep(batch);
            if (step < 10) {
                first += loss / 10;
            }
            if (step >= 140) {
                last += loss / 10;
            }
        }
        System.out.println("IT-LOSS first=" + first + " last=" + last);
        assertTrue(first > 0.5, "starts near ln 2: " + first);
        assertTrue(last < 0.3, "learns the sign of the sum: " + first + " -> " + last);
    }

    @Test
    void testSourceRootModelIsThere() {
        RnnModel echo = new Echo();
        assertEquals(2, echo.info().outputs());
        assertEquals("many_to_many", echo.info().mode());
    }
}
