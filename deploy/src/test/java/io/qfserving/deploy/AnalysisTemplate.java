package io.qfserving.deploy;

import io.kubernetes.client.util.ModelMapper;
import java.util.List;

/** The part of Argo Rollouts' {@code argoproj.io/v1alpha1} AnalysisTemplate that the chart renders. */
public class AnalysisTemplate extends CustomResource {

    public Spec spec;

    static void register() {
        ModelMapper.addModelMap("argoproj.io", "v1alpha1", "AnalysisTemplate", "analysistemplates", true,
                AnalysisTemplate.class);
    }

    public static class Spec {
        public List<Arg> args;
        public List<Metric> metrics;
    }

    public static class Arg {
        public String name;
        public String value;
    }

    public static class Metric {
        public String name;
        public String interval;
        public Integer count;
        public String successCondition;
        public String failureCondition;
        public Integer consecutiveSuccessLimit;
        public Integer failureLimit;
        public Integer inconclusiveLimit;
        public Provider provider;
    }

    public static class Provider {
        public Prometheus prometheus;
    }

    public static class Prometheus {
        public String address;
        public String query;
    }
}
