package dev.modelserving.deploy.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a record CSV (RFC 4180, UTF-8, optional byte-order mark, header row first) row by row, so inputs of any
 * length stream through.
 */
final class RecordCsvReader implements AutoCloseable {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .get();

    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final CsvLayout layout;
    private long rowNumber;

    private RecordCsvReader(String source, Reader reader) throws CliException {
        this.source = source;
        try {
            this.parser =
                    CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
        } catch (IOException e) {
            throw IoMessages.failure("cannot read " + source, e);
        }
        this.records = parser.iterator();
        CSVRecord header = nextRecord();
        if (header == null) {
            close();
            throw new CliException(source + " is empty: a header row naming the columns is required");
        }
        List<String> names = new ArrayList<>(header.toList());
        names.set(0, stripByteOrderMark(names.get(0)));
        try {
            this.layout = CsvLayout.of(source, names);
        } catch (CliException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens a CSV.
     *
     * @param source the name used in messages (the path, or "standard input")
     * @param in the bytes; closed by {@link #close()}
     */
    static RecordCsvReader open(String source, InputStream in) throws CliException {
        return new RecordCsvReader(source, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    }

    CsvLayout layout() {
        return layout;
    }

    /** The next data row, or {@code null} at the end. */
    CsvRow next() throws CliException {
        CSVRecord record = nextRecord();
        if (record == null) {
            return null;
        }
        rowNumber++;
        return new CsvRow(rowNumber, record.toList(), layout);
    }

    /** Every remaining row. */
    List<CsvRow> readAll() throws CliException {
        List<CsvRow> rows = new ArrayList<>();
        for (CsvRow row = next(); row != null; row = next()) {
            rows.add(row);
        }
        return rows;
    }

    private CSVRecord nextRecord() throws CliException {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            throw new CliException(
                    source + ": not a readable CSV near line " + parser.getCurrentLineNumber() + ": "
                            + IoMessages.describe(cause),
                    e);
        }
    }

    private static String stripByteOrderMark(String first) {
        return first.startsWith("\uFEFF") ? first.substring(1).strip() : first;
    }

    @Override
    public void close() throws CliException {
        try {
            parser.close();
        } catch (IOException e) {
            throw IoMessages.failure("cannot close " + source, e);
        }
    }
}
