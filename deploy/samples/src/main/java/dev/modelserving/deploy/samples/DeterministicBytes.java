package dev.modelserving.deploy.samples;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serializes protobuf messages with deterministic serialization (map entries sorted by key), so the same content
 * always gives the same bytes. TensorFlow's native side writes map fields (node attributes, signatures) in hash
 * order, which differs from run to run.
 */
final class DeterministicBytes {

    private DeterministicBytes() {}

    static byte[] of(MessageLite message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            message.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not serialize " + message.getClass().getSimpleName() + " in memory", e);
        }
        return bytes.toByteArray();
    }
}
