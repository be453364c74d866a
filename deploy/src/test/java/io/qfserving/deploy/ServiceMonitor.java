package io.qfserving.deploy;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ModelMapper;
import java.util.List;

/**
 * The part of Prometheus Operator's {@code monitoring.coreos.com/v1} ServiceMonitor that the chart
 * renders. client-java has no model for this custom resource; registering this one lets
 * {@code Yaml.loadAll} parse it as strictly as the built-in kinds (an unknown field fails).
 * Public fields because client-java's YAML binding (SnakeYAML beans) fills them by name.
 */
public class ServiceMonitor implements KubernetesObject {

    public String apiVersion;
    public String kind;
    public V1ObjectMeta metadata;
    public Spec spec;

    @Override
    public V1ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }

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
