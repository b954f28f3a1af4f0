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

/** The training curves as a PNG (JFreeChart, headless): loss above, accuracy below, over epochs. */
final class Chart {

    static final int WIDTH = 900;
    static final int HEIGHT = 600;

    private Chart() {
    }

    static void write(Path file, String title, Progress.History h) {
        XYSeries trainLoss = new XYSeries("training loss");
        XYSeries testLoss = new XYSeries("test loss");
        XYSeries trainAcc = new XYSeries("training accuracy");
        XYSeries testAcc = new XYSeries("test accuracy");
        for (Progress.Point p : h.train()) {
            if (Double.isFinite(p.loss())) {
                trainLoss.add(p.epoch(), p.loss());
            }
            if (Double.isFinite(p.accuracy())) {
                trainAcc.add(p.epoch(), 100 * p.accuracy());
            }
        }
        for (Progress.Point p : h.test()) {
            if (Double.isFinite(p.loss())) {
                testLoss.add(p.epoch(), p.loss());
            }
            if (Double.isFinite(p.accuracy())) {
                testAcc.add(p.epoch(), 100 * p.accuracy());
            }
        }
        NumberAxis epochs = new NumberAxis("epoch");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.setGap(12);
        plot.add(plot("loss", trainLoss, testLoss, false), 1);
        if (trainAcc.getItemCount() > 0 || testAcc.getItemCount() > 0) {
            plot.add(plot("accuracy (%)", trainAcc, testAcc, true), 1);
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

    private static XYPlot plot(String label, XYSeries train, XYSeries test, boolean percent) {
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
        r.setSeriesPaint(0, new Color(0x1f77b4));
        r.setSeriesStroke(0, new BasicStroke(1.2f));
        r.setSeriesLinesVisible(1, true);
        r.setSeriesShapesVisible(1, true);
        r.setSeriesPaint(1, new Color(0xd62728));
        r.setSeriesStroke(1, new BasicStroke(2f));
        XYPlot p = new XYPlot(data, null, axis, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }
}
