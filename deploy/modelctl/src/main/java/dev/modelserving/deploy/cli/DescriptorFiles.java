package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
            throw new CliException(
                    file + " is not a ModelDescriptor (binary protobuf): " + e.getMessage()
                            + (looksLikeText(bytes) ? " It looks like a text file." : ""),
                    e);
        }
        String unknown = UnknownFields.first(descriptor);
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
