package io.rnnc.runtime.kernel;

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
            GemmKernels v = Vectorization.instantiate(GemmKernels.class, "io.rnnc.runtime.kernel.VectorGemm", null);
            if (v == null) {
                throw new AssertionError("the vector module is present but VectorGemm did not load");
            }
            list.add(v);
        }
        return list;
    }
}
