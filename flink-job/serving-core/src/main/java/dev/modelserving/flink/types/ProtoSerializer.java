package dev.modelserving.flink.types;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer for one generated protobuf message class: a 4-byte length followed by the message's wire bytes,
 * read back with the class's own parser. Messages are immutable, so copies are the same instance.
 *
 * <p>The wire format is protobuf's, so a savepoint written with an older version of the message class restores with a
 * newer one (added fields read as defaults, unknown fields kept): the {@link ProtoSerializerSnapshot} only checks that
 * the class is the same.
 *
 * @param <T> the message class
 */
public final class ProtoSerializer<T extends Message> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> messageClass;
    /** Resolved lazily after Java deserialization; resolving twice under a race is harmless. */
    private transient Parser<T> parser;

    /**
     * A serializer for {@code messageClass}.
     *
     * @throws IllegalArgumentException when it is not a generated protobuf message class
     */
    public ProtoSerializer(Class<T> messageClass) {
        this.messageClass = Objects.requireNonNull(messageClass, "messageClass");
        this.parser = ProtoMessages.parser(messageClass);
    }

    /** The message class this serializer reads and writes. */
    public Class<T> messageClass() {
        return messageClass;
    }

    private Parser<T> parser() {
        Parser<T> p = parser;
        if (p == null) {
            p = ProtoMessages.parser(messageClass);
            parser = p;
        }
        return p;
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this; // stateless apart from the thread-safe parser
    }

    @Override
    public T createInstance() {
        return ProtoMessages.defaultInstance(messageClass);
    }

    @Override
    public T copy(T from) {
        return from;
    }

    @Override
    public T copy(T from, T reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        byte[] bytes = record.toByteArray();
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[readLength(source)];
        source.readFully(bytes);
        try {
            return parser().parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("cannot parse " + bytes.length + " bytes as " + messageClass.getName(), e);
        }
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = readLength(source);
        target.writeInt(length);
        target.write(source, length);
    }

    private int readLength(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0) {
            throw new IOException("negative length " + length + " while reading " + messageClass.getName());
        }
        return length;
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new ProtoSerializerSnapshot<>(messageClass);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtoSerializer<?> other && other.messageClass.equals(messageClass);
    }

    @Override
    public int hashCode() {
        return messageClass.hashCode();
    }

    @Override
    public String toString() {
        return "ProtoSerializer<" + messageClass.getName() + ">";
    }
}
