package io.qfserving.models.eval;

import io.qfserving.models.data.ClassNames;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/** Prints an evaluation as text and draws per-class accuracy and the confusion matrix as one PNG. */
public final class EvaluationReport {

    private EvaluationReport() {}

    public static void print(String model, Evaluation.Result result, PrintStream out) {
        out.printf("%s: top-1 %.2f%%  top-5 %.2f%%  (%d images)%n", model, result.top1(), result.top5(), result.images());
        out.println();
        out.printf("%-12s %-20s %8s%n", "class", "name", "top-1");
        List<String> classes = result.classes();
        for (int c = 0; c < classes.size(); c++) {
            out.printf("%-12s %-20s %7.2f%%%n", classes.get(c), ClassNames.of(classes.get(c)), result.classAccuracy(c));
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class)");
        StringBuilder header = new StringBuilder(String.format("%-12s", ""));
        for (int c = 0; c < classes.size(); c++) {
            header.append(String.format("%6d", c));
        }
        out.println(header);
        for (int r = 0; r < classes.size(); r++) {
            StringBuilder row = new StringBuilder(String.format("%2d %-9s", r, classes.get(r)));
            for (int n : result.confusion()[r]) {
                row.append(String.format("%6d", n));
            }
            out.println(row);
        }
    }

    /** Writes {@code png}: per-class accuracy above, confusion matrix below. */
    public static void chart(String model, Evaluation.Result result, Path png) throws IOException {
        List<String> names = result.classes().stream().map(ClassNames::of).toList();
        List<Double> accuracy = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            accuracy.add(result.classAccuracy(c));
        }
        CategoryChart perClass = new CategoryChartBuilder().width(900).height(420)
                .title(String.format("%s: per-class top-1 (overall %.2f%%, %d images)", model, result.top1(), result.images()))
                .xAxisTitle("class").yAxisTitle("top-1 %").build();
        perClass.getStyler().setLegendVisible(false);
        perClass.getStyler().setXAxisLabelRotation(30);
        perClass.getStyler().setYAxisMin(0.0);
        perClass.getStyler().setYAxisMax(100.0);
        perClass.addSeries("top-1", names, accuracy);

        HeatMapChart confusion = new HeatMapChartBuilder().width(900).height(720)
                .title("confusion matrix (rows: true, columns: predicted)").xAxisTitle("predicted").yAxisTitle("true").build();
        confusion.getStyler().setShowValue(true);
        confusion.getStyler().setXAxisLabelRotation(30);
        List<Number[]> cells = new ArrayList<>();
        int[][] matrix = result.confusion();
        for (int r = 0; r < matrix.length; r++) {
            for (int c = 0; c < matrix.length; c++) {
                cells.add(new Number[] {c, matrix.length - 1 - r, matrix[r][c]});
            }
        }
        confusion.addSeries("count", names, names.reversed(), cells);

        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(stacked(BitmapEncoder.getBufferedImage(perClass), BitmapEncoder.getBufferedImage(confusion)), "png", png.toFile());
    }

    /**
     * One image above the other, each at its own size (XChart's grid gives every cell the first
     * chart's size, which cut the taller confusion matrix off).
     */
    private static BufferedImage stacked(BufferedImage top, BufferedImage bottom) {
        BufferedImage page = new BufferedImage(Math.max(top.getWidth(), bottom.getWidth()), top.getHeight() + bottom.getHeight(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = page.createGraphics();
        try {
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, page.getWidth(), page.getHeight());
            graphics.drawImage(top, 0, 0, null);
            graphics.drawImage(bottom, 0, top.getHeight(), null);
        } finally {
            graphics.dispose();
        }
        return page;
    }
}
