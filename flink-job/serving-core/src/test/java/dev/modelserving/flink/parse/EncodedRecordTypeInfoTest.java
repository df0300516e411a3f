package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.junit.jupiter.api.Test;

class EncodedRecordTypeInfoTest {

    @Test
    void typeExtractionGivesTheDedicatedSerializerInsteadOfThePojoSerializer() {
        TypeInformation<EncodedRecord> info = TypeInformation.of(EncodedRecord.class);

        assertThat(info).isInstanceOf(EncodedRecordTypeInfo.class);
        assertThat(info.getTypeClass()).isEqualTo(EncodedRecord.class);
        assertThat(info.createSerializer(new SerializerConfigImpl())).isInstanceOf(EncodedRecordSerializer.class);
        assertThat(TypeInformation.of(RawRecord.class)).isInstanceOf(PojoTypeInfo.class); // unchanged
    }

    @Test
    void appliesWhereverEncodedRecordAppearsInAType() {
        MapFunction<String, EncodedRecord> toEncoded = new MapFunction<>() {
            @Override
            public EncodedRecord map(String value) {
                return new EncodedRecord();
            }
        };
        TypeInformation<Tuple2<String, EncodedRecord>> pair =
                TypeInformation.of(new TypeHint<Tuple2<String, EncodedRecord>>() {});

        assertThat(TypeExtractor.getMapReturnTypes(toEncoded, Types.STRING)).isInstanceOf(EncodedRecordTypeInfo.class);
        assertThat(((TupleTypeInfo<?>) pair).getTypeAt(1)).isInstanceOf(EncodedRecordTypeInfo.class);
    }

    @Test
    void allInstancesAreEqual() {
        assertThat(new EncodedRecordTypeInfo())
                .isEqualTo(new EncodedRecordTypeInfo())
                .hasSameHashCodeAs(new EncodedRecordTypeInfo())
                .isNotEqualTo(TypeInformation.of(RawRecord.class));
    }
}
