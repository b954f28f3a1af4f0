package io.rnnc.compiler.codegen;

import io.rnnc.compiler.javac.CompiledClasses;
import io.rnnc.compiler.javac.InMemoryCompiler;
import io.rnnc.compiler.model.CellType;
import io.rnnc.compiler.model.ClipSpec;
import io.rnnc.compiler.model.HeadActivation;
import io.rnnc.compiler.model.InputSpec;
import io.rnnc.compiler.model.LossKind;
import io.rnnc.compiler.model.Model;
import io.rnnc.compiler.model.ModelAssembler;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.Precision;
import io.rnnc.compiler.model.SequenceMode;
import io.rnnc.compiler.model.SourcePos;
import io.rnnc.runtime.RnnModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds models in tests without the parser, and compiles them. */
final class TestModels {

    private TestModels() {
    }

    static Builder builder(String name) {
        return new Builder(name);
    }

    /** Generates, compiles, loads and instantiates a model's class. */
    static RnnModel instantiate(Model model) {
        GeneratedSource src = CodeGenerator.generate(model);
        CompiledClasses classes = InMemoryCompiler.compile(src);
        return classes.instantiate(src.qualifiedName(), RnnModel.class);
    }

    static final class Builder {
        private final String name;
        private String pkg = "gen.test";
        private SequenceMode mode = SequenceMode.MANY_TO_ONE;
        private InputSpec input = InputSpec.features(3, SourcePos.NONE);
        private int steps = 4;
        private final List<ModelAssembler.LayerDecl> layers = new ArrayList<>();
        private InputSpec encInput;
        private int encSteps;
        private int outputs = 3;
        private HeadActivation activation = HeadActivation.SOFTMAX;
        private LossKind loss = LossKind.CROSS_ENTROPY;
        private OptimizerSpec optimizer = OptimizerSpec.adamDefaults(SourcePos.NONE);
        private ClipSpec clip;
        private int batch = 4;
        private long seed = 1;
        private Precision precision = Precision.FLOAT32;
        private String source;
        private double dropout;
        private boolean stateful;

        Builder(String name) {
            this.name = name;
        }

        Builder pkg(String p) {
            pkg = p;
            return this;
        }

        Builder mode(SequenceMode m) {
            mode = m;
            return this;
        }

        Builder features(int size) {
            input = InputSpec.features(size, SourcePos.NONE);
            return this;
        }

        Builder tokens(int vocab) {
            input = InputSpec.tokens(vocab, SourcePos.NONE);
            return this;
        }

        Builder embedded(int vocab, int embed) {
            input = InputSpec.embedded(vocab, embed, SourcePos.NONE);
            return this;
        }

        /** seq2seq: the encoder's input and steps; the builder's own input/steps are the decoder's. */
        Builder encoder(InputSpec in, int t) {
            encInput = in;
            encSteps = t;
            return this;
        }

        Builder steps(int t) {
            steps = t;
            return this;
        }

        Builder layer(CellType cell, int hidden) {
            layers.add(new ModelAssembler.LayerDecl(cell, hidden, SourcePos.NONE));
            return this;
        }

        Builder bidirectional(CellType cell, int hidden) {
            layers.add(new ModelAssembler.LayerDecl(cell, hidden, true, SourcePos.NONE));
            return this;
        }

        Builder head(int o, HeadActivation act, LossKind l) {
            outputs = o;
            activation = act;
            loss = l;
            return this;
        }

        Builder optimizer(OptimizerSpec o) {
            optimizer = o;
            return this;
        }

        Builder adam(double lr, double b1, double b2, double eps, double wd) {
            optimizer = new OptimizerSpec(OptimizerSpec.Kind.ADAM, lr, b1, b2, eps, wd, 0, SourcePos.NONE);
            return this;
        }

        Builder sgd(double lr, double momentum, double wd) {
            optimizer = new OptimizerSpec(OptimizerSpec.Kind.SGD, lr, 0, 0, 0, wd, momentum, SourcePos.NONE);
            return this;
        }

        Builder clipNorm(double c) {
            clip = new ClipSpec(ClipSpec.Kind.NORM, c, SourcePos.NONE);
            return this;
        }

        Builder batch(int b) {
            batch = b;
            return this;
        }

        Builder seed(long s) {
            seed = s;
            return this;
        }

        Builder precision(Precision p) {
            precision = p;
            return this;
        }

        Builder float64() {
            return precision(Precision.FLOAT64);
        }

        Builder stateful() {
            stateful = true;
            return this;
        }

        Builder dropout(double p) {
            dropout = p;
            return this;
        }

        Builder source(String s) {
            source = s;
            return this;
        }

        Model build() {
            List<ModelAssembler.LayerDecl> ls = layers.isEmpty()
                    ? List.of(new ModelAssembler.LayerDecl(CellType.RNN_TANH, 5, SourcePos.NONE)) : layers;
            var main = new ModelAssembler.StackDecl(input, steps, ls, dropout, stateful, SourcePos.NONE);
            Optional<ModelAssembler.StackDecl> enc = encInput == null ? Optional.empty()
                    : Optional.of(new ModelAssembler.StackDecl(encInput, encSteps, ls, dropout, SourcePos.NONE));
            String text = source != null ? source : "model " + name + " { /* built in a test */ }";
            return ModelAssembler.assemble(pkg, name, mode, enc, main, outputs, activation, SourcePos.NONE, loss,
                    optimizer, Optional.ofNullable(clip), batch, seed, precision, text, SourcePos.NONE);
        }
    }
}
