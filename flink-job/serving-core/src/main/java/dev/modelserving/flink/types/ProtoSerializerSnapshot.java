package dev.modelserving.flink.types;

import com.google.protobuf.Message;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint or savepoint records about a {@link ProtoSerializer}: the message class name. Restoring loads that
 * class with the job's class loader; the same class is compatible as is (protobuf's wire format evolves by itself),
 * a different class is incompatible.
 *
 * @param <T> the message class
 */
public final class ProtoSerializerSnapshot<T extends Message> implements TypeSerializerSnapshot<T> {

    private static final int VERSION = 1;

    private Class<T> messageClass;

    /** For Flink, which instantiates snapshots reflectively and then calls {@link #readSnapshot}. */
    public ProtoSerializerSnapshot() {}

    ProtoSerializerSnapshot(Class<T> messageClass) {
        this.messageClass = messageClass;
    }

    @Override
    public int getCurrentVersion() {
        return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeUTF(messageClass.getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != VERSION) {
            throw new IOException(
                    "unknown ProtoSerializerSnapshot version " + readVersion + " (this code reads " + VERSION + ")");
        }
        String className = in.readUTF();
        try {
            messageClass = (Class<T>) ProtoMessages.load(className, userCodeClassLoader);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot restore the serializer of " + className, e);
        }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return new ProtoSerializer<>(messageClass);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot instanceof ProtoSerializerSnapshot<T> old
                && old.messageClass != null
                && old.messageClass.getName().equals(messageClass.getName())) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }

    /** The message class named by this snapshot (null before it is written or read). */
    public Class<T> messageClass() {
        return messageClass;
    }
}
