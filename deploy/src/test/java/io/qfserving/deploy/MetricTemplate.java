package io.qfserving.deploy;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ModelMapper;

/**
 * The part of Flagger's {@code flagger.app/v1beta1} MetricTemplate that the chart renders,
 * registered with client-java so that {@code Yaml.loadAll} parses it strictly (an unknown field
 * fails), as {@link ServiceMonitor} does. Public fields because SnakeYAML fills them by name.
 */
public class MetricTemplate implements KubernetesObject {

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
        ModelMapper.addModelMap("flagger.app", "v1beta1", "MetricTemplate", "metrictemplates", true,
                MetricTemplate.class);
    }

    public static class Spec {
        public Provider provider;
        public String query;
    }

    public static class Provider {
        public String type;
        public String address;
    }
}
