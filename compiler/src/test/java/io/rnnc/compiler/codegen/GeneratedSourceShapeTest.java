package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The generated source reads as issues 4 and 12 ask: constants, named offsets, one method per layer and pass, pairs side by side. */
class GeneratedSourceShapeTest {

    @Test
    void seedModelSourceHasConstantsOffsetsAndLayerMethods() {
        GeneratedSource src = CodeGenerator.generate(SampleSpecs.seedModel());
        assertEquals("io/rnnc/samples/mnist/MnistRnn.java", src.relativePath());
        String s = src.source();
        assertTrue(s.startsWith("package io.rnnc.samples.mnist;"), s.substring(0, 80));
        assertTrue(s.contains("public final class MnistRnn extends ChunkedModel"), "the runtime base class owns chunks, threads, update");
        assertTrue(s.contains("static final int B = 64;"));
        assertTrue(s.contains("static final int T = 28;"));
        assertTrue(s.contains("static final int H0 = 100;"));
        assertTrue(s.contains("rnn.weight_ih_l0 [100, 28]"));
        assertTrue(s.contains("static final int W_IH0 = 0;"));
        assertTrue(s.contains("static final int W_HH0 = 2800;"));
        assertTrue(s.contains("input 28                    # pixels per row"), "the class Javadoc quotes the spec");
        for (String m : new String[] {"layer0Forward(int n)", "layer1Forward(int n)", "layer0Backward(int n)",
                "layer1Backward(int n)", "headForward(int n)", "headBackward(int n)"}) {
            assertTrue(s.contains("private void " + m), m);
        }
        assertTrue(s.contains("PackedFloatMatrix"));
        // each layer's forward and backward side by side
        assertTrue(s.indexOf("private void layer0Forward") < s.indexOf("private void layer0Backward")
                && s.indexOf("private void layer0Backward") < s.indexOf("private void layer1Forward"));
        // no allocation inside the hot methods: the only 'new' are field initialisers and the Rng in initialize
        String layer = s.substring(s.indexOf("private void layer0Forward"), s.indexOf("private void layer1Forward"));
        assertTrue(!layer.contains("new "), layer);
        System.out.println("LAYER0FORWARD\n" + layer);
    }
}
