package dev.modelserving.deploy.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Finds fields a schema does not know in a parsed protobuf message. Protobuf parses many byte strings that were never
 * that message; unknown fields are the telling sign of bytes that are something else (or from a newer schema).
 */
final class UnknownFields {

    private UnknownFields() {}

    /** Where the first unknown field is, e.g. "an unknown field number 9 in input", or {@code null} if none. */
    static String first(Message message) {
        return first(message, "");
    }

    private static String first(Message message, String path) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            int number = message.getUnknownFields().asMap().keySet().iterator().next();
            return "an unknown field number " + number + (path.isEmpty() ? "" : " in " + path);
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            String name = path.isEmpty()
                    ? field.getKey().getName()
                    : path + "." + field.getKey().getName();
            List<?> values = field.getKey().isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
            for (int i = 0; i < values.size(); i++) {
                // Map entries are messages too; their unknown fields are just as telling.
                String found =
                        first((Message) values.get(i), field.getKey().isRepeated() ? name + "[" + i + "]" : name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
