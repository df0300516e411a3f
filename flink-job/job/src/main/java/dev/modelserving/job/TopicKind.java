package dev.modelserving.job;

/**
 * What a Kafka topic of the job holds, in the terms of the system's design: a stream of data the system produces or
 * consumes, or a context (facts about the system that change rarely and are used, not learned from). The system's
 * picture ({@code ServingJob --describe}) draws streams green and contexts violet.
 */
public enum TopicKind {
    /** Data flowing through the system: readings, results, dead letters, events, statistics, predictions, alerts. */
    STREAM,
    /** Facts the system uses: model artifacts, model configuration, machine properties, monitoring configuration. */
    CONTEXT
}
