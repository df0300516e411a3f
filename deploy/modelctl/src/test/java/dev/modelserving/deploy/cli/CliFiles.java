package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** File helpers for the CLI tests. */
final class CliFiles {

    private CliFiles() {}

    static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static ModelDescriptor readDescriptor(Path file) throws IOException {
        return ModelDescriptor.parseFrom(Files.readAllBytes(file));
    }

    /** The header of a result CSV. */
    static List<String> header(String csv) throws IOException {
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), CSVFormat.DEFAULT)) {
            return parser.iterator().next().toList();
        }
    }

    /** The rows of a result CSV, by column name. */
    static List<Map<String, String>> rows(String csv) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), format)) {
            return parser.getRecords().stream().map(CSVRecord::toMap).toList();
        }
    }
}
