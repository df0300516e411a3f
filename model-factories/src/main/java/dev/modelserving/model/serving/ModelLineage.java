package dev.modelserving.model.serving;

import com.google.protobuf.ByteString;
import dev.modelserving.model.ModelId;

/**
 * The model that produced a {@link dev.modelserving.proto.ServingResult}, with its artifact hash encoded to UTF-8 once:
 * every result of a model carries the same 64-character hash, which protobuf would otherwise measure and encode twice
 * per result (size, then bytes). The name and data type stay Strings: they are short, and the serving metrics read
 * them back from every result (a ByteString field would be decoded again on every read).
 *
 * @param id the model
 * @param sha256 its artifact's SHA-256, UTF-8
 */
public record ModelLineage(ModelId id, ByteString sha256) {

    /** The lineage of {@code id}, its hash encoded. */
    public static ModelLineage of(ModelId id) {
        return new ModelLineage(id, ByteString.copyFromUtf8(id.sha256()));
    }
}
