package dev.modelserving.flink.types;

import com.google.protobuf.Message;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for a generated protobuf message class, so messages flow between operators and live in
 * state through {@link ProtoSerializer} instead of Kryo. Use it wherever Flink asks for a type:
 * {@code .returns(ProtoTypeInfo.of(DataRecord.class))}, state descriptors, output tags.
 *
 * @param <T> the message class
 */
public final class ProtoTypeInfo<T extends Message> extends OpaqueTypeInfo<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> messageClass;

    private ProtoTypeInfo(Class<T> messageClass) {
        this.messageClass = Objects.requireNonNull(messageClass, "messageClass");
        ProtoMessages.defaultInstance(messageClass); // fail now, not in a running job, for a non-generated class
    }

    /**
     * The type information of a generated message class, e.g. {@code ProtoTypeInfo.of(DataRecord.class)}.
     *
     * <p>Declared like {@link TypeInformation#of(Class)} (which it hides) so that it can keep this name; it only
     * accepts protobuf message classes.
     *
     * @throws IllegalArgumentException when it is not a generated protobuf message class
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeInformation<T> of(Class<T> messageClass) {
        if (!Message.class.isAssignableFrom(messageClass)) {
            throw new IllegalArgumentException(messageClass.getName() + " is not a protobuf message class");
        }
        return (TypeInformation<T>) new ProtoTypeInfo(messageClass.asSubclass(Message.class));
    }

    @Override
    public Class<T> getTypeClass() {
        return messageClass;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new ProtoSerializer<>(messageClass);
    }

    @Override
    public String toString() {
        return "Proto<" + messageClass.getName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtoTypeInfo<?> other && other.canEqual(this) && other.messageClass.equals(messageClass);
    }

    @Override
    public int hashCode() {
        return messageClass.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ProtoTypeInfo;
    }
}
