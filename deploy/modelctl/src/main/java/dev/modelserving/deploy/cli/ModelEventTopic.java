package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.ModelEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the serving job's model-event topic from its beginning to the end it had when reading started (for
 * {@code list}, and for the default {@code --version} of {@code rollback} and {@code remove}).
 */
final class ModelEventTopic {

    /**
     * What was read.
     *
     * @param events the readable events, in the order read (per partition: oldest first)
     * @param unreadable {@code topic-partition@offset} of messages that are not ModelEvents
     */
    record Read(List<ModelEvent> events, List<String> unreadable) {}

    private ModelEventTopic() {}

    /** Reads every event written before this call. */
    static Read readToEnd(TopicReader reader, String eventsTopic) throws CliException {
        List<ModelEvent> events = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        TopicToEnd.read(reader, eventsTopic, record -> {
            try {
                ModelEvent event = ModelEvent.parseFrom(record.value() == null ? new byte[0] : record.value());
                if (event.getModelName().isEmpty() || UnknownFields.first(event) != null) {
                    unreadable.add(TopicToEnd.where(record));
                } else {
                    events.add(event);
                }
            } catch (InvalidProtocolBufferException e) {
                unreadable.add(TopicToEnd.where(record));
            }
        });
        return new Read(List.copyOf(events), List.copyOf(unreadable));
    }
}
