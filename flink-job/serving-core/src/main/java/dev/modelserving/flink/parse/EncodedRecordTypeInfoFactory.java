package dev.modelserving.flink.parse;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Named by {@link EncodedRecord}'s {@code @TypeInfo}: Flink's type extraction asks it for the type information of
 * EncodedRecord wherever the class appears, and gets {@link EncodedRecordTypeInfo}.
 */
public final class EncodedRecordTypeInfoFactory extends TypeInfoFactory<EncodedRecord> {

    /** For Flink, which instantiates the factory reflectively. */
    public EncodedRecordTypeInfoFactory() {}

    @Override
    public TypeInformation<EncodedRecord> createTypeInfo(Type type, Map<String, TypeInformation<?>> genericParameters) {
        return new EncodedRecordTypeInfo();
    }
}
