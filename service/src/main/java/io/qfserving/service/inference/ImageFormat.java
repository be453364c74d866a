package io.qfserving.service.inference;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import java.awt.Dimension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The encoded formats we accept, recognised by their signature bytes (never by what the client
 * claims), and their declared dimensions read from the header alone with the JDK's ImageIO readers.
 */
enum ImageFormat {
    JPEG("jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});

    static {
        // Header reads are tiny; ImageIO's default disk cache would only add temp files.
        ImageIO.setUseCache(false);
    }

    private final String imageIoName;
    private final byte[] signature;

    ImageFormat(String imageIoName, byte[] signature) {
        this.imageIoName = imageIoName;
        this.signature = signature;
    }

    /** @throws ServingException UNSUPPORTED_MEDIA when the bytes are neither JPEG nor PNG, BAD_REQUEST when empty */
    static ImageFormat of(byte[] image) {
        if (image.length == 0) {
            throw ServingException.badRequest("the image is empty");
        }
        for (ImageFormat format : values()) {
            if (image.length >= format.signature.length
                    && Arrays.equals(image, 0, format.signature.length, format.signature, 0, format.signature.length)) {
                return format;
            }
        }
        throw new ServingException(ErrorKind.UNSUPPORTED_MEDIA, "the image is neither JPEG nor PNG (unrecognised leading bytes)");
    }

    /** Width and height as the header declares them, without decoding pixels. */
    Dimension declaredSize(byte[] image) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(imageIoName);
        ImageReader reader = readers.next();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            reader.setInput(input, true, true);
            return new Dimension(reader.getWidth(0), reader.getHeight(0));
        } catch (IOException | RuntimeException e) {
            throw ServingException.badRequest("not a valid " + name() + " image: cannot read its header (" + e.getMessage() + ")");
        } finally {
            reader.dispose();
        }
    }
}
