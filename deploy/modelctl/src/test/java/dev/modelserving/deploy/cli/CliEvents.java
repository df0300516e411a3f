package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;

/** Model events as the serving job emits them, for the CLI tests. */
final class CliEvents {

    /** 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600_000L;

    private CliEvents() {}

    static ModelEvent event(
            ModelEventType type,
            String dataType,
            String name,
            long version,
            long previous,
            String reason,
            long millisAfterT0,
            String emittedBy) {
        return ModelEvent.newBuilder()
                .setType(type)
                .setDataType(dataType)
                .setModelName(name)
                .setModelVersion(version)
                .setPreviousVersion(previous)
                .setReason(reason)
                .setTimestampMillis(T0 + millisAfterT0)
                .setEmittedBy(emittedBy)
                .build();
    }
}
