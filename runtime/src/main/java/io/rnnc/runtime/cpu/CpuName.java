package io.rnnc.runtime.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU as benchmarks name it beside their figures: model name, family and model from Linux's
 * {@code /proc/cpuinfo} (a KVM guest may report only "Processor", the family and model then tell Zen 4 from
 * Zen 5), or the JVM's {@code os.arch} where that file is absent.
 */
public final class CpuName {

    private CpuName() {
    }

    /** E.g. {@code "AMD EPYC 9R14 96-Core Processor (family 25, model 17)"}, or {@code "amd64"}. */
    public static String describe() {
        try {
            return fromCpuinfo(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch", "unknown CPU");
        }
    }

    /** The first processor's name, family and model from cpuinfo lines; {@code os.arch} if none is there. */
    static String fromCpuinfo(List<String> lines) {
        String name = field(lines, "model name");
        String family = field(lines, "cpu family");
        String model = field(lines, "model");
        if (name == null) {
            return System.getProperty("os.arch", "unknown CPU");
        }
        return family == null || model == null ? name : name + " (family " + family + ", model " + model + ")";
    }

    private static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
