package dev.modelserving.deploy.cli;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.util.List;

/**
 * Turns CSV rows into {@link DataRecord}s for one model: named features (PMML, or tensor models whose descriptor
 * lists feature names), or else a packed vector made of the feature columns in order. For named features, an empty
 * cell is simply not a feature, and a text cell (a category such as {@code red}, a machine id, a comment) is carried
 * as a categorical feature ({@code categorical_features}, which PMML string fields read): the model decides whether it
 * needs that column, and {@link #textCells} explains a failure it causes. NaN or infinite values, and empty or text cells of a
 * packed vector, make the row unusable.
 */
final class RecordBuilder {

    private final String dataType;
    private final boolean packedVector;

    RecordBuilder(String dataType, boolean packedVector) {
        this.dataType = dataType;
        this.packedVector = packedVector;
    }

    /** Records for this descriptor's model, stamped with the data type. */
    static RecordBuilder forModel(ModelDescriptor descriptor, String dataType) {
        return new RecordBuilder(dataType, usesPackedVector(descriptor.getModelType(), descriptor.getInput()));
    }

    /** Tensor models without feature names read the record's packed vector. */
    static boolean usesPackedVector(ModelType type, InputSpec input) {
        boolean tensorModel = type == ModelType.TENSORFLOW_GRAPH
                || type == ModelType.TENSORFLOW_SAVED_MODEL
                || type == ModelType.ONNX;
        return tensorModel && input.getFeatureNamesCount() == 0;
    }

    boolean packedVector() {
        return packedVector;
    }

    DataRecord build(CsvRow row) throws RowException {
        CsvLayout layout = row.layout();
        if (!row.complete()) {
            throw new RowException("the row has " + row.values().size() + " cells but the header has "
                    + layout.header().size() + " columns");
        }
        DataRecord.Builder record =
                DataRecord.newBuilder().setDataType(dataType).setId(row.id()).setKey(row.key());
        List<Integer> columns = layout.featureColumns();
        for (int column : columns) {
            String name = layout.header().get(column);
            String cell = row.cell(column);
            if (cell.isEmpty()) {
                if (packedVector) {
                    throw new RowException(
                            "column '" + name + "' is empty; the model's input vector needs every" + " value");
                }
                continue;
            }
            if (!packedVector && !isNumber(cell)) {
                // A text cell is a categorical value (e.g. colour=red for a PMML string field); models that do not
                // read that name ignore it.
                record.putCategoricalFeatures(name, cell);
                continue;
            }
            double value = parse(name, cell);
            if (packedVector) {
                float f = (float) value;
                if (!Float.isFinite(f)) {
                    throw new RowException("column '" + name + "' value " + cell + " is out of float range");
                }
                record.addVector(f);
            } else {
                record.putFeatures(name, value);
            }
        }
        return record.build();
    }

    /**
     * For a row whose record failed: the text cells left out of its named features, as a note to append to the
     * failure ("" when there are none).
     */
    String textCells(CsvRow row) {
        if (packedVector || !row.complete()) {
            return "";
        }
        CsvLayout layout = row.layout();
        List<String> text = new java.util.ArrayList<>();
        for (int column : layout.featureColumns()) {
            String cell = row.cell(column);
            if (!cell.isEmpty() && !isNumber(cell)) {
                text.add(layout.header().get(column) + "='" + cell + "'");
            }
        }
        return text.isEmpty() ? "" : " (cells that are not numbers are not features: " + String.join(", ", text) + ")";
    }

    private static boolean isNumber(String cell) {
        try {
            Double.parseDouble(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double parse(String name, String cell) throws RowException {
        double value;
        try {
            value = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new RowException("column '" + name + "' is not a number: '" + cell + "'");
        }
        if (!Double.isFinite(value)) {
            throw new RowException("column '" + name + "' is " + cell + ", not a finite number");
        }
        return value;
    }
}
