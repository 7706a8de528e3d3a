package io.github.lwm2mportfolio.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * chart.png: two panels side by side, throughput and p99 latency against N (log scale), one line per server,
 * ours beside bare Leshan and the floor, from the medians. With ours as nodes, one line per node count, and the
 * second panel is the server CPU per device summed over the nodes.
 */
final class ResultsChart {

    static final int WIDTH = 1200;
    static final int HEIGHT = 500;
    private static final Color[] LINE_COLORS = { new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b) };

    private ResultsChart() {
    }

    static void write(Path file, BenchSettings settings, BenchSummary summary) throws IOException {
        // A chart needs no display; without this AWT may try to open one wherever DISPLAY is set.
        System.setProperty("java.awt.headless", "true");
        // Throughput is what the flat load measures, latency what the offered rate does; else what was run.
        BenchLoad throughputLoad = settings.loads().contains(BenchLoad.FLAT) ? BenchLoad.FLAT : settings.loads().get(0);
        BenchLoad latencyLoad = settings.loads().contains(BenchLoad.RATE) ? BenchLoad.RATE : settings.loads().get(0);
        JFreeChart throughput = chart("Throughput", describe(throughputLoad, settings), "devices/s",
                lines(settings, summary, throughputLoad, MedianFigures::devicesPerSecond),
                clientsAxis(settings.clients()));
        // Ours as nodes: what the nodes spend per device beside what they do, rather than latency.
        JFreeChart latency = settings.nodes().isEmpty()
                ? chart("p99 latency", describe(latencyLoad, settings),
                        // what "done" is for each server: docs/BENCHMARKS.md; a longer label is cut at the edges
                        "ms, registration to done (ours: verdict stored)",
                        lines(settings, summary, latencyLoad, MedianFigures::p99Ms), clientsAxis(settings.clients()))
                : chart("Server CPU per device", describe(throughputLoad, settings),
                        "CPU ms/device, summed over the nodes",
                        lines(settings, summary, throughputLoad, MedianFigures::cpuMsPerDevice),
                        clientsAxis(settings.clients()));

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            throughput.draw(graphics, new Rectangle2D.Double(0, 0, WIDTH / 2.0, HEIGHT));
            latency.draw(graphics, new Rectangle2D.Double(WIDTH / 2.0, 0, WIDTH / 2.0, HEIGHT));
        } finally {
            graphics.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("this Java has no PNG writer");
        }
    }

    private static String describe(BenchLoad load, BenchSettings settings) {
        String runs = "median of " + settings.runs() + (settings.runs() == 1 ? " run" : " runs");
        String what = switch (load) {
        case RATE -> settings.rate() + " registrations/s offered";
        case FLAT -> "flat out";
        case REREGISTER -> "second wave: the whole fleet re-registers at once";
        };
        String transports = settings.transports().size() == 1 && settings.transports().get(0) == BenchTransport.COAP
                ? "" : ", " + String.join(" and ", settings.transports().stream().map(BenchTransport::label).toList());
        return what + transports + ", " + runs;
    }

    private static XYSeriesCollection lines(BenchSettings settings, BenchSummary summary, BenchLoad load,
            ToDoubleFunction<MedianFigures> figure) {
        XYSeriesCollection lines = new XYSeriesCollection();
        boolean transportsApart = settings.transports().size() > 1;
        for (BenchTransport transport : settings.transports()) {
            for (ServerSetup server : settings.servers()) {
                XYSeries line = new XYSeries(server.label() + (transportsApart ? " (" + transport.label() + ")" : ""));
                for (int clients : settings.clients()) {
                    summary.median(clients, load, transport, server).map(figure::applyAsDouble)
                            .filter(v -> !v.isNaN()).ifPresent(value -> line.add(clients, value));
                }
                lines.addSeries(line);
            }
        }
        return lines;
    }

    /**
     * The N axis: log scale with one tick a decade (10, 100, 1,000...) once N spans one, JFreeChart's own log
     * ticks within a decade, and a linear axis around a single N (a log axis over one point repeats its label).
     */
    static ValueAxis clientsAxis(List<Integer> clients) {
        int smallest = Collections.min(clients);
        int largest = Collections.max(clients);
        if (smallest == largest) {
            NumberAxis single = new NumberAxis("clients (N)");
            single.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            single.setNumberFormatOverride(new DecimalFormat("#,##0"));
            single.setRange(smallest * 0.5, smallest * 1.5);
            return single;
        }
        LogAxis axis = new LogAxis("clients (N)");
        axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
        if (largest >= 10 * smallest) {
            axis.setTickUnit(new NumberTickUnit(1)); // the unit is a power of ten
        }
        axis.setLowerMargin(0.1);
        axis.setUpperMargin(0.1);
        return axis;
    }

    private static JFreeChart chart(String title, String subtitle, String valueLabel, XYSeriesCollection lines,
            ValueAxis clientsAxis) {
        NumberAxis valueAxis = new NumberAxis(valueLabel);
        valueAxis.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < lines.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, LINE_COLORS[i % LINE_COLORS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(lines, clientsAxis, valueAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.addSubtitle(new TextTitle(subtitle));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
