package io.rnnc.cli;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.RnnModel;
import io.rnnc.runtime.train.TrainingListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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

    /** Curves of a run: training points and per-epoch test results. */
    record History(List<Point> train, List<Point> test) {
        boolean isEmpty() {
            return train.isEmpty();
        }
    }

    private final PrintWriter out;
    private final Kind kind;
    private final RnnModel model;
    private final RecordingDataset data;
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

    Progress(PrintWriter out, Kind kind, RnnModel model, RecordingDataset data) {
        this.out = out;
        this.kind = kind;
        this.model = model;
        this.data = data;
        ModelInfo info = model.info();
        this.logits = info.classTargets() ? new double[info.maxBatch() * info.logitsPerSample()] : null;
    }

    History history() {
        return new History(List.copyOf(train), List.copyOf(test));
    }

    @Override
    public void started(Start e) {
        long total = (long) (e.epochs() - e.firstEpoch() + 1) * e.stepsPerEpoch();
        window = (int) Math.max(1, total / 400);
        lastDraw = System.nanoTime();
        if (e.resumedFrom() != null) {
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
        test.add(new Point(e.epoch(), e.validationLoss(), e.validationAccuracy()));
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f", e.epoch(), e.epochs(),
                e.trainLoss()));
        if (epochPositions > 0) {
            s.append(String.format(Locale.ROOT, ", train accuracy %.1f%%", 100.0 * epochCorrect / epochPositions));
        }
        if (!Double.isNaN(e.validationLoss())) {
            s.append(String.format(Locale.ROOT, ", test loss %.4f", e.validationLoss()));
        }
        if (!Double.isNaN(e.validationAccuracy())) {
            s.append(String.format(Locale.ROOT, ", test accuracy %.1f%%", 100 * e.validationAccuracy()));
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
        int positions = b.size() * info.outputSteps();
        long correct = 0;
        for (int p = 0; p < positions; p++) {
            int best = 0;
            for (int k = 1; k < o; k++) {
                if (logits[p * o + k] > logits[p * o + best]) {
                    best = k;
                }
            }
            correct += best == b.classes[p] ? 1 : 0;
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
