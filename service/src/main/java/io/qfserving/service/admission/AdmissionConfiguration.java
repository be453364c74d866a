package io.qfserving.service.admission;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The admission filter, declared here rather than scanned, so that MVC slice tests do without it. */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {

    @Bean
    AdmissionFilter admissionFilter(AdmissionProperties properties, MeterRegistry registry) {
        return new AdmissionFilter(properties, registry);
    }
}
