package dev.modelserving.deploy.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Descriptor files: a binary {@link ModelDescriptor}, exactly what is published to the model topic. Reading refuses
 * files that merely happen to parse (protobuf accepts many byte strings): every field must be known and the
 * descriptor must have a name.
 */
final class DescriptorFiles {

    private DescriptorFiles() {}

    static ModelDescriptor read(Path file) throws CliException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new CliException("descriptor file " + file + " is a directory");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read descriptor file " + file, e);
        }
        if (bytes.length == 0) {
            throw new CliException(file + " is empty, not a ModelDescriptor");
        }
        ModelDescriptor descriptor;
        try {
            descriptor = ModelDescriptor.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException(file + " is not a ModelDescriptor (binary protobuf): " + e.getMessage()
                    + (looksLikeText(bytes) ? " It looks like a text file." : ""), e);
        }
        String unknown = unknownField(descriptor, "");
        if (unknown != null) {
            throw new CliException(file + " is not a ModelDescriptor (binary protobuf): it has " + unknown
                    + (looksLikeText(bytes) ? ". It looks like a text file." : ""));
        }
        if (descriptor.getName().isBlank()) {
            throw new CliException(file + " is not a usable ModelDescriptor: it has no name");
        }
        return descriptor;
    }

    /** Writes the descriptor's bytes, replacing the file only once everything is written. */
    static void write(Path file, ModelDescriptor descriptor) throws CliException {
        OutputFiles.writeAtomically(file, descriptor::writeTo);
    }

    /** The path of the first field this schema does not know, or {@code null}. */
    private static String unknownField(Message message, String path) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            int number = message.getUnknownFields().asMap().keySet().iterator().next();
            return "an unknown field number " + number + (path.isEmpty() ? "" : " in " + path);
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            String name = path.isEmpty() ? field.getKey().getName() : path + "." + field.getKey().getName();
            List<?> values = field.getKey().isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
            for (int i = 0; i < values.size(); i++) {
                // Map entries are messages too; their unknown fields are just as telling.
                String found = unknownField((Message) values.get(i),
                        field.getKey().isRepeated() ? name + "[" + i + "]" : name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean looksLikeText(byte[] bytes) {
        int printable = 0;
        int n = Math.min(bytes.length, 512);
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\n' || b == '\r' || b == '\t' || (b >= 0x20 && b < 0x7f)) {
                printable++;
            }
        }
        return printable == n;
    }
}
