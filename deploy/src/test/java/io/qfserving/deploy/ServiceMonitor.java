package io.qfserving.deploy;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.util.ModelMapper;
import java.util.List;

/** The part of Prometheus Operator's {@code monitoring.coreos.com/v1} ServiceMonitor that the chart renders. */
public class ServiceMonitor extends CustomResource {

    public Spec spec;

    static void register() {
        ModelMapper.addModelMap("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors", true,
                ServiceMonitor.class);
    }

    public static class Spec {
        public V1LabelSelector selector;
        public List<Endpoint> endpoints;
    }

    public static class Endpoint {
        public String port;
        public String path;
        public String interval;
        public String scrapeTimeout;
    }
}
