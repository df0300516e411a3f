package dev.modelserving.deploy.samples;

import dev.modelserving.proto.DataRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes machine-feature records (what the job's feature node feeds the sample models) as the CSV that
 * {@code modelctl score} reads: {@code id}, {@code key}, then one column per feature, by name.
 */
public final class FeatureCsv {

    private FeatureCsv() {}

    /** Writes the records; every record must have the first one's features. */
    public static void write(List<DataRecord> records, Path file) throws IOException {
        List<String> features = records.isEmpty()
                ? List.of()
                : List.copyOf(new TreeSet<>(records.get(0).getFeaturesMap().keySet()));
        List<String> header = new ArrayList<>(List.of("id", "key"));
        header.addAll(features);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter csv = CSVFormat.DEFAULT
                        .builder()
                        .setHeader(header.toArray(String[]::new))
                        .setRecordSeparator("\n")
                        .get()
                        .print(writer)) {
            for (DataRecord record : records) {
                List<Object> row = new ArrayList<>(List.of(record.getId(), record.getKey()));
                for (String feature : features) {
                    row.add(record.getFeaturesOrThrow(feature));
                }
                csv.printRecord(row);
            }
        }
    }
}
