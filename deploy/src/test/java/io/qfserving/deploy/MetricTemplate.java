package io.qfserving.deploy;

import io.kubernetes.client.util.ModelMapper;

/** The part of Flagger's {@code flagger.app/v1beta1} MetricTemplate that the chart renders. */
public class MetricTemplate extends CustomResource {

    public Spec spec;

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
