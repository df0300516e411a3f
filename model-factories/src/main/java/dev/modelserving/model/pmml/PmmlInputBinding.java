package dev.modelserving.model.pmml;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmg.pmml.DataType;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.InputField;
import org.jpmml.model.PMMLException;

/**
 * Which record feature feeds which input (active) field of a PMML model, resolved once at load.
 *
 * <p>A field is fed from the {@code record_feature} of the {@code input.field_mapping} entry whose {@code model_field}
 * names it, else from the record feature with the field's own name. Only the model's active fields are fed: real
 * exporters write DataDictionaries with more fields than the model uses.
 *
 * <p>A record carries numeric values in {@code features} and categorical (string) values in
 * {@code categorical_features}: a field is fed from the categorical value of its record feature when there is one (JPMML
 * converts it to the field's data type), else from the numeric value (a string-typed field gets the number's text).
 *
 * <p>A missing or NaN feature fails the record, unless the model declares how it handles a missing value for that
 * field (a {@code MiningField@missingValueReplacement}): then the value is passed to JPMML as missing and JPMML's own
 * missing-value handling applies. Infinite values always fail the record.
 */
final class PmmlInputBinding {

    private final InputField[] fields;
    private final String[] fieldNames;
    private final String[] recordFeatures;
    private final boolean[] textFields;
    /** Whether the model replaces a missing value of the field itself (MiningField@missingValueReplacement). */
    private final boolean[] replacesMissing;

    private PmmlInputBinding(InputField[] fields, String[] recordFeatures) {
        this.fields = fields;
        this.recordFeatures = recordFeatures;
        this.fieldNames = new String[fields.length];
        this.textFields = new boolean[fields.length];
        this.replacesMissing = new boolean[fields.length];
        for (int i = 0; i < fields.length; i++) {
            fieldNames[i] = fields[i].getName();
            textFields[i] = fields[i].getDataType() == DataType.STRING;
            replacesMissing[i] = fields[i].getMiningField() != null
                    && fields[i].getMiningField().getMissingValueReplacement() != null;
        }
    }

    /**
     * Binds the model's active fields to record features.
     *
     * @throws ModelLoadException {@link ModelProblem#SPEC_MISMATCH} when a mapping entry is incomplete, names a field
     *     that is not an input of the model, or names one field twice
     */
    static PmmlInputBinding bind(List<InputField> activeFields, List<FieldMapping> mappings) throws ModelLoadException {
        Map<String, InputField> byName = new LinkedHashMap<>();
        activeFields.forEach(field -> byName.put(field.getName(), field));
        Map<String, String> featureByField = new HashMap<>();
        for (FieldMapping mapping : mappings) {
            String field = mapping.getModelField();
            String feature = mapping.getRecordFeature();
            if (field.isEmpty() || feature.isEmpty()) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "input.field_mapping entry {record_feature='" + feature + "', model_field='" + field
                                + "'} must name both a record feature and a model field");
            }
            if (!byName.containsKey(field)) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "input.field_mapping maps record feature '"
                                + feature + "' to '" + field
                                + "', which is not an input field of the PMML model; its input"
                                + " fields are " + quoted(byName.keySet()));
            }
            String previous = featureByField.putIfAbsent(field, feature);
            if (previous != null) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "input.field_mapping maps both '" + previous + "' and '" + feature + "' to PMML field '" + field
                                + "'");
            }
        }
        InputField[] fields = byName.values().toArray(new InputField[0]);
        String[] features = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            features[i] = featureByField.getOrDefault(fields[i].getName(), fields[i].getName());
        }
        return new PmmlInputBinding(fields, features);
    }

    /**
     * The evaluator's arguments for one record: each active field's prepared value.
     *
     * @throws ScoringException when a feature is missing, NaN or infinite, or the field refuses its value
     */
    Map<String, FieldValue> arguments(DataRecord record) throws ScoringException {
        Map<String, Double> features = record.getFeaturesMap();
        Map<String, String> categories = record.getCategoricalFeaturesMap();
        Map<String, FieldValue> arguments = new HashMap<>(fields.length * 2);
        for (int i = 0; i < fields.length; i++) {
            String category = categories.isEmpty() ? null : categories.get(recordFeatures[i]);
            if (category != null) {
                arguments.put(fieldNames[i], prepareCategory(i, category));
                continue;
            }
            Double value = features.get(recordFeatures[i]);
            if ((value == null || value.isNaN()) && replacesMissing[i]) {
                arguments.put(fieldNames[i], prepareMissing(i));
                continue;
            }
            if (value == null) {
                throw new ScoringException(
                        textFields[i]
                                ? "missing categorical feature '" + recordFeatures[i] + "' for PMML field '"
                                        + fieldNames[i]
                                        + "' (a string field: the record carries it in categorical_features)"
                                : "missing feature '" + recordFeatures[i] + "' for PMML field '" + fieldNames[i] + "'");
            }
            double v = value;
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new ScoringException(
                        "feature '" + recordFeatures[i] + "' is " + v + " (PMML field '" + fieldNames[i] + "')");
            }
            try {
                arguments.put(fieldNames[i], fields[i].prepare(textFields[i] ? asText(v) : value));
            } catch (PMMLException e) {
                throw new ScoringException(
                        "feature '" + recordFeatures[i] + "' = " + v + " is not accepted by PMML" + " field '"
                                + fieldNames[i] + "': " + e.getMessage(),
                        e);
            }
        }
        return arguments;
    }

    /**
     * A categorical (string) value: JPMML converts it to the field's data type and checks it against the field's
     * declared values (an unknown category is refused as the field's invalidValueTreatment says).
     */
    private FieldValue prepareCategory(int i, String category) throws ScoringException {
        try {
            return fields[i].prepare(category);
        } catch (PMMLException e) {
            throw new ScoringException(
                    "categorical feature '" + recordFeatures[i] + "' = '" + abbreviate(category)
                            + "' is not accepted by PMML field '" + fieldNames[i] + "': " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw new ScoringException(
                    "categorical feature '" + recordFeatures[i] + "' = '" + abbreviate(category)
                            + "' is not accepted by PMML field '" + fieldNames[i] + "': " + e,
                    e);
        }
    }

    private static String abbreviate(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    /** The field's value as missing: JPMML applies the model's missingValueReplacement. */
    private FieldValue prepareMissing(int i) throws ScoringException {
        try {
            return fields[i].prepare((Object) null);
        } catch (PMMLException e) {
            throw new ScoringException(
                    "feature '" + recordFeatures[i] + "' is missing and PMML field '" + fieldNames[i]
                            + "' does not accept its replacement: " + e.getMessage(),
                    e);
        }
    }

    /** Model field -> record feature, in the model's active-field order. */
    Map<String, String> recordFeatureByField() {
        Map<String, String> mapping = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i++) {
            mapping.put(fieldNames[i], recordFeatures[i]);
        }
        return Collections.unmodifiableMap(mapping);
    }

    /**
     * Text for a string-typed PMML field: records carry numbers only, and categories written as "1" must match 1.0.
     */
    private static String asText(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String quoted(Iterable<String> names) {
        StringBuilder text = new StringBuilder("[");
        for (String name : names) {
            text.append(text.length() > 1 ? ", '" : "'").append(name).append('\'');
        }
        return text.append(']').toString();
    }
}
