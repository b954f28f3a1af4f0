package io.rnnc.runtime.kernel;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

/**
 * Chooses, once per JVM, between the Vector API kernels and the plain-Java ones (after Lucene's
 * vectorization provider). The Vector API path is used when the incubating module
 * {@code jdk.incubator.vector} is in the boot layer (java started with
 * {@code --add-modules jdk.incubator.vector}) and the system property {@code rnnc.vector} is not
 * {@code false}. Without the module, one warning naming that flag goes to stderr and the plain
 * kernels run; their results are correct, only slower. No class that refers to
 * {@code jdk.incubator.vector} is loaded unless the module is present.
 */
public final class Vectorization {

    /** System property; {@code -Drnnc.vector=false} forces the plain kernels (and silences the warning). */
    public static final String PROPERTY = "rnnc.vector";

    static final String MODULE = "jdk.incubator.vector";

    private static final Decision DECISION = detect();

    private Vectorization() {
    }

    /** True if the Vector API kernels are active in this JVM. */
    public static boolean enabled() {
        return DECISION.vector();
    }

    /** The active path, e.g. {@code "vector (512-bit)"} or {@code "plain"}. */
    public static String description() {
        return DECISION.description();
    }

    /** What was chosen and, if the user should act, the one warning to print. */
    record Decision(boolean vector, String description, Optional<String> warning) {
    }

    /**
     * The pure decision rule, separate from the JVM probing so that tests can check every case.
     *
     * @param modulePresent {@code jdk.incubator.vector} is in the boot layer
     * @param property      the value of {@code rnnc.vector}, or null
     * @param optimizing    the JIT compiler that makes vector code fast (C2) is on
     * @param vectorBits    the preferred vector size in bits (only read when the module is present)
     */
    static Decision decide(boolean modulePresent, String property, boolean optimizing,
                           java.util.function.IntSupplier vectorBits) {
        if ("false".equalsIgnoreCase(property)) {
            return new Decision(false, "plain", Optional.empty());
        }
        if (!modulePresent) {
            return new Decision(false, "plain", Optional.of(
                    "rnnc: the Vector API is not enabled, so matrix kernels run in plain Java (about 3x slower)."
                            + " Start java with --add-modules " + MODULE + " for the fast path"
                            + " (or set -D" + PROPERTY + "=false to choose plain Java and hide this warning)."));
        }
        if (!optimizing) {
            return new Decision(false, "plain", Optional.of(
                    "rnnc: the optimizing JIT compiler (C2) is off (-Xint or -XX:TieredStopAtLevel<4), where the"
                            + " Vector API is very slow; matrix kernels run in plain Java."));
        }
        int bits = vectorBits.getAsInt();
        if (bits < 128) {
            return new Decision(false, "plain", Optional.of(
                    "rnnc: this CPU offers no usable vector registers to the Vector API (" + bits
                            + "-bit); matrix kernels run in plain Java."));
        }
        return new Decision(true, "vector (" + bits + "-bit)", Optional.empty());
    }

    private static Decision detect() {
        boolean module = ModuleLayer.boot().findModule(MODULE).isPresent();
        Decision d = decide(module, System.getProperty(PROPERTY), c2Enabled(), Vectorization::probeBits);
        d.warning().ifPresent(System.err::println);
        return d;
    }

    /** Loaded only when the module is present; the probe class itself refers to the Vector API. */
    private static int probeBits() {
        try {
            return (int) Class.forName("io.rnnc.runtime.kernel.VectorProbe")
                    .getDeclaredMethod("preferredBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }

    private static boolean c2Enabled() {
        try {
            List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
            for (String a : args) {
                if (a.equals("-Xint") || a.matches("-XX:TieredStopAtLevel=[0-3]")) {
                    return false;
                }
            }
            return true;
        } catch (LinkageError | RuntimeException e) {
            return true; // java.management absent (a jlinked image): assume the default JIT
        }
    }

    /**
     * Instantiates a vector implementation class by name when the vector path is on, else returns
     * {@code plain}. Classes named here must have a no-argument constructor visible to their package.
     */
    static <T> T choose(Class<T> type, String vectorClass, T plain) {
        if (!enabled()) {
            return plain;
        }
        return instantiate(type, vectorClass, plain);
    }

    static <T> T instantiate(Class<T> type, String vectorClass, T plain) {
        try {
            var ctor = Class.forName(vectorClass).getDeclaredConstructor();
            ctor.setAccessible(true);
            return type.cast(ctor.newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            System.err.println("rnnc: could not start the Vector API kernels (" + e + "); using plain Java.");
            return plain;
        }
    }
}
