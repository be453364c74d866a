package io.qfserving.service.admission;

import io.qfserving.service.transport.HttpRequests;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StringUtils;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.DefaultMultipartHttpServletRequest;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import reactor.core.publisher.Flux;

/**
 * Multipart uploads parsed from the body {@link ReceivedBodies} has already received, in memory,
 * by Spring's multipart parser: an upload, like any other classify body, arrives without holding a
 * request thread and within the body timeout before it takes its permit. The parts are copied out
 * of the body, so an upload holds about twice its size while its request is served. Multipart
 * requests whose body was not received that way (admission off, other paths) go to the servlet
 * container's parser.
 */
final class ReceivedMultipartResolver implements MultipartResolver {

    private static final ResolvableType PART = ResolvableType.forClass(Part.class);

    private final MultipartResolver container = new StandardServletMultipartResolver();
    private final DefaultPartHttpMessageReader parser = new DefaultPartHttpMessageReader();
    private final long fileLimit;

    /**
     * @param fileLimit the most bytes one part may have
     * @param maxParts the most parts an upload may have
     */
    ReceivedMultipartResolver(long fileLimit, int maxParts) {
        this.fileLimit = fileLimit;
        parser.setMaxInMemorySize((int) Math.min(fileLimit, Integer.MAX_VALUE));
        // A part over the in-memory size would otherwise be written to a temporary file.
        parser.setMaxDiskUsagePerPart(0);
        parser.setMaxParts(maxParts);
    }

    /** An error page never reads the upload, whose body may not even have arrived (408, 413). */
    @Override
    public boolean isMultipart(HttpServletRequest request) {
        return request.getDispatcherType() != DispatcherType.ERROR && container.isMultipart(request);
    }

    @Override
    public MultipartHttpServletRequest resolveMultipart(HttpServletRequest request) {
        if (!(request.getAttribute(HttpRequests.RECEIVED_BODY) instanceof byte[] body)) {
            return container.resolveMultipart(request);
        }
        MultiValueMap<String, MultipartFile> files = new LinkedMultiValueMap<>();
        Map<String, String[]> fields = new LinkedHashMap<>();
        Map<String, String> contentTypes = new LinkedHashMap<>();
        for (Part part : parse(request.getContentType(), body)) {
            MediaType type = part.headers().getContentType();
            if (type != null) {
                contentTypes.put(part.name(), type.toString());
            }
            if (part instanceof FilePart file) {
                files.add(part.name(), new ReceivedFile(part.name(), file.filename(), type, content(part)));
            } else if (part instanceof FormFieldPart field) {
                fields.merge(part.name(), new String[] {field.value()}, StringUtils::concatenateStringArrays);
            }
        }
        return new DefaultMultipartHttpServletRequest(request, files, fields, contentTypes);
    }

    private List<Part> parse(String contentType, byte[] body) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        ReactiveHttpInputMessage message = new ReactiveHttpInputMessage() {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }

            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body));
            }
        };
        try {
            return parser.read(PART, message, Map.of()).collectList().block();
        } catch (DataBufferLimitException tooLarge) {
            throw new MaxUploadSizeExceededException(fileLimit, tooLarge);
        } catch (RuntimeException malformed) {
            throw new MultipartException("the multipart body could not be parsed", malformed);
        }
    }

    private static byte[] content(Part part) {
        return DataBufferUtils.join(part.content()).map(joined -> {
            byte[] bytes = new byte[joined.readableByteCount()];
            joined.read(bytes);
            DataBufferUtils.release(joined);
            return bytes;
        }).blockOptional().orElse(new byte[0]);
    }

    @Override
    public void cleanupMultipart(MultipartHttpServletRequest request) {
        // Parts parsed here are held in memory only; the container's own may hold temporary files.
        if (!(request.getAttribute(HttpRequests.RECEIVED_BODY) instanceof byte[])) {
            container.cleanupMultipart(request);
        }
    }

    /** An uploaded file, held in memory. */
    private static final class ReceivedFile implements MultipartFile {

        private final String name;
        private final String filename;
        private final MediaType contentType;
        private final byte[] bytes;

        ReceivedFile(String name, String filename, MediaType contentType, byte[] bytes) {
            this.name = name;
            this.filename = filename;
            this.contentType = contentType;
            this.bytes = bytes;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getOriginalFilename() {
            return filename;
        }

        @Override
        public String getContentType() {
            return contentType == null ? null : contentType.toString();
        }

        @Override
        public boolean isEmpty() {
            return bytes.length == 0;
        }

        @Override
        public long getSize() {
            return bytes.length;
        }

        @Override
        public byte[] getBytes() {
            return bytes;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public void transferTo(File destination) throws IOException {
            Files.write(destination.toPath(), bytes);
        }
    }
}
