package dev.modelserving.model.records;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON reader for mappings and records: a duplicate key or content after the value is an error (a record that
 * says two things is refused, not read by whichever value comes last). Jackson's default stream limits apply
 * (nesting depth, number and string lengths).
 */
final class StrictJson {

    private StrictJson() {}

    /** A new strict mapper (thread-safe once built; each {@link RecordMapper} keeps its own). */
    static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
