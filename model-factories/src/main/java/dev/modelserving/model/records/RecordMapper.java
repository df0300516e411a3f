package dev.modelserving.model.records;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DataRecord;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Turns one JSON object or one CSV line into a {@code DataRecord} as a {@link RecordMapping} says: the one
 * implementation the job's record parser and {@code modelctl produce} share. JSON is read by Jackson (duplicate keys
 * and trailing content refused), CSV by Commons CSV (RFC 4180: quoted fields may hold commas, quotes and line
 * breaks). Thread-safe: it holds only compiled paths and thread-safe readers.
 *
 * <p>A record it cannot map is a {@link RecordMappingException} naming the field: bad JSON or CSV, a missing mapped
 * field (unless the mapping says {@link MissingFields#OMIT}), a value that is not a number for a numeric feature, a
 * vector that does not match its shape, an event time that is neither epoch milliseconds nor ISO-8601, an identifier
 * that breaks {@link Identifiers}' rules. NaN and infinite numbers are carried as they are (scoring refuses them with
 * a FAILED result, as for protobuf records). Missing id, key and event time are left empty for the caller to derive.
 */
public final class RecordMapper {

    private static final Pattern VECTOR_SEPARATOR = Pattern.compile("[\\s;]+");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,18}");
    private static final int MAX_QUOTED_VALUE = 64;

    private final RecordMapping mapping;
    private final ObjectMapper json;
    private final CSVFormat csv;
    private final JsonPointer dataTypeField;
    private final JsonPointer keyField;
    private final JsonPointer idField;
    private final JsonPointer eventTimeField;
    private final List<Bound> features;
    private final List<Bound> categorical;
    private final JsonPointer vectorField;
    /** Top-level fields (CSV: columns) read explicitly: "remaining numeric features" skips them. */
    private final Set<String> explicitTopLevel;

    /** One mapped feature with its compiled path. */
    private record Bound(MappedFeature feature, JsonPointer pointer) {}

    /**
     * A mapper for {@code mapping}.
     *
     * @throws IllegalArgumentException when a field path is not a valid JSON Pointer or dotted path
     */
    public RecordMapper(RecordMapping mapping) {
        this.mapping = mapping;
        this.json = StrictJson.mapper();
        this.csv = CSVFormat.RFC4180.builder().setTrim(false).get();
        this.dataTypeField = compileOptional(mapping.dataTypeField());
        this.keyField = compileOptional(mapping.keyField());
        this.idField = compileOptional(mapping.idField());
        this.eventTimeField = compileOptional(mapping.eventTimeField());
        this.features = bind(mapping.features());
        this.categorical = bind(mapping.categoricalFeatures());
        this.vectorField =
                mapping.vector() == null ? null : compile(mapping.vector().path());
        this.explicitTopLevel = new HashSet<>();
        for (String path : mapping.explicitFields()) {
            JsonPointer pointer = compile(path);
            if (!pointer.matches()) {
                explicitTopLevel.add(pointer.getMatchingProperty());
            }
        }
    }

    /** The mapping this mapper applies. */
    public RecordMapping mapping() {
        return mapping;
    }

    /**
     * Maps one Kafka value (or file line) as UTF-8 bytes.
     *
     * @throws RecordMappingException naming the field when the record cannot be mapped
     */
    public DataRecord map(byte[] value) throws RecordMappingException {
        return toRecord(parse(value));
    }

    /**
     * Maps one record given as text (a JSON object or a CSV line).
     *
     * @throws RecordMappingException naming the field when the record cannot be mapped
     */
    public DataRecord map(String value) throws RecordMappingException {
        return toRecord(parse(value));
    }

    /**
     * The value of the key field of a record, for a producer's Kafka key; empty when the mapping has no key field or
     * the record has no usable key (the record itself is not checked further).
     */
    public Optional<String> key(String value) {
        if (keyField == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = present(parse(value), keyField);
            return node == null
                    ? Optional.empty()
                    : Optional.of(text(node, "key (field '" + mapping.keyField() + "')"));
        } catch (RecordMappingException e) {
            return Optional.empty();
        }
    }

    private JsonNode parse(byte[] value) throws RecordMappingException {
        if (mapping.syntax() == RecordSyntax.JSON) {
            try {
                return requireObject(json.readTree(value));
            } catch (IOException e) {
                throw new RecordMappingException(
                        "not a JSON object (" + value.length + " bytes): " + jsonProblem(e), e);
            }
        }
        try {
            return parse(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString());
        } catch (CharacterCodingException e) {
            throw new RecordMappingException("not a UTF-8 CSV line (" + value.length + " bytes): " + e, e);
        }
    }

    private JsonNode parse(String value) throws RecordMappingException {
        if (mapping.syntax() == RecordSyntax.JSON) {
            try {
                return requireObject(json.readTree(value));
            } catch (JsonProcessingException e) {
                throw new RecordMappingException("not a JSON object: " + jsonProblem(e), e);
            }
        }
        List<CSVRecord> rows;
        try (CSVParser parser = CSVParser.parse(new StringReader(value), csv)) {
            rows = parser.getRecords();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new RecordMappingException("not a CSV line: " + e.getMessage(), e);
        }
        if (rows.size() != 1) {
            throw new RecordMappingException("not one CSV line: " + rows.size() + " records");
        }
        CSVRecord row = rows.get(0);
        List<String> columns = mapping.columns();
        if (row.size() != columns.size()) {
            throw new RecordMappingException("the CSV line has " + row.size() + " values, the mapping lists "
                    + columns.size() + " columns " + columns);
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            node.put(columns.get(i), row.get(i));
        }
        return node;
    }

    private static JsonNode requireObject(JsonNode node) throws RecordMappingException {
        if (node == null || node.isMissingNode()) {
            throw new RecordMappingException("not a JSON object: no content");
        }
        if (!node.isObject()) {
            throw new RecordMappingException(
                    "not a JSON object: a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " value");
        }
        return node;
    }

    private static String jsonProblem(IOException e) {
        return e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.toString();
    }

    private DataRecord toRecord(JsonNode root) throws RecordMappingException {
        DataRecord.Builder record = DataRecord.newBuilder();
        String dataType = mapping.dataType();
        if (dataTypeField != null) {
            JsonNode node = present(root, dataTypeField);
            if (node == null) {
                throw new RecordMappingException("missing data type field '" + mapping.dataTypeField() + "'");
            }
            dataType = text(node, "data type (field '" + mapping.dataTypeField() + "')");
        }
        require(Identifiers.dataTypeProblem("data_type", dataType));
        record.setDataType(dataType);
        String key = optionalText(root, keyField, mapping.keyField(), "key");
        require(Identifiers.recordKeyProblem("key", key));
        record.setKey(key);
        String id = optionalText(root, idField, mapping.idField(), "id");
        require(Identifiers.recordKeyProblem("id", id));
        record.setId(id);
        if (eventTimeField != null) {
            JsonNode node = present(root, eventTimeField);
            if (node != null) {
                record.setEventTimeMillis(eventTime(node));
            } else if (mapping.missing() == MissingFields.REFUSE) {
                throw new RecordMappingException("missing event time field '" + mapping.eventTimeField() + "'");
            }
        }
        for (Bound bound : features) {
            JsonNode node = presentOrRefuse(root, bound, "feature");
            if (node != null) {
                record.putFeatures(bound.feature().name(), number(node, describe(bound)));
            }
        }
        for (Bound bound : categorical) {
            JsonNode node = presentOrRefuse(root, bound, "categorical feature");
            if (node != null) {
                record.putCategoricalFeatures(bound.feature().name(), text(node, "categorical " + describe(bound)));
            }
        }
        if (vectorField != null) {
            JsonNode node = present(root, vectorField);
            if (node == null) {
                throw new RecordMappingException(
                        "missing vector field '" + mapping.vector().path() + "'");
            }
            vector(node, record);
        }
        if (mapping.remainingNumericFeatures()) {
            remaining(root, record);
        }
        return record.build();
    }

    private void remaining(JsonNode root, DataRecord.Builder record) throws RecordMappingException {
        boolean csvRecord = mapping.syntax() == RecordSyntax.CSV;
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (explicitTopLevel.contains(name)
                    || record.containsFeatures(name)
                    || record.containsCategoricalFeatures(name)) {
                continue;
            }
            JsonNode value = field.getValue();
            if (csvRecord) {
                if (value.asText().isEmpty()) {
                    if (mapping.missing() == MissingFields.REFUSE) {
                        throw new RecordMappingException("missing value in column '" + name + "'");
                    }
                    continue;
                }
                record.putFeatures(name, number(value, "feature '" + name + "' (column '" + name + "')"));
            } else if (value.isNumber()) {
                record.putFeatures(name, value.doubleValue());
            }
        }
    }

    private void vector(JsonNode node, DataRecord.Builder record) throws RecordMappingException {
        String what = "vector (field '" + mapping.vector().path() + "')";
        List<Float> values = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode element : node) {
                values.add((float) number(element, what + " element " + values.size()));
            }
        } else if (node.isTextual()) {
            String text = node.textValue().trim();
            if (!text.isEmpty()) {
                for (String part : VECTOR_SEPARATOR.split(text)) {
                    values.add((float)
                            number(JsonNodeFactory.instance.textNode(part), what + " element " + values.size()));
                }
            }
        } else {
            throw new RecordMappingException(what + ": a " + kind(node) + " is not an array of numbers");
        }
        long expected = mapping.vector().expectedLength();
        if (expected >= 0 && values.size() != expected) {
            throw new RecordMappingException(what + " has " + values.size() + " values, its shape "
                    + mapping.vector().shape() + " needs " + expected);
        }
        record.addAllVector(values);
        record.addAllVectorShape(mapping.vector().shape());
    }

    private String optionalText(JsonNode root, JsonPointer pointer, String field, String what)
            throws RecordMappingException {
        if (pointer == null) {
            return "";
        }
        JsonNode node = present(root, pointer);
        if (node == null) {
            if (mapping.missing() == MissingFields.REFUSE) {
                throw new RecordMappingException("missing " + what + " field '" + field + "'");
            }
            return "";
        }
        return text(node, what + " (field '" + field + "')");
    }

    private JsonNode presentOrRefuse(JsonNode root, Bound bound, String what) throws RecordMappingException {
        JsonNode node = present(root, bound.pointer());
        if (node == null && mapping.missing() == MissingFields.REFUSE) {
            throw new RecordMappingException("missing " + what + " '"
                    + bound.feature().name() + "' (field '" + bound.feature().path() + "')");
        }
        return node;
    }

    /** The node at {@code pointer}, or null when absent, JSON null or an empty CSV cell. */
    private JsonNode present(JsonNode root, JsonPointer pointer) {
        JsonNode node = root.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (mapping.syntax() == RecordSyntax.CSV && node.asText().isEmpty()) {
            return null;
        }
        return node;
    }

    private static String describe(Bound bound) {
        return "feature '" + bound.feature().name() + "' (field '"
                + bound.feature().path() + "')";
    }

    private static double number(JsonNode node, String what) throws RecordMappingException {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new RecordMappingException(what + ": " + quote(text) + " is not a number", e);
            }
        }
        throw new RecordMappingException(what + ": a " + kind(node) + " is not a number");
    }

    private static String text(JsonNode node, String what) throws RecordMappingException {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw new RecordMappingException(what + ": a " + kind(node) + " is not a text value");
    }

    private long eventTime(JsonNode node) throws RecordMappingException {
        String what = "event time (field '" + mapping.eventTimeField() + "')";
        if (node.isNumber()) {
            if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
                throw new RecordMappingException(what + ": " + node.asText() + " is not whole epoch milliseconds");
            }
            return node.longValue();
        }
        if (!node.isTextual()) {
            throw new RecordMappingException(what + ": a " + kind(node) + " is not a time");
        }
        String text = node.textValue().trim();
        if (EPOCH_MILLIS.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new RecordMappingException(
                        what + ": " + quote(text) + " is neither epoch milliseconds nor an ISO-8601 time with an"
                                + " offset (2026-11-30T08:00:00Z)",
                        e);
            } catch (ArithmeticException e) {
                throw new RecordMappingException(what + ": " + quote(text) + " is out of range", e);
            }
        } catch (ArithmeticException e) {
            throw new RecordMappingException(what + ": " + quote(text) + " is out of range", e);
        }
    }

    private static void require(Optional<String> problem) throws RecordMappingException {
        if (problem.isPresent()) {
            throw new RecordMappingException(problem.get());
        }
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String quote(String text) {
        return "'" + (text.length() > MAX_QUOTED_VALUE ? text.substring(0, MAX_QUOTED_VALUE) + "..." : text) + "'";
    }

    private JsonPointer compileOptional(String path) {
        return path.isEmpty() ? null : compile(path);
    }

    private List<Bound> bind(List<MappedFeature> mapped) {
        List<Bound> bound = new ArrayList<>();
        for (MappedFeature feature : mapped) {
            bound.add(new Bound(feature, compile(feature.path())));
        }
        return List.copyOf(bound);
    }

    /**
     * A field path as a JSON Pointer: a CSV column name is one property; a JSON path starting with {@code /} is a
     * pointer, any other is split at dots.
     */
    private JsonPointer compile(String path) {
        if (mapping.syntax() == RecordSyntax.CSV) {
            return JsonPointer.empty().appendProperty(path);
        }
        if (path.startsWith("/")) {
            try {
                return JsonPointer.compile(path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field '" + path + "' is not a JSON Pointer: " + e.getMessage(), e);
            }
        }
        JsonPointer pointer = JsonPointer.empty();
        for (String segment : path.split("\\.", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("field '" + path + "' has an empty segment (a.b.c, or a JSON"
                        + " Pointer /a.b for a name with a dot)");
            }
            pointer = pointer.appendProperty(segment);
        }
        return pointer;
    }
}
