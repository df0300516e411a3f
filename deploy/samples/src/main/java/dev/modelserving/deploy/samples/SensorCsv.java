package dev.modelserving.deploy.samples;

import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.SensorReading;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes sensor readings as CSV with the header {@code id,machine_id,timestamp_millis,temperature_c,fan_rpm,
 * load_percent} ({@code id} is the record id of {@link SensorRecords#recordId}); '\n' line ends, so the file is
 * byte-for-byte reproducible.
 */
public final class SensorCsv {

    /** The columns, in order. */
    public static final List<String> HEADER = List.of(
            "id",
            "machine_id",
            "timestamp_millis",
            SensorRecords.TEMPERATURE_C,
            SensorRecords.FAN_RPM,
            SensorRecords.LOAD_PERCENT);

    private SensorCsv() {}

    public static void write(List<SensorReading> readings, Path file) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT
                .builder()
                .setHeader(HEADER.toArray(new String[0]))
                .setRecordSeparator("\n")
                .get();
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(writer, format)) {
            for (SensorReading r : readings) {
                printer.printRecord(
                        SensorRecords.recordId(r),
                        r.getMachineId(),
                        r.getTimestampMillis(),
                        r.getTemperatureC(),
                        r.getFanRpm(),
                        r.getLoadPercent());
            }
        }
    }
}
