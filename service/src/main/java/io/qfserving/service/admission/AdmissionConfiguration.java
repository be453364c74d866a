package io.qfserving.service.admission;

import io.qfserving.service.inference.InferenceProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/** Admission for both transports, declared here rather than scanned, so that MVC slice tests do without it. */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {

    @Bean
    Admission admission(AdmissionProperties properties) {
        return new Admission(properties, Runtime.getRuntime().availableProcessors());
    }

    @Bean
    ReceivedBodies receivedBodies(AdmissionProperties properties, InferenceProperties inference) {
        long largest = Math.max(inference.maxImageSize().toBytes(), inference.maxRequestSize().toBytes());
        if (properties.maxReceiving().toBytes() < largest) {
            throw new IllegalStateException("qf.admission.max-receiving (" + properties.maxReceiving() + ") must hold at least one"
                    + " body of the largest size allowed (qf.inference.max-image-size / max-request-size: " + largest + " bytes)");
        }
        return new ReceivedBodies(inference.maxImageSize().toBytes(), inference.maxRequestSize().toBytes(), properties);
    }

    @Bean
    TomcatConnectorCustomizer socketReadBuffer(AdmissionProperties properties) {
        return connector -> connector.setProperty("socket.appReadBufSize", Long.toString(properties.readBuffer().toBytes()));
    }

    /** Named as the DispatcherServlet looks it up, in place of Boot's resolver that has the container parse uploads. */
    @Bean(DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    MultipartResolver multipartResolver(InferenceProperties inference) {
        return new ReceivedMultipartResolver(inference.maxImageSize().toBytes(), inference.maxImagesPerRequest());
    }

    @Bean
    AdmissionMetrics admissionMetrics(Admission admission, ReceivedBodies bodies) {
        return new AdmissionMetrics(admission, bodies);
    }

    @Bean
    AdmissionFilter admissionFilter(Admission admission, ReceivedBodies bodies) {
        return new AdmissionFilter(admission, bodies);
    }

    @Bean
    StreamAdmission streamAdmission(Admission admission) {
        return new StreamAdmission(admission);
    }

    @Bean
    @GlobalServerInterceptor
    AdmissionInterceptor admissionInterceptor(Admission admission) {
        return new AdmissionInterceptor(admission);
    }
}
