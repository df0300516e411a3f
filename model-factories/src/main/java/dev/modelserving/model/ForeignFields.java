package dev.modelserving.model;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Map;
import java.util.Optional;

/**
 * Finds fields a message's schema does not know, anywhere in its tree (nested, repeated and map-value messages
 * included). Protobuf parsing is lenient across message types: the bytes of one message parse as another, and wire
 * fields that do not fit land in unknown fields. A payload with unknown fields is therefore taken as a different
 * message than the one declared (or one from a schema this job does not know), and refused rather than served as a
 * silently different record. Walks the schema's message-typed fields only (no reflection over scalars), so a flat
 * message such as a DataRecord costs one map lookup.
 */
public final class ForeignFields {

    private ForeignFields() {}

    /**
     * The first unknown field found.
     *
     * @param number its field number on the wire
     * @param path where it is ("" at the top, e.g. "validation_samples[0].input" below)
     * @param messageType the simple name of the message type that does not know it (e.g. "SensorReading")
     */
    public record Foreign(int number, String path, String messageType) {

        /** E.g. "field 3 is not a SensorReading field" or "field 9 in input is not a DataRecord field". */
        public String describe() {
            return "field " + number + (path.isEmpty() ? "" : " in " + path) + " is not a " + messageType + " field";
        }
    }

    /** The first unknown field of {@code message}'s tree, or empty when every field is known. */
    public static Optional<Foreign> first(Message message) {
        return Optional.ofNullable(first(message, ""));
    }

    private static Foreign first(Message message, String path) {
        Map<Integer, ?> unknown = message.getUnknownFields().asMap();
        if (!unknown.isEmpty()) {
            return new Foreign(
                    unknown.keySet().iterator().next(),
                    path,
                    message.getDescriptorForType().getName());
        }
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            String name = path.isEmpty() ? field.getName() : path + "." + field.getName();
            if (field.isMapField()) {
                // A map entry's fields are its key and its value, in that order (a lookup by name hashes a string).
                FieldDescriptor value = field.getMessageType().getFields().get(1);
                if (value.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                    continue; // scalar map values have no fields of their own
                }
                int count = message.getRepeatedFieldCount(field);
                for (int i = 0; i < count; i++) {
                    Message entry = (Message) message.getRepeatedField(field, i);
                    Foreign found = first((Message) entry.getField(value), name + "[" + i + "]");
                    if (found != null) {
                        return found;
                    }
                }
            } else if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                for (int i = 0; i < count; i++) {
                    Foreign found = first((Message) message.getRepeatedField(field, i), name + "[" + i + "]");
                    if (found != null) {
                        return found;
                    }
                }
            } else if (message.hasField(field)) {
                Foreign found = first((Message) message.getField(field), name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
