import io.rnnc.runtime.RnnModel;
import io.rnnc.serve.CompiledModel;
import io.rnnc.serve.Predictor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a predictor's workers hold in memory: the heap retained (after GC) by W full instances with copies of the
 * weights (the predictor before sharing) against a Predictor of W workers sharing one copy (the loaded model dropped).
 * Run with rnnc's jar (compiler, runtime, serving), a spec and the worker count:
 * java --add-modules jdk.incubator.vector -Xmx3g -cp cli/target/rnnc.jar rnnc-serve/timing/WorkerMemory.java SPEC 8
 */
public class WorkerMemory {
    static long used() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    public static void main(String[] args) throws Exception {
        CompiledModel c = CompiledModel.compile(Path.of(args[0]), null);
        Supplier<RnnModel> factory = c.factory();
        int workers = Integer.parseInt(args[1]);
        factory.get();                                  // classes loaded and initialised before measuring
        long base = used();
        List<RnnModel> copies = new ArrayList<>();
        RnnModel loaded = factory.get();
        copies.add(loaded);
        for (int i = 1; i < workers; i++) {
            RnnModel m = factory.get();
            m.parameters().copyFrom(loaded.parameters());
            m.parametersChanged();
            copies.add(m);
        }
        long copied = used() - base;
        copies.clear();
        loaded = null;
        base = used();
        Predictor p = Predictor.of(factory.get(), factory, null, workers);
        long shared = used() - base;
        long parameterBytes = (long) p.info().parameterCount() * (p.info().precision().equals("float64") ? 8 : 4);
        System.out.printf("%s (%,d bytes of parameters), %d workers: %,d bytes as copies, %,d bytes sharing one copy "
                        + "(%.1fx less; %,d per worker as copies)%n", p.info().name(), parameterBytes, workers, copied, shared,
                (double) copied / shared, copied / workers);
        if (!p.sharesWeights()) {
            throw new AssertionError("the workers do not share the weights");
        }
    }
}
