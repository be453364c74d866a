package io.qfserving.service.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.qfserving.service.metrics.MetricNames;

/**
 * The meters of admission, read from the state it keeps anyway: the limit on requests in progress,
 * the requests in progress and refused, the bytes of request bodies held and the bodies that timed
 * out. Counting in the admission classes themselves keeps their request path free of meters.
 */
final class AdmissionMetrics implements MeterBinder {

    private final Admission admission;
    private final ReceivedBodies bodies;

    AdmissionMetrics(Admission admission, ReceivedBodies bodies) {
        this.admission = admission;
        this.bodies = bodies;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder(MetricNames.ADMISSION_REFUSED, admission, Admission::refused)
                .description("Inference requests refused before any of their work, at the limit of requests in progress")
                .register(registry);
        Gauge.builder(MetricNames.ADMISSION_LIMIT, admission, Admission::limit)
                .description("Inference requests allowed in progress, as the adaptive limit estimates it now").register(registry);
        Gauge.builder(MetricNames.ADMISSION_IN_PROGRESS, admission, Admission::inProgress)
                .description("Inference requests in progress").register(registry);
        FunctionCounter.builder(MetricNames.ADMISSION_BODY_TIMEOUTS, bodies, ReceivedBodies::timedOut)
                .description("Inference requests whose body did not arrive within the body timeout (answered 408)").register(registry);
        Gauge.builder(MetricNames.ADMISSION_RECEIVING, bodies, ReceivedBodies::receiving).baseUnit("bytes")
                .description("Memory held by request bodies being received or served").register(registry);
    }
}
