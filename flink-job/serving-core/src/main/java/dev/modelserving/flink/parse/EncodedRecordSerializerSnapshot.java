package dev.modelserving.flink.parse;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;

/**
 * What a checkpoint or savepoint records about an {@link EncodedRecordSerializer}: nothing but its class, as the
 * serializer has no configuration (the format version travels with every record). EncodedRecords only cross the
 * exchange and live in no state, so no savepoint should hold one; if one does, it restores as is.
 */
public final class EncodedRecordSerializerSnapshot extends SimpleTypeSerializerSnapshot<EncodedRecord> {

    /** For Flink, which instantiates snapshots reflectively. */
    public EncodedRecordSerializerSnapshot() {
        super(EncodedRecordSerializer::new);
    }
}
