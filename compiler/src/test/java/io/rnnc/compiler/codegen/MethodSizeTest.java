package io.rnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rnnc.compiler.javac.CompiledClasses;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.javac.MethodSizes;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** No generated method reaches HotSpot's 8000-byte limit, for sample-like specs, very large ones and issue 13's features. */
class MethodSizeTest {

    static Stream<Model> models() {
        List<Model> out = new ArrayList<>(List.of(SampleSpecs.seedModel(), SampleSpecs.mnistLstm(),
                SampleSpecs.mnistGru(), SampleSpecs.charLstm(), SampleSpecs.testOnlyGruOverOneHotTokens(), SampleSpecs.digitDrawer(), SampleSpecs.spell2Sound(), SampleSpecs.xor()));
        for (CellType c : CellType.values()) {
            out.add(SampleSpecs.large(c));
        }
        Model seed = SampleSpecs.seedModel();
        out.add(new Model(seed.packageName(), "MnistRnn64", seed.mode(), seed.encoder(), seed.stack(), seed.head(),
                seed.loss(), seed.optimizer(), seed.clip(), seed.batch(), seed.seed(), Precision.FLOAT64,
                seed.parameters(), seed.source(), seed.pos()));
        // issue 13: a deep bidirectional stack with dropout, and a stateful one (the widest new code paths)
        for (CellType c : CellType.values()) {
            var bi = TestModels.builder("Bi" + c.name().replace("_", "")).mode(SequenceMode.MANY_TO_MANY)
                    .embedded(500, 64).steps(200).head(500, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY)
                    .dropout(0.3).batch(256);
            for (int l = 0; l < 6; l++) {
                bi.bidirectional(c, 256);
            }
            out.add(bi.build());
            var st = TestModels.builder("Stateful" + c.name().replace("_", "")).mode(SequenceMode.MANY_TO_MANY)
                    .tokens(96).steps(100).head(96, HeadActivation.SOFTMAX, LossKind.CROSS_ENTROPY).stateful().batch(64);
            for (int l = 0; l < 4; l++) {
                st.layer(c, 128);
            }
            out.add(st.build());
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyMethodIsUnderTheHugeMethodLimit(Model model) {
        GeneratedSource src = CodeGenerator.generate(model);
        CompiledClasses classes = InMemoryCompiler.compile(src);
        byte[] bytes = classes.classFiles().get(src.qualifiedName());
        Map<String, Integer> sizes = MethodSizes.of(bytes);
        assertFalse(sizes.isEmpty());
        String largest = sizes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Object::toString).orElseThrow();
        System.out.println("METHODSIZE " + model.name() + ": " + sizes.size() + " methods, largest " + largest);
        sizes.forEach((m, n) -> assertTrue(n < MethodSizes.HUGE_METHOD_LIMIT,
                model.name() + "." + m + " has " + n + " bytes of bytecode"));
        assertTrue(sizes.containsKey("layer0Forward(I)V") || sizes.containsKey("encoderLayer0Forward(I)V"), sizes::toString);
    }
}
