package io.qfserving.models.eval;

import java.util.List;

/**
 * Accumulates predictions against labels: top-1, top-5, per-class accuracy and the confusion
 * matrix (rows: true class, columns: predicted class).
 */
public final class Evaluation {

    private final List<String> classes;
    private final int[][] confusion;
    private int images;
    private int top1;
    private int top5;

    public Evaluation(List<String> classes) {
        this.classes = List.copyOf(classes);
        this.confusion = new int[classes.size()][classes.size()];
    }

    public void add(float[] probabilities, int label) {
        int better = 0;
        for (float p : probabilities) {
            if (p > probabilities[label]) {
                better++;
            }
        }
        images++;
        confusion[label][argMax(probabilities)]++;
        if (better == 0) {
            top1++;
        }
        if (better < 5) {
            top5++;
        }
    }

    /** The first index of the largest probability. */
    public static int argMax(float[] probabilities) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return best;
    }

    public Result result() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return new Result(classes, images, percent(top1, images), percent(top5, images), copy);
    }

    private static double percent(int hits, int total) {
        return total == 0 ? 0 : 100.0 * hits / total;
    }

    /** Accuracies in percent. A tie with the true class counts as a hit, as ties are measure-zero here. */
    public record Result(List<String> classes, int images, double top1, double top5, int[][] confusion) {

        public double classAccuracy(int c) {
            int total = 0;
            for (int n : confusion[c]) {
                total += n;
            }
            return percent(confusion[c][c], total);
        }
    }
}
