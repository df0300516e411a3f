package dev.modelserving.flink.types;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A type Flink handles as one opaque value written by its own serializer (a protobuf message, a record on its way to
 * the serving operator): not a basic type, not a tuple, one field, and not a key type (streams of it are keyed by a
 * {@code KeySelector}'s result, never by the value itself or a field expression). Subclasses name the class and the
 * serializer.
 *
 * @param <T> the type
 */
public abstract class OpaqueTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isBasicType() {
        return false;
    }

    @Override
    public final boolean isTupleType() {
        return false;
    }

    @Override
    public final int getArity() {
        return 1;
    }

    @Override
    public final int getTotalFields() {
        return 1;
    }

    @Override
    public final boolean isKeyType() {
        return false;
    }
}
