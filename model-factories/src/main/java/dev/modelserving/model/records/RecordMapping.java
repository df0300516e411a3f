package dev.modelserving.model.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the fields of a user's JSON or CSV record become a {@code DataRecord}: read from a small JSON mapping file
 * ({@link #parse}), immutable and serializable (the job reads the file on the client and carries the mapping to its
 * operators). Applied by {@link RecordMapper}, the one implementation the job and {@code modelctl} share.
 *
 * <p>The file (every key but one of {@code data_type}/{@code data_type_field} is optional; unknown keys are refused):
 *
 * <pre>{@code
 * {
 *   "columns": ["wine id", "fixed acidity", "volatile acidity", "pH", "colour"],   CSV only: the columns in order
 *   "data_type": "wine",                 the data type of every record; or
 *   "data_type_field": "kind",           the field that holds it
 *   "key_field": "wine id",              the record key (else the Kafka key)
 *   "id_field": "wine id",               the record id (else derived: topic-partition-offset in the job)
 *   "event_time_field": "measured at",   epoch milliseconds or ISO-8601 (else the Kafka timestamp)
 *   "features": {"fixed acidity": "fixed acidity", "pH": "ph"},   field -> numeric feature name; or a list of fields
 *   "remaining_numeric_features": true,  also every field not mapped otherwise (JSON: top-level numbers only)
 *   "categorical_features": ["colour"],  fields carried as strings (categorical_features); or field -> name
 *   "vector": {"field": "pixels", "shape": [28, 28]},   the packed vector (a JSON array), optional shape
 *   "missing": "refuse"                  a record without a mapped feature: "refuse" (dead letter) or "omit"
 * }
 * }</pre>
 *
 * <p>Fields: in CSV a column name; in JSON a JSON Pointer when it starts with {@code /} ({@code /lab/ph}, RFC 6901),
 * otherwise a dotted path ({@code lab.ph} is field {@code ph} of object {@code lab}; write a top-level name that
 * contains a dot as a pointer, {@code /lab.ph}).
 *
 * @param syntax the syntax of the records: CSV when {@code columns} are given, JSON otherwise
 * @param columns the CSV columns in order (empty for JSON)
 * @param dataType the data type of every record, or "" when {@code dataTypeField} gives it
 * @param dataTypeField the field holding the data type, or ""
 * @param keyField the field holding the record key, or ""
 * @param idField the field holding the record id, or ""
 * @param eventTimeField the field holding the event time, or ""
 * @param features numeric features in order
 * @param remainingNumericFeatures whether every field not mapped otherwise is a numeric feature of its own name
 * @param categoricalFeatures categorical features in order
 * @param vector the packed vector's field, or null
 * @param missing what a missing mapped feature does
 */
public record RecordMapping(
        RecordSyntax syntax,
        List<String> columns,
        String dataType,
        String dataTypeField,
        String keyField,
        String idField,
        String eventTimeField,
        List<MappedFeature> features,
        boolean remainingNumericFeatures,
        List<MappedFeature> categoricalFeatures,
        PackedVectorField vector,
        MissingFields missing)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Largest mapping file read (a mapping is a few hundred bytes; this bounds a wrong file). */
    public static final long MAX_FILE_BYTES = 1 << 20;

    private static final Set<String> KEYS = Set.of(
            "columns",
            "data_type",
            "data_type_field",
            "key_field",
            "id_field",
            "event_time_field",
            "features",
            "remaining_numeric_features",
            "categorical_features",
            "vector",
            "missing");

    public RecordMapping {
        Objects.requireNonNull(syntax, "syntax");
        columns = List.copyOf(columns);
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(dataTypeField, "dataTypeField");
        Objects.requireNonNull(keyField, "keyField");
        Objects.requireNonNull(idField, "idField");
        Objects.requireNonNull(eventTimeField, "eventTimeField");
        features = List.copyOf(features);
        categoricalFeatures = List.copyOf(categoricalFeatures);
        Objects.requireNonNull(missing, "missing");
        if (dataType.isEmpty() == dataTypeField.isEmpty()) {
            throw new IllegalArgumentException("the mapping needs exactly one of data_type (a constant) and"
                    + " data_type_field (the field that holds it)");
        }
        if (syntax == RecordSyntax.CSV && columns.isEmpty()) {
            throw new IllegalArgumentException("a CSV mapping needs its columns");
        }
        if (syntax == RecordSyntax.JSON && !columns.isEmpty()) {
            throw new IllegalArgumentException("columns are for CSV records only");
        }
        if (features.isEmpty() && categoricalFeatures.isEmpty() && vector == null && !remainingNumericFeatures) {
            throw new IllegalArgumentException("the mapping maps no feature: give features, categorical_features,"
                    + " vector or remaining_numeric_features");
        }
        Set<String> names = new HashSet<>();
        for (MappedFeature feature : features) {
            if (!names.add(feature.name())) {
                throw new IllegalArgumentException("feature name '" + feature.name() + "' is mapped twice");
            }
        }
        for (MappedFeature feature : categoricalFeatures) {
            if (!names.add(feature.name())) {
                throw new IllegalArgumentException("feature name '" + feature.name()
                        + "' is mapped twice (a name is numeric or categorical, never both)");
            }
        }
        if (syntax == RecordSyntax.CSV) {
            Set<String> known = new HashSet<>(columns);
            if (known.size() != columns.size()) {
                throw new IllegalArgumentException("columns " + columns + " name a column twice");
            }
            for (String field : fieldPaths(
                    dataTypeField, keyField, idField, eventTimeField, features, categoricalFeatures, vector)) {
                if (!known.contains(field)) {
                    throw new IllegalArgumentException("field '" + field + "' is not one of the columns " + columns);
                }
            }
        }
    }

    /** Every field path the mapping reads explicitly (not the remaining ones). */
    List<String> explicitFields() {
        return fieldPaths(dataTypeField, keyField, idField, eventTimeField, features, categoricalFeatures, vector);
    }

    private static List<String> fieldPaths(
            String dataTypeField,
            String keyField,
            String idField,
            String eventTimeField,
            List<MappedFeature> features,
            List<MappedFeature> categorical,
            PackedVectorField vector) {
        List<String> paths = new ArrayList<>();
        for (String field : List.of(dataTypeField, keyField, idField, eventTimeField)) {
            if (!field.isEmpty()) {
                paths.add(field);
            }
        }
        features.forEach(f -> paths.add(f.path()));
        categorical.forEach(f -> paths.add(f.path()));
        if (vector != null) {
            paths.add(vector.path());
        }
        return paths;
    }

    /**
     * Reads a mapping file.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it is not a valid mapping, with the reason
     */
    public static RecordMapping read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(
                    "record mapping " + file + " has " + size + " bytes, more than " + MAX_FILE_BYTES);
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses a mapping from its JSON text.
     *
     * @throws IllegalArgumentException when it is not a valid mapping, with the reason
     */
    public static RecordMapping parse(String json) {
        JsonNode root;
        try {
            root = StrictJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the record mapping is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the record mapping must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown key '" + name + "' in the record mapping; known keys: " + new TreeSet<>(KEYS));
            }
        }
        List<String> columns = strings(root, "columns");
        JsonNode vectorNode = root.get("vector");
        PackedVectorField vector = null;
        if (vectorNode != null && !vectorNode.isNull()) {
            if (!vectorNode.isObject()) {
                throw new IllegalArgumentException("vector must be an object {\"field\": ..., \"shape\": [...]}");
            }
            List<Long> shape = new ArrayList<>();
            JsonNode shapeNode = vectorNode.path("shape");
            if (!shapeNode.isMissingNode()) {
                if (!shapeNode.isArray()) {
                    throw new IllegalArgumentException("vector.shape must be an array of positive integers");
                }
                for (JsonNode dimension : shapeNode) {
                    if (!dimension.canConvertToExactIntegral() || !dimension.canConvertToLong()) {
                        throw new IllegalArgumentException("vector.shape must be an array of positive integers");
                    }
                    shape.add(dimension.longValue());
                }
            }
            vector = new PackedVectorField(text(vectorNode, "field", "vector.field"), shape);
        }
        String missing = text(root, "missing", "missing");
        MissingFields missingFields = switch (missing.toLowerCase(Locale.ROOT)) {
            case "", "refuse", "dead-letter" -> MissingFields.REFUSE;
            case "omit" -> MissingFields.OMIT;
            default ->
                throw new IllegalArgumentException("missing must be \"refuse\" or \"omit\", got '" + missing + "'");
        };
        JsonNode remaining = root.path("remaining_numeric_features");
        if (!remaining.isMissingNode() && !remaining.isBoolean()) {
            throw new IllegalArgumentException("remaining_numeric_features must be true or false");
        }
        return new RecordMapping(
                columns.isEmpty() ? RecordSyntax.JSON : RecordSyntax.CSV,
                columns,
                text(root, "data_type", "data_type"),
                text(root, "data_type_field", "data_type_field"),
                text(root, "key_field", "key_field"),
                text(root, "id_field", "id_field"),
                text(root, "event_time_field", "event_time_field"),
                mappedFeatures(root, "features"),
                remaining.asBoolean(false),
                mappedFeatures(root, "categorical_features"),
                vector,
                missingFields);
    }

    /** The syntax this mapping is for, checked against the one the caller reads. */
    public RecordMapping requireSyntax(RecordSyntax expected) {
        if (syntax != expected) {
            throw new IllegalArgumentException("the record mapping is for " + syntax + " records ("
                    + (syntax == RecordSyntax.CSV ? "it lists columns" : "it lists no columns") + "), not "
                    + expected);
        }
        return this;
    }

    /** Every numeric and categorical feature name the mapping names explicitly. */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        features.forEach(f -> names.add(f.name()));
        categoricalFeatures.forEach(f -> names.add(f.name()));
        return names;
    }

    private static String text(JsonNode parent, String key, String what) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual() || node.textValue().isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return node.textValue();
    }

    private static List<String> strings(JsonNode root, String key) {
        JsonNode node = root.get(key);
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(key + " must be an array of strings");
        }
        for (JsonNode value : node) {
            if (!value.isTextual() || value.textValue().isEmpty()) {
                throw new IllegalArgumentException(key + " must be an array of non-empty strings");
            }
            values.add(value.textValue());
        }
        return values;
    }

    /** {@code ["a", "b"]} (each field its own name) or {@code {"field": "name", ...}}. */
    private static List<MappedFeature> mappedFeatures(JsonNode root, String key) {
        JsonNode node = root.get(key);
        List<MappedFeature> features = new ArrayList<>();
        if (node == null || node.isNull()) {
            return features;
        }
        if (node.isArray()) {
            for (String field : strings(root, key)) {
                features.add(new MappedFeature(field, field));
            }
            return features;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    key + " must be an array of fields or an object {\"field\": \"feature name\", ...}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException(
                        key + ": the feature name of field '" + entry.getKey() + "' must be a string");
            }
            features.add(new MappedFeature(entry.getKey(), entry.getValue().textValue()));
        }
        return features;
    }
}
