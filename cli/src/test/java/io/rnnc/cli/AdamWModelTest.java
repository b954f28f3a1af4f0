package io.rnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.ParseResult;
import io.rnnc.compiler.Rnnc;
import io.rnnc.compiler.model.Model;
import io.rnnc.runtime.Batch;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * {@code optimizer adamw} from the spec to the update: the generated model's step is {@link Adam#stepDecoupled} (checked
 * against PyTorch in AdamWTest) on its flat store, with the spec's settings and PyTorch's default weight decay 0.01; and
 * a learning rate set at run time reaches that step.
 */
class AdamWModelTest {

    static RnnModel model(String optimizer) {
        ParseResult r = Rnnc.parse("adamw.rnn", "model Tiny { input 3  sequence 4 many_to_one  gru 5  dense 2 softmax"
                + "  loss cross_entropy  " + optimizer + "  batch 4 }");
        assertFalse(r.hasErrors(), r.render());
        Model m = r.models().get(0);
        RnnModel net = Specs.instantiate(m);
        net.initialize(3);
        return net;
    }

    static Batch batch(RnnModel net) {
        Batch b = Batch.forModel(net.info());
        for (int i = 0; i < b.features.length; i++) {
            b.features[i] = Math.sin(i * 0.7);
        }
        for (int r = 0; r < b.size(); r++) {
            b.classes[r] = r % 2;
        }
        return b;
    }

    @Test
    void theGeneratedStepIsAdamWWithTheSpecsSettings() {
        RnnModel net = model("optimizer adamw lr=0.02 beta1=0.8");
        assertEquals("adamw", net.info().optimizer());
        assertEquals("adamw", net.optimizerState().kind());
        Batch b = batch(net);
        for (int step = 1; step <= 3; step++) {
            if (step == 3) {
                ((ChunkedModel) net).setLearningRate(0.005); // a schedule's change reaches the update
            }
            double lr = step == 3 ? 0.005 : 0.02;
            net.computeGradients(b);
            float[] p = ((FloatTensorStore) net.parameters()).data.clone();
            float[] g = ((FloatTensorStore) net.gradients()).data.clone();
            float[] m = ((FloatTensorStore) net.optimizerState().slot("exp_avg")).data.clone();
            float[] v = ((FloatTensorStore) net.optimizerState().slot("exp_avg_sq")).data.clone();
            Adam.stepDecoupled(p, g, m, v, p.length, step, lr, 0.8, 0.999, 1e-8, 0.01);
            net.applyUpdate();
            assertArrayEquals(p, ((FloatTensorStore) net.parameters()).data, "step " + step);
            assertArrayEquals(m, ((FloatTensorStore) net.optimizerState().slot("exp_avg")).data);
            assertArrayEquals(v, ((FloatTensorStore) net.optimizerState().slot("exp_avg_sq")).data);
        }
    }

    @Test
    void adamwDiffersFromAdamWithL2Decay() {
        RnnModel w = model("optimizer adamw lr=0.02 weight_decay=0.5");
        RnnModel a = model("optimizer adam lr=0.02 weight_decay=0.5");
        w.trainStep(batch(w));
        a.trainStep(batch(a));
        float[] pw = ((FloatTensorStore) w.parameters()).data;
        float[] pa = ((FloatTensorStore) a.parameters()).data;
        boolean differ = false;
        for (int i = 0; i < pw.length; i++) {
            differ |= pw[i] != pa[i];
        }
        assertTrue(differ);
    }

    @Test
    void anUnknownAdamwOptionIsAClearSpecError() {
        ParseResult r = Rnnc.parse("bad.rnn", "model Tiny { input 3  sequence 4 many_to_one  gru 5  dense 2 softmax"
                + "  loss cross_entropy  optimizer adamw momentum=0.9 }");
        assertTrue(r.hasErrors());
        assertTrue(r.render().contains("unknown adamw option 'momentum'"), r.render());
    }
}
