package io.rnnc.cli;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.train.Metrics;
import io.rnnc.runtime.train.TrainingListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Renders training progress: a bar redrawn in place on a terminal (epoch, step, loss, accuracy,
 * samples/s, ETA), plain lines every tenth of an epoch otherwise, and a summary line per epoch. Also
 * keeps the curves for the chart. Draws at most five times a second, so it costs the training nothing.
 */
final class Progress implements TrainingListener {

    /** How progress is shown. */
    enum Kind { BAR, LINES, NONE }

    /** One point of the training curves: x in epochs, mean loss and accuracy over a window of steps. */
    record Point(double epoch, double loss, double accuracy) {
    }

    /**
     * Curves of a run: training points and per-epoch held-out results; {@code heldOut} names the held-out data
     * ({@code test} or {@code validation}), {@code measure} the measure in the points' accuracy field.
     */
    record History(List<Point> train, List<Point> test, String heldOut, String measure) {
        boolean isEmpty() {
            return train.isEmpty();
        }
    }

    private final PrintWriter out;
    private final Kind kind;
    private final RnnModel model;
    private final RecordingDataset data;
    private final String heldOut;
    private final boolean quiet;
    private String measure = "accuracy";
    private final double[] logits;
    private final List<Point> train = new ArrayList<>();
    private final List<Point> test = new ArrayList<>();

    private int window = 1;
    private double windowLoss;
    private long windowCorrect;
    private long windowPositions;
    private int windowSteps;
    private long epochCorrect;
    private long epochPositions;
    private long lastDraw;
    private int lastLineStep;
    private int barWidth;

    /**
     * @param heldOut what the per-epoch measures are taken on, for the lines: {@code test} (MNIST's t10k files) or
     *                {@code validation}
     * @param json    print one JSON object per epoch instead of the summary line
     */
    Progress(PrintWriter out, Kind kind, RnnModel model, RecordingDataset data, String heldOut, boolean json) {
        this.out = out;
        this.kind = kind;
        this.model = model;
        this.data = data;
        this.heldOut = heldOut;
        this.quiet = json;
        ModelInfo info = model.info();
        this.logits = info.classTargets() ? new double[info.maxBatch() * info.logitsPerSample()] : null;
    }

    History history() {
        return new History(List.copyOf(train), List.copyOf(test), heldOut, measure);
    }

    /** The epochs a resumed run did before (from its checkpoint), so that the chart shows the whole run. */
    void resumedHistory(List<Map<String, Double>> epochs) {
        for (Map<String, Double> e : epochs) {
            double epoch = e.get("epoch");
            train.add(new Point(epoch, e.get("train_loss"), Double.NaN));
            Map<String, Double> measures = new LinkedHashMap<>(e);
            measures.keySet().removeAll(List.of("epoch", "train_loss", "validation_loss"));
            String p = Measures.primary(measures);
            if (p != null) {
                measure = p;
            }
            test.add(new Point(epoch, e.get("validation_loss"), p == null ? Double.NaN : measures.get(p)));
        }
    }

    @Override
    public void started(Start e) {
        long total = (long) (e.epochs() - e.firstEpoch() + 1) * e.stepsPerEpoch();
        window = (int) Math.max(1, total / 400);
        lastDraw = System.nanoTime();
        if (e.resumedFrom() != null && !quiet) {
            out.printf(Locale.ROOT, "resuming from %s at epoch %d%n", e.resumedFrom(), e.firstEpoch());
            out.flush();
        }
    }

    @Override
    public void step(Step e) {
        if (e.step() == 1) {
            epochCorrect = 0;
            epochPositions = 0;
            lastLineStep = 0;
            lastDraw = System.nanoTime();
        }
        score();
        windowLoss += e.loss();
        windowSteps++;
        if (windowSteps == window || e.step() == e.stepsPerEpoch()) {
            double x = e.epoch() - 1 + (double) e.step() / e.stepsPerEpoch();
            train.add(new Point(x, windowLoss / windowSteps,
                    windowPositions == 0 ? Double.NaN : (double) windowCorrect / windowPositions));
            windowLoss = 0;
            windowSteps = 0;
            windowCorrect = 0;
            windowPositions = 0;
        }
        long now = System.nanoTime();
        switch (kind) {
            case BAR -> {
                if (now - lastDraw > 200_000_000L || e.step() == e.stepsPerEpoch()) {
                    lastDraw = now;
                    String line = String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d  loss %.4f%s  %s samples/s  ETA %s",
                            e.epoch(), e.epochs(), bar(e.step(), e.stepsPerEpoch(), 24), e.step(), e.stepsPerEpoch(),
                            e.loss(), accuracyText(), rate(e.samplesPerSecond()), time(e.etaSeconds()));
                    barWidth = Math.max(barWidth, line.length());
                    out.print("\r" + line + " ".repeat(barWidth - line.length()));
                    out.flush();
                }
            }
            case LINES -> {
                int every = Math.max(1, e.stepsPerEpoch() / 10);
                boolean due = e.step() - lastLineStep >= every || now - lastDraw > 30_000_000_000L;
                if (due && e.step() != e.stepsPerEpoch()) {
                    lastDraw = now;
                    lastLineStep = e.step();
                    out.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.4f%s  %s samples/s  ETA %s%n",
                            e.epoch(), e.epochs(), e.step(), e.stepsPerEpoch(), e.loss(), accuracyText(),
                            rate(e.samplesPerSecond()), time(e.etaSeconds()));
                    out.flush();
                }
            }
            case NONE -> {
            }
        }
    }

    @Override
    public void epochEnded(EpochEnd e) {
        if (kind == Kind.BAR) {
            out.println();
        }
        String p = Measures.primary(e.metrics());
        if (p != null) {
            measure = p;
        }
        test.add(new Point(e.epoch(), e.validationLoss(), p != null ? e.metrics().get(p) : e.validationAccuracy()));
        if (quiet) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("epoch", e.epoch());
            j.put("epochs", e.epochs());
            j.put("train_loss", e.trainLoss());
            if (epochPositions > 0) {
                j.put("train_accuracy", (double) epochCorrect / epochPositions);
            }
            if (!Double.isNaN(e.validationLoss())) {
                j.put(heldOut + "_loss", e.validationLoss());
                e.metrics().forEach((k, v) -> j.put(heldOut + "_" + k, v));
                if (e.metrics().isEmpty() && !Double.isNaN(e.validationAccuracy())) {
                    j.put(heldOut + "_accuracy", e.validationAccuracy());
                }
            }
            if (!Double.isNaN(e.learningRate())) {
                j.put("lr", e.learningRate());
            }
            j.put("seconds", e.seconds());
            out.println(JsonOut.write(j));
            out.flush();
            return;
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f", e.epoch(), e.epochs(),
                e.trainLoss()));
        if (epochPositions > 0) {
            s.append(String.format(Locale.ROOT, ", train accuracy %.1f%%", 100.0 * epochCorrect / epochPositions));
        }
        if (!Double.isNaN(e.validationLoss())) {
            s.append(String.format(Locale.ROOT, ", %s loss %.4f", heldOut, e.validationLoss()));
        }
        if (e.metrics().isEmpty()) {
            if (!Double.isNaN(e.validationAccuracy())) {
                s.append(String.format(Locale.ROOT, ", %s accuracy %.1f%%", heldOut, 100 * e.validationAccuracy()));
            }
        } else {
            e.metrics().forEach((k, v) -> s.append(", ").append(heldOut).append(' ').append(k.replace('_', ' ')).append(' ')
                    .append(Measures.value(k, v)));
        }
        if (!Double.isNaN(e.learningRate())) {
            s.append(String.format(Locale.ROOT, ", lr %.3g", e.learningRate()));
        }
        if (e.best() && e.epoch() > 1) {
            s.append(", best so far");
        }
        s.append(String.format(Locale.ROOT, ", %.1f s (%s samples/s)", e.seconds(), rate(e.samplesPerSecond())));
        out.println(s);
        out.flush();
    }

    @Override
    public void stopped(Stopped e) {
        if (kind == Kind.BAR) {
            out.println();
        }
        out.flush();
    }

    /** Accuracy of the step just taken, from the logits its forward pass left behind. */
    private void score() {
        Batch b = data.last();
        if (logits == null || b == null || b.classes == null) {
            return;
        }
        ModelInfo info = model.info();
        model.copyLogits(logits);
        int o = info.outputs();
        int steps = info.outputSteps();
        long positions = 0;
        long correct = 0;
        for (int r = 0; r < b.size(); r++) {
            int valid = Metrics.validSteps(info, b, r); // padding never counts
            for (int t = 0; t < valid; t++) {
                int p = r * steps + t;
                correct += Metrics.argMax(logits, p * o, o) == b.classes[p] ? 1 : 0;
            }
            positions += valid;
        }
        windowCorrect += correct;
        windowPositions += positions;
        epochCorrect += correct;
        epochPositions += positions;
    }

    private String accuracyText() {
        return epochPositions == 0 ? "" : String.format(Locale.ROOT, "  acc %.1f%%", 100.0 * epochCorrect / epochPositions);
    }

    private static String bar(int done, int total, int width) {
        int full = (int) ((long) done * width / total);
        return "#".repeat(full) + ".".repeat(width - full);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String time(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
