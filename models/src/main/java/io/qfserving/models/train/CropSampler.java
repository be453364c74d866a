package io.qfserving.models.train;

import java.util.Random;

/**
 * Random-resized-crop boxes with horizontal flips, in the normalized (y1, x1, y2, x2) form that
 * TensorFlow's CropAndResize takes; a flip is a box whose x1 lies right of x2.
 */
record CropSampler(double minArea, double minAspect, double maxAspect) {

    /** Crops of at least {@code minArea} of the image, aspect ratio 3:4 to 4:3. */
    static CropSampler withMinArea(double minArea) {
        return new CropSampler(minArea, 3.0 / 4, 4.0 / 3);
    }

    private static final int ATTEMPTS = 10;

    float[] sample(Random random) {
        double y0 = 0;
        double x0 = 0;
        double h = 1;
        double w = 1;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double area = minArea + random.nextDouble() * (1 - minArea);
            double logAspect = Math.log(minAspect) + random.nextDouble() * (Math.log(maxAspect) - Math.log(minAspect));
            double aspect = Math.exp(logAspect);
            double cw = Math.sqrt(area * aspect);
            double ch = Math.sqrt(area / aspect);
            if (cw <= 1 && ch <= 1) {
                w = cw;
                h = ch;
                y0 = random.nextDouble() * (1 - h);
                x0 = random.nextDouble() * (1 - w);
                break;
            }
        }
        boolean flip = random.nextBoolean();
        float left = (float) x0;
        float right = (float) (x0 + w);
        return new float[] {(float) y0, flip ? right : left, (float) (y0 + h), flip ? left : right};
    }
}
