package io.rnnc.runtime.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The one vectorization provider of the runtime (after Lucene's {@code VectorizationProvider}): it decides
 * once per JVM, here and nowhere else, whether the Vector API implementations run and at which vector
 * size, and every facade obtains its implementation through {@link #choose}: {@link Gemm}'s kernels (and
 * with them {@link PackedFloatMatrix}'s layout), the array non-linearities and cell updates of
 * {@code Activations} and {@code Cells}. Every vector class takes its species from {@link FloatSpecies},
 * which reads {@link #vectorBits()}; none picks a species of its own.
 *
 * <p>The Vector API path is used when the incubating module {@code jdk.incubator.vector} is in the boot
 * layer (java started with {@code --add-modules jdk.incubator.vector}) and the system property
 * {@code rnnc.vector} is not {@code false}. Without the module, one warning naming that flag goes to stderr
 * and the plain kernels run; their results are correct, only slower. No class that refers to
 * {@code jdk.incubator.vector} is loaded unless the module is present.
 *
 * <p>System properties, read once when this class initialises:
 * <ul>
 * <li>{@code -Drnnc.vector=false}: plain Java everywhere (and no warning).</li>
 * <li>{@code -Drnnc.vector.bits=256} (or 128, 512): the vector size of every vector class instead of the
 *     CPU's preferred one, as Lucene's {@code tests.vectorsize} does. 256 runs the AVX2 layout (8 lanes,
 *     panels of up to 3 vectors) on an AVX-512 CPU, so one machine tests both; 512 gives 16 lanes and
 *     panels of up to 5. A size the CPU cannot run (wider than its preferred vectors) or that is not one
 *     of these is refused with one warning, and the plain kernels run. Unset, empty or {@code default}:
 *     the CPU's preferred size.</li>
 * </ul>
 */
public final class Vectorization {

    /** System property; {@code -Drnnc.vector=false} forces the plain kernels (and silences the warning). */
    public static final String PROPERTY = "rnnc.vector";

    /** System property; {@code -Drnnc.vector.bits=256} forces that vector size (see the class comment). */
    public static final String BITS_PROPERTY = "rnnc.vector.bits";

    static final String MODULE = "jdk.incubator.vector";

    /** The vector sizes the kernels can be forced to; the CPU must run them too. */
    static final Set<Integer> FORCIBLE_BITS = Set.of(128, 256, 512);

    private static final Decision DECISION = detect();

    private Vectorization() {
    }

    /** True if the Vector API implementations are active in this JVM. */
    public static boolean enabled() {
        return DECISION.vector();
    }

    /** The active path, e.g. {@code "vector (512-bit)"}, {@code "vector (256-bit)"} or {@code "plain"}. */
    public static String description() {
        return DECISION.description();
    }

    /**
     * The vector size in bits of every vector class ({@link FloatSpecies#CHOSEN}): the active size when
     * {@link #enabled()}; on the plain path, the size a test that loads a vector class directly gets (the
     * forced size if the CPU runs it, else the preferred one), and 0 without the module.
     */
    public static int vectorBits() {
        return DECISION.bits();
    }

    /**
     * What was chosen and, if the user should act, the one warning to print.
     *
     * @param bits the species size for vector classes (see {@link #vectorBits()})
     */
    record Decision(boolean vector, int bits, String description, Optional<String> warning) {

        static Decision plain(int bits, String warning) {
            return new Decision(false, bits, "plain", Optional.ofNullable(warning));
        }
    }

    /**
     * The pure decision rule, separate from the JVM probing so that tests can check every case.
     *
     * @param modulePresent  {@code jdk.incubator.vector} is in the boot layer
     * @param property       the value of {@code rnnc.vector}, or null
     * @param bitsProperty   the value of {@code rnnc.vector.bits}, or null
     * @param optimizing     the JIT compiler that makes vector code fast (C2) is on
     * @param preferredBits  the CPU's preferred vector size in bits (only read when the module is present)
     */
    static Decision decide(boolean modulePresent, String property, String bitsProperty, boolean optimizing,
                           IntSupplier preferredBits) {
        boolean plainAsked = "false".equalsIgnoreCase(property);
        if (!modulePresent) {
            return Decision.plain(0, plainAsked ? null
                    : "rnnc: the Vector API is not enabled, so matrix kernels run in plain Java (about 3x slower)."
                            + " Start java with --add-modules " + MODULE + " for the fast path"
                            + " (or set -D" + PROPERTY + "=false to choose plain Java and hide this warning).");
        }
        int preferred = preferredBits.getAsInt();
        String forcedValue = bitsProperty == null ? "" : bitsProperty.strip();
        boolean forcing = !forcedValue.isEmpty() && !forcedValue.equalsIgnoreCase("default");
        int forced = forcing ? parseBits(forcedValue) : preferred;
        String refusal = null;
        if (forcing && forced > preferred) {
            refusal = "rnnc: -D" + BITS_PROPERTY + "=" + forced + " asks for wider vectors than this CPU runs ("
                    + preferred + "-bit); matrix kernels run in plain Java.";
        } else if (forcing && !FORCIBLE_BITS.contains(forced)) {
            refusal = "rnnc: -D" + BITS_PROPERTY + "=" + forcedValue + " is not a vector size the kernels can be"
                    + " forced to (128, 256 or 512); matrix kernels run in plain Java.";
        }
        int bits = refusal == null ? forced : preferred;
        if (plainAsked) {
            return Decision.plain(bits, null);
        }
        if (refusal != null) {
            return Decision.plain(bits, refusal);
        }
        if (!optimizing) {
            return Decision.plain(bits,
                    "rnnc: the optimizing JIT compiler (C2) is off (-Xint or -XX:TieredStopAtLevel<4), where the"
                            + " Vector API is very slow; matrix kernels run in plain Java.");
        }
        if (bits < 128) {
            return Decision.plain(bits,
                    "rnnc: this CPU offers no usable vector registers to the Vector API (" + bits
                            + "-bit); matrix kernels run in plain Java.");
        }
        return new Decision(true, bits, "vector (" + bits + "-bit)", Optional.empty());
    }

    /** The bits asked for, or -1 if the value is not a number (refused as not forcible). */
    private static int parseBits(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Decision detect() {
        boolean module = ModuleLayer.boot().findModule(MODULE).isPresent();
        Decision d = decide(module, System.getProperty(PROPERTY), System.getProperty(BITS_PROPERTY), c2Enabled(),
                Vectorization::probeBits);
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
     * The one way a facade obtains its implementation: the vector class {@code vectorClass} (a binary
     * name the caller's lookup can access, with a no-argument constructor) when the vector path is on,
     * else {@code plain}. The caller's lookup grants the access, so package-private implementations need
     * no {@code setAccessible}; and the class is loaded only when chosen, so nothing touches
     * {@code jdk.incubator.vector} on the plain path. If the vector class cannot start, one message goes to
     * stderr and the plain implementation runs.
     */
    public static <T> T choose(MethodHandles.Lookup caller, Class<T> type, String vectorClass, Supplier<T> plain) {
        if (!enabled()) {
            return plain.get();
        }
        try {
            return instantiate(caller, type, vectorClass);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            System.err.println("rnnc: could not start the Vector API implementation " + vectorClass + " (" + e
                    + "); using plain Java.");
            return plain.get();
        }
    }

    /** Instantiates {@code vectorClass} whatever the decision (tests that run both paths side by side). */
    static <T> T instantiate(MethodHandles.Lookup caller, Class<T> type, String vectorClass)
            throws ReflectiveOperationException {
        Class<?> c = caller.findClass(vectorClass);
        try {
            return type.cast(caller.findConstructor(c, MethodType.methodType(void.class)).invoke());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ReflectiveOperationException(t);
        }
    }
}
