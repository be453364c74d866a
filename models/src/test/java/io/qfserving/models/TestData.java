package io.qfserving.models;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Where the shared photos are, and small generated datasets for tests that must run anywhere. */
public final class TestData {

    private TestData() {}

    /** {@code ../shared/data} (or -Dqf.data.dir); skips the calling test with a clear message when absent. */
    public static Path sharedDataOrSkip() {
        Path dir = Path.of(System.getProperty("qf.data.dir", "../../shared/data")).toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(dir.resolve("imagenette2-224")),
                "skipped: Imagenette not found at " + dir + "/imagenette2-224 (set -Dqf.data.dir to the shared data folder)");
        return dir;
    }

    /**
     * Writes a two-class folder dataset: class "n00000001" is a bright disc on dark, "n00000002"
     * horizontal stripes; half of each class as JPEG, half as PNG, sizes varying.
     */
    public static Path generatedDataset(Path root, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        String[] classes = {"n00000001", "n00000002"};
        for (int c = 0; c < classes.length; c++) {
            Path dir = Files.createDirectories(root.resolve(classes[c]));
            for (int i = 0; i < perClass; i++) {
                int size = 48 + random.nextInt(48);
                BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                g.setColor(new Color(random.nextInt(60), random.nextInt(60), random.nextInt(60)));
                g.fillRect(0, 0, size, size);
                g.setColor(new Color(200 + random.nextInt(55), 150 + random.nextInt(100), random.nextInt(100)));
                if (c == 0) {
                    int r = size / 4 + random.nextInt(size / 4);
                    g.fillOval(size / 2 - r, size / 2 - r, 2 * r, 2 * r);
                } else {
                    for (int y = random.nextInt(6); y < size; y += 10) {
                        g.fillRect(0, y, size, 4);
                    }
                }
                g.dispose();
                String format = i % 2 == 0 ? "jpg" : "png";
                ImageIO.write(image, format, dir.resolve("img" + i + "." + format).toFile());
            }
        }
        return root;
    }
}
