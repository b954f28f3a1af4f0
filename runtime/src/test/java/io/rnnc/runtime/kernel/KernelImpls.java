package io.rnnc.runtime.kernel;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

/** The float kernels a test can reach in this JVM: plain always, vector when the module is present. */
final class KernelImpls {

    private KernelImpls() {
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(Vectorization.MODULE).isPresent();
    }

    static List<GemmKernels> all() {
        List<GemmKernels> list = new ArrayList<>();
        list.add(new PlainGemm());
        if (vectorModulePresent()) {
            try {
                // whatever the decision, at the size it fixed (FloatSpecies): forced or preferred
                list.add(Vectorization.instantiate(MethodHandles.lookup(), GemmKernels.class,
                        "io.rnnc.runtime.kernel.VectorGemm"));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("the vector module is present but VectorGemm did not load", e);
            }
        }
        return list;
    }
}
