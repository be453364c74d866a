package io.qfserving.service.inference;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Request defaults and the limits every request is checked against before any decoding.
 *
 * @param defaultModel the model {@code POST /v1/classify} and gRPC calls without a model name use
 * @param defaultTopK predictions returned when the request asks for none
 * @param maxImageSize largest encoded image accepted (and largest HTTP body)
 * @param maxPixels largest image accepted, width x height as its header declares it: larger ones are
 *     refused before decoding, so a small file that claims a huge image cannot exhaust memory
 * @param maxImagesPerRequest most images (or tensor rows) one request may carry
 * @param maxRequestSize largest request body other than a single raw image (tensor requests,
 *     multipart uploads, gRPC messages)
 * @param timeout how long a request may take when the client sets no deadline of its own
 * @param decoders images decoded at once, whatever the requests in progress; 0: one per core. Decoding
 *     is most of a request's CPU; with each request thread decoding for itself, a refusal or a probe
 *     waited its turn among up to the admission limit's runnable decoders (on one core under twice its
 *     capacity: 429 p99 84 ms; with one decoder, 25 ms, and 13% more accepted). The price: images reach
 *     the batcher fewer at a time, and at steady load smaller batches cost about 8% more CPU a request
 * @param decodeScaling decode a JPEG at 1/2, 1/4 or 1/8 of its size (libjpeg's DCT scaling) when both
 *     sides stay at least the model's input, before the resize. Off by default: it pays only for large
 *     images (2.2-2.9x faster preprocessing from 1000 px up, nothing at 500 px), and the smoother scaled
 *     decode changes the top-1 of some images (docs/benchmarks.md)
 */
@Validated
@ConfigurationProperties("qf.inference")
public record InferenceProperties(
        @NotBlank @DefaultValue("qf-mobilenet-v1-int8") String defaultModel,
        @Min(1) @DefaultValue("5") int defaultTopK,
        @DefaultValue("8MB") DataSize maxImageSize,
        @Min(1) @DefaultValue("40000000") long maxPixels,
        @Min(1) @DefaultValue("64") int maxImagesPerRequest,
        @DefaultValue("64MB") DataSize maxRequestSize,
        @DefaultValue("30s") Duration timeout,
        @Min(0) @DefaultValue("0") int decoders,
        @DefaultValue("false") boolean decodeScaling) {

    /** {@link #decoders}, with 0 resolved to the cores this process may use. */
    public int decodersOrCores() {
        return decoders > 0 ? decoders : Runtime.getRuntime().availableProcessors();
    }

    @AssertTrue(message = "max-image-size must not exceed max-request-size: a request may carry one image")
    boolean isImageWithinRequest() {
        return maxImageSize.compareTo(maxRequestSize) <= 0;
    }
}
