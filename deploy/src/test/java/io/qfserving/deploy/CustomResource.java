package io.qfserving.deploy;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * What every custom resource the chart renders shares, for client-java, which has no models for
 * them: registered subclasses let {@code Yaml.loadAll} parse them as strictly as the built-in kinds
 * (an unknown field fails). Public fields because client-java's YAML binding (SnakeYAML beans)
 * fills them by name; each subclass adds its {@code spec}.
 */
public abstract class CustomResource implements KubernetesObject {

    public String apiVersion;
    public String kind;
    public V1ObjectMeta metadata;

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
}
