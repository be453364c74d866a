package io.qfserving.service.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Images made by the tests themselves (no dataset photos in the project), good and malicious. */
public final class TestImages {

    private TestImages() {}

    /** A scene of random coloured shapes, {@code width x height}, RGB. */
    public static BufferedImage scene(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            if (random.nextBoolean()) {
                g.fillOval(x, y, 1 + random.nextInt(width / 2), 1 + random.nextInt(height / 2));
            } else {
                g.fillRect(x, y, 1 + random.nextInt(width / 2), 1 + random.nextInt(height / 2));
            }
        }
        g.dispose();
        return image;
    }

    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] grayscalePng(int width, int height, long seed) {
        BufferedImage gray = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        gray.createGraphics().drawImage(scene(width, height, seed), 0, 0, null);
        return png(gray);
    }

    /** A PNG with a half-transparent alpha channel. */
    public static byte[] rgbaPng(int width, int height, long seed) {
        BufferedImage rgba = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        BufferedImage rgb = scene(width, height, seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                rgba.setRGB(x, y, (0x80 << 24) | (rgb.getRGB(x, y) & 0xFFFFFF));
            }
        }
        return png(rgba);
    }

    /** A four-channel (CMYK) JPEG, as print workflows and some scanners produce. */
    public static byte[] cmykJpeg(int width, int height, long seed) {
        BufferedImage rgb = scene(width, height, seed);
        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = rgb.getRGB(x, y);
                int r = p >> 16 & 0xFF;
                int gr = p >> 8 & 0xFF;
                int b = p & 0xFF;
                int max = Math.max(r, Math.max(gr, b));
                int k = 255 - max;
                cmyk.setPixel(x, y, max == 0 ? new int[] {0, 0, 0, 255}
                        : new int[] {(max - r) * 255 / max, (max - gr) * 255 / max, (max - b) * 255 / max, k});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The first {@code fraction} of a JPEG: header intact, scan data cut off. */
    public static byte[] truncated(byte[] jpeg, double fraction) {
        return Arrays.copyOf(jpeg, (int) (jpeg.length * fraction));
    }

    /**
     * A small valid PNG whose header claims {@code width x height}: a decompression bomb's shape. The
     * IHDR checksum is correct, so only a pixel limit can refuse it.
     */
    public static byte[] pngClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A small valid JPEG whose frame header (SOF0) claims {@code width x height} (each at most 65535): a
     * decompression bomb's shape, which only a pixel limit read from the header can refuse.
     */
    public static byte[] jpegClaiming(int width, int height) {
        byte[] jpeg = jpeg(scene(16, 16, 0));
        // Walk the marker segments after SOI: marker (2 bytes), then a length that counts itself.
        for (int i = 2; i + 9 < jpeg.length; i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF))) {
            if ((jpeg[i + 1] & 0xFF) == 0xC0) {
                // SOF0 after its length: precision (1 byte), height (2), width (2).
                ByteBuffer.wrap(jpeg, i + 5, 4).putShort((short) height).putShort((short) width);
                return jpeg;
            }
        }
        throw new IllegalStateException("ImageIO wrote no baseline frame header");
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
