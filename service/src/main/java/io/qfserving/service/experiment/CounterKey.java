package io.qfserving.service.experiment;

/** Where an event is counted: one variant of one revision of an experiment. */
public record CounterKey(String experiment, long revision, String variant) {}
