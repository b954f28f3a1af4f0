import io.rnnc.runtime.Batch;
import io.rnnc.runtime.RnnModel;
import io.rnnc.serve.ModelJar;
import io.rnnc.serve.Predictor;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What serving costs per sample, one thread: a Predictor request (one row, borrowed instance, checks, copy out)
 * against the packaged generated class's own forward at batch 1 and at batch 64, in alternating timed windows
 * after a warm-up; the median window per figure. Run with a packaged model on the classpath:
 * java --add-modules jdk.incubator.vector -cp model.jar rnnc-serve/timing/ServeTiming.java
 */
public class ServeTiming {
    public static void main(String[] args) throws Exception {
        Predictor p = ModelJar.load(ServeTiming.class.getClassLoader(), 1);
        String cls = new String(ServeTiming.class.getClassLoader().getResourceAsStream(ModelJar.PROPERTIES).readAllBytes())
                .lines().filter(l -> l.startsWith("class=")).findFirst().orElseThrow().substring(6);
        RnnModel m = (RnnModel) Class.forName(cls).getConstructor().newInstance();
        m.parameters().copyFrom(((RnnModel) Class.forName(cls).getConstructor().newInstance()).parameters());
        m.setThreads(1);
        var info = p.info();
        int perSample = info.inputValuesPerSample();
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[perSample];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        Batch b1 = Batch.forModel(info, 1);
        Batch b64 = Batch.forModel(info, 64);
        b1.setSize(1);
        b64.setSize(64);
        for (int row = 0; row < 64; row++) {
            System.arraycopy(x, 0, b64.features, row * perSample, perSample);
        }
        System.arraycopy(x, 0, b1.features, 0, perSample);
        double[] out = new double[64 * info.logitsPerSample()];
        Runnable predictor = () -> p.predictInto(x, out);
        Runnable class1 = () -> { m.forward(b1); m.copyOutputs(out); };
        Runnable class64 = () -> { m.forward(b64); m.copyOutputs(out); };
        Runnable[] runs = {predictor, class1, class64};
        int[] samples = {1, 1, 64};
        String[] names = {"Predictor.predictInto, batch 1", "generated class, batch 1", "generated class, batch 64"};
        for (int w = 0; w < 3; w++) {
            for (Runnable run : runs) {
                window(run, 0.5);
            }
        }
        int windows = 9;
        double[][] perSampleUs = new double[3][windows];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < 3; k++) {
                perSampleUs[k][w] = window(runs[k], 0.4) / samples[k];
            }
        }
        double[] med = new double[3];
        for (int k = 0; k < 3; k++) {
            double[] v = perSampleUs[k].clone();
            Arrays.sort(v);
            med[k] = v[windows / 2];
            System.out.printf(Locale.ROOT, "%-34s %10.1f us per sample (windows %.1f..%.1f)%n", names[k], med[k], v[0], v[windows - 1]);
        }
        System.out.printf(Locale.ROOT, "predictor / class at batch 1: %.3f; class batch 1 / batch 64 per sample: %.2f%n",
                med[0] / med[1], med[1] / med[2]);
    }

    /** Microseconds per call over a window of about {@code seconds}. */
    static double window(Runnable run, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        int calls = 0;
        do {
            run.run();
            calls++;
        } while (System.nanoTime() < end);
        return (System.nanoTime() - start) / 1e3 / calls;
    }
}
