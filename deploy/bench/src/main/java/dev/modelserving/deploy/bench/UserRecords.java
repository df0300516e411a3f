package dev.modelserving.deploy.bench;

import dev.modelserving.model.records.RecordMapper;
import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.model.records.RecordMappingException;
import dev.modelserving.proto.DataRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Records a user brings to the benchmarks, so they measure the user's data and not ours: a CSV or JSON-lines file
 * read through a record mapping (the same {@link RecordMapper} the job and {@code modelctl produce} use), or a file
 * of length-delimited {@code DataRecord}s. Every record must have the same data type (the models' data type).
 */
final class UserRecords {

    /** How the file is written. */
    enum Format {
        CSV,
        JSON,
        DATA_RECORD;

        static Format of(String flag) {
            return valueOf(flag.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private UserRecords() {}

    /**
     * Reads the records of {@code file}.
     *
     * @param mapping the record mapping (CSV and JSON; null for data-record)
     * @param header whether a CSV file starts with a header line (skipped)
     * @throws IllegalArgumentException when a line does not map, the file is empty, or data types differ
     */
    static List<DataRecord> read(Path file, Format format, Path mapping, boolean header) throws IOException {
        List<DataRecord> records = new ArrayList<>();
        if (format == Format.DATA_RECORD) {
            try (InputStream in = Files.newInputStream(file)) {
                DataRecord record;
                while ((record = DataRecord.parseDelimitedFrom(in)) != null) {
                    records.add(record);
                }
            }
        } else {
            if (mapping == null) {
                throw new IllegalArgumentException("--records-format " + format + " needs --mapping");
            }
            RecordMapper mapper = new RecordMapper(RecordMapping.read(mapping));
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int number = 0;
                while ((line = lines.readLine()) != null) {
                    number++;
                    if ((number == 1 && header && format == Format.CSV) || line.isBlank()) {
                        continue;
                    }
                    try {
                        records.add(mapper.map(line));
                    } catch (RecordMappingException e) {
                        throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no record");
        }
        String dataType = records.get(0).getDataType();
        for (DataRecord record : records) {
            if (!record.getDataType().equals(dataType)) {
                throw new IllegalArgumentException(file + " mixes data types '" + dataType + "' and '"
                        + record.getDataType() + "': the benchmark serves one data type per record set");
            }
        }
        return records;
    }

    /** {@code count} records cycling through {@code records}, each with a unique id. */
    static List<DataRecord> cycle(List<DataRecord> records, int count, String idPrefix) {
        List<DataRecord> cycled = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cycled.add(records.get(i % records.size()).toBuilder()
                    .setId(idPrefix + i)
                    .build());
        }
        return cycled;
    }

    /** Writes records length-delimited (for the raw evaluators' forked JVMs). */
    static void write(List<DataRecord> records, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (DataRecord record : records) {
                record.writeDelimitedTo(out);
            }
        }
    }
}
