package io.rnnc.cli;

import io.rnnc.runtime.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The training curves as a PNG (JFreeChart, headless): loss above, accuracy (or the task's first measure) below, over epochs. */
final class Chart {

    static final int WIDTH = 900;
    static final int HEIGHT = 600;

    private Chart() {
    }

    static void write(Path file, String title, Progress.History h) {
        String held = h.heldOut();
        String measure = h.measure() == null ? "accuracy" : h.measure().replace('_', ' ');
        boolean percent = measure.endsWith("accuracy");
        XYSeries trainLoss = new XYSeries("training loss");
        XYSeries testLoss = new XYSeries(held + " loss");
        XYSeries trainAcc = new XYSeries("training accuracy");
        XYSeries testAcc = new XYSeries(held + " " + measure);
        double scale = percent ? 100 : 1;
        for (Progress.Point p : h.train()) {
            if (Double.isFinite(p.loss())) {
                trainLoss.add(p.epoch(), p.loss());
            }
            if (Double.isFinite(p.accuracy()) && percent) {
                trainAcc.add(p.epoch(), 100 * p.accuracy());
            }
        }
        for (Progress.Point p : h.test()) {
            if (Double.isFinite(p.loss())) {
                testLoss.add(p.epoch(), p.loss());
            }
            if (Double.isFinite(p.accuracy())) {
                testAcc.add(p.epoch(), scale * p.accuracy());
            }
        }
        NumberAxis epochs = new NumberAxis("epoch");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.setGap(12);
        plot.add(plot("loss", trainLoss, testLoss, false, LOSS_COLOURS), 1);
        if (trainAcc.getItemCount() > 0 || testAcc.getItemCount() > 0) {
            plot.add(plot(percent ? measure + " (%)" : measure, trainAcc, testAcc, percent, MEASURE_COLOURS), 1);
        }
        JFreeChart chart = new JFreeChart(title + ": training", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage image = chart.createBufferedImage(WIDTH, HEIGHT);
        AtomicFile.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new java.io.IOException("no PNG writer in this Java runtime");
            }
        });
    }

    /** Four distinct colours, so that the one legend under both panels tells every curve apart. */
    private static final Color[] LOSS_COLOURS = {new Color(0x1f77b4), new Color(0xd62728)};
    private static final Color[] MEASURE_COLOURS = {new Color(0x2ca02c), new Color(0xff7f0e)};

    private static XYPlot plot(String label, XYSeries train, XYSeries test, boolean percent, Color[] colours) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(train);
        data.addSeries(test);
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        if (percent) {
            axis.setUpperBound(100);
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesLinesVisible(0, true);
        r.setSeriesShapesVisible(0, false);
        r.setSeriesPaint(0, colours[0]);
        r.setSeriesStroke(0, new BasicStroke(1.2f));
        r.setSeriesLinesVisible(1, true);
        r.setSeriesShapesVisible(1, true);
        r.setSeriesPaint(1, colours[1]);
        r.setSeriesStroke(1, new BasicStroke(2f));
        XYPlot p = new XYPlot(data, null, axis, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }
}
