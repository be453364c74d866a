package io.qfserving.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The chart rendered by Helm (helm-java) and parsed into client-java's typed models. */
record RenderedChart(String manifest, List<Object> documents) {

    static final String RELEASE = "qf";
    /** Helm's template default (1.20) is older than the chart's kubeVersion. */
    static final String KUBERNETES_VERSION = "1.31.0";

    static {
        ServiceMonitor.register();
        AnalysisTemplate.register();
        MetricTemplate.register();
    }

    /** Renders the chart with its own values plus the given values files, in order. */
    static RenderedChart render(Path... valuesFiles) {
        TemplateCommand template = new Helm(ProjectFiles.CHART).template()
                .withName(RELEASE).withNamespace("serving").withKubeVersion(KUBERNETES_VERSION);
        for (Path values : valuesFiles) {
            template = template.withValuesFile(values);
        }
        String manifest = template.call();
        return new RenderedChart(manifest, parseStrictly(manifest));
    }

    static List<Object> parseStrictly(String manifest) {
        try {
            return Yaml.loadAll(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> List<T> all(Class<T> kind) {
        return documents.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T> Optional<T> find(Class<T> kind) {
        List<T> found = all(kind);
        assertThat(found).as("rendered %s documents", kind.getSimpleName()).hasSizeLessThanOrEqualTo(1);
        return found.stream().findFirst();
    }

    <T> T one(Class<T> kind) {
        return find(kind).orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " rendered"));
    }

    V1Container container() {
        return one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    Optional<String> env(String name) {
        return envVar(name).map(V1EnvVar::getValue);
    }

    /** The variable itself, for one taken from a Secret ({@code valueFrom}). */
    Optional<V1EnvVar> envVar(String name) {
        return container().getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }
}
