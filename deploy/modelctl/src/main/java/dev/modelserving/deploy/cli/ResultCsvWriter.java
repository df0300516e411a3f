package dev.modelserving.deploy.cli;

import dev.modelserving.model.Prediction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes scoring results as CSV: {@code id,status,model,version,output_0..output_{k-1},label,p_<label>...,error},
 * doubles in full precision ({@link Double#toString(double)}). The number of outputs and the class labels come from
 * the first scored row, so rows are held back only until one has been scored.
 */
final class ResultCsvWriter {

    /** Status of a row the model scored. */
    static final String SCORED = "SCORED";
    /** Status of a row that could not be scored. */
    static final String FAILED = "FAILED";

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final CSVPrinter printer;
    private final String modelName;
    private final String modelVersion;
    /** Failed rows (id, error) seen before the first scored row fixed the columns. */
    private final List<String[]> heldBack = new ArrayList<>();

    private int outputCount = -1;
    private List<String> labels = List.of();

    ResultCsvWriter(Appendable out, String modelName, long modelVersion) throws IOException {
        this.printer = new CSVPrinter(out, FORMAT);
        this.modelName = modelName;
        this.modelVersion = Long.toString(modelVersion);
    }

    /**
     * Writes a scored row.
     *
     * @return false when the prediction does not fit the columns fixed by the first scored row (then the row is
     *     written as FAILED saying so)
     */
    boolean scored(String id, Prediction prediction) throws IOException {
        if (outputCount < 0) {
            outputCount = prediction.outputs().length;
            labels = List.copyOf(prediction.probabilities().keySet());
            printHeaderAndHeldBack();
        }
        if (prediction.outputs().length != outputCount
                || !List.copyOf(prediction.probabilities().keySet()).equals(labels)) {
            failed(
                    id,
                    "the model gave " + prediction.outputs().length + " outputs and labels "
                            + prediction.probabilities().keySet() + ", unlike the first scored row (" + outputCount
                            + " outputs, labels " + labels + ")");
            return false;
        }
        String[] row = newRow(id, SCORED);
        for (int i = 0; i < outputCount; i++) {
            row[4 + i] = Double.toString(prediction.outputs()[i]);
        }
        row[4 + outputCount] = prediction.label() == null ? "" : prediction.label();
        for (int i = 0; i < labels.size(); i++) {
            row[5 + outputCount + i] =
                    Double.toString(prediction.probabilities().get(labels.get(i)));
        }
        printer.printRecord((Object[]) row);
        return true;
    }

    /** Writes (or holds back, before the first scored row) a row that could not be scored. */
    void failed(String id, String error) throws IOException {
        if (outputCount < 0) {
            heldBack.add(new String[] {id, error});
        } else {
            printFailed(id, error);
        }
    }

    /** Writes what is held back (a file where no row scored has no output columns) and flushes. */
    void finish() throws IOException {
        if (outputCount < 0) {
            outputCount = 0;
            printHeaderAndHeldBack();
        }
        printer.flush();
    }

    private void printFailed(String id, String error) throws IOException {
        String[] row = newRow(id, FAILED);
        row[row.length - 1] = error;
        printer.printRecord((Object[]) row);
    }

    private String[] newRow(String id, String status) {
        String[] row = new String[4 + outputCount + 1 + labels.size() + 1];
        Arrays.fill(row, "");
        row[0] = id;
        row[1] = status;
        row[2] = modelName;
        row[3] = modelVersion;
        return row;
    }

    private void printHeaderAndHeldBack() throws IOException {
        List<String> header = new ArrayList<>(List.of("id", "status", "model", "version"));
        for (int i = 0; i < outputCount; i++) {
            header.add("output_" + i);
        }
        header.add("label");
        labels.forEach(label -> header.add("p_" + label));
        header.add("error");
        printer.printRecord(header);
        for (String[] row : heldBack) {
            printFailed(row[0], row[1]);
        }
        heldBack.clear();
    }
}
