package dev.modelserving.deploy.cli;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.model.records.MissingFields;
import dev.modelserving.model.records.RecordMapper;
import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.model.records.RecordMappingException;
import dev.modelserving.model.records.RecordSyntax;
import dev.modelserving.proto.DataRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl produce}: sends a CSV or JSON-lines file (or standard input) to the records topic, one record per
 * line, like Kafka's console producer. {@code json} and {@code csv} send each line's bytes as they are (for a job
 * with {@code --data-format json|csv}), keyed by the mapping's key field; {@code data-record} converts each line with
 * the record mapping into a protobuf {@code DataRecord} (for a job with {@code --data-format data-record}), with the
 * same {@link RecordMapper} the job uses. Prints how many records were sent.
 */
@Command(
        name = "produce",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Sends a CSV or JSON-lines file (or - for standard input) to the records topic, one record per line.",
            "json/csv send the lines as they are (the serving job maps them with --record-mapping), keyed by the"
                    + " mapping's key field; data-record converts each line with the mapping into a protobuf"
                    + " DataRecord."
        },
        footer = {
            "",
            "Examples:",
            "  modelctl produce --bootstrap-server localhost:9092 --format csv --mapping wine-mapping.json \\",
            "      --header wines.csv",
            "  modelctl produce --bootstrap-server localhost:9092 --format data-record --mapping wine-mapping.json \\",
            "      --header --rate 100 --loop wines.csv"
        })
final class ProduceCommand implements Callable<Integer> {

    /** Exit code when some lines could not be converted (data-record) and were not sent. */
    static final int SOME_LINES_SKIPPED = 3;

    private static final String STDIN = "-";
    /** Sends in flight before the command waits for their acknowledgements. */
    private static final int MAX_IN_FLIGHT = 1000;

    /** The value format sent. */
    enum Format {
        JSON,
        CSV,
        DATA_RECORD
    }

    @ParentCommand
    private ModelCli cli;

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Option(
            names = "--bootstrap-server",
            required = true,
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to connect to.")
    private String bootstrapServer;

    @Option(
            names = "--topic",
            defaultValue = "records",
            paramLabel = "TOPIC",
            description = "The serving job's records topic (default ${DEFAULT-VALUE}).")
    private String topic;

    @Option(
            names = "--format",
            required = true,
            paramLabel = "json|csv|data-record",
            converter = FormatConverter.class,
            description = "json / csv: each line as it is; data-record: each line converted with --mapping into a"
                    + " protobuf DataRecord.")
    private Format format;

    @Option(
            names = "--mapping",
            paramLabel = "FILE",
            description = "The record mapping (the job's --record-mapping file): the key field for json/csv, the"
                    + " whole conversion for data-record (required there).")
    private Path mappingFile;

    @Option(
            names = "--header",
            description = "The CSV input starts with a header line: it is not sent, and must name the mapping's"
                    + " columns in order (without a mapping, it names the columns for --key-field).")
    private boolean header;

    @Option(
            names = "--key-field",
            paramLabel = "FIELD",
            description = "The field whose value is the Kafka key (and the record key); overrides the mapping's.")
    private String keyField;

    @Option(
            names = "--id-field",
            paramLabel = "FIELD",
            description = "data-record: the field whose value is the record id; overrides the mapping's.")
    private String idField;

    @Option(
            names = "--rate",
            paramLabel = "RECORDS_PER_SECOND",
            description = "Send at most this many records per second (default: as fast as possible).")
    private Double rate;

    @Option(names = "--loop", description = "Send the file again and again (until --max-records, or Ctrl-C).")
    private boolean loop;

    @Option(names = "--max-records", paramLabel = "N", description = "Stop after sending N records.")
    private Long maxRecords;

    @Option(
            names = CommandConfig.FLAG,
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), a properties file as for"
                    + " Kafka's own tools.")
    private Path commandConfig;

    @Parameters(index = "0", paramLabel = "FILE", description = "The CSV or JSON-lines file, or - for standard input.")
    private String input;

    @Override
    public Integer call() throws CliException {
        checkOptions();
        RecordMapping mapping = mapping();
        RecordMapper mapper = mapping == null ? null : new RecordMapper(mapping);
        Map<String, String> clientProperties = CommandConfig.load(commandConfig);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Counts counts = new Counts();
        long started = System.nanoTime();
        try (ProtoPublisher publisher = new ProtoPublisher(bootstrapServer, "modelctl-produce", clientProperties)) {
            Deque<Future<RecordMetadata>> inFlight = new ArrayDeque<>();
            boolean more = true;
            while (more) {
                more = sendInput(mapper, publisher, inFlight, counts, started, err) && loop;
            }
            awaitAll(inFlight);
        } catch (IllegalStateException | KafkaException e) {
            Optional<CliException> refused = CommandConfig.refusal(bootstrapServer, e);
            if (refused.isPresent()) {
                throw refused.get();
            }
            throw new CliException("cannot produce to " + bootstrapServer + ": " + e.getMessage(), e);
        }
        out.printf(
                "sent %d record%s to %s (%s)%s%n",
                counts.sent,
                counts.sent == 1 ? "" : "s",
                topic,
                format.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                counts.skipped == 0 ? "" : "; " + counts.skipped + " line(s) skipped");
        out.flush();
        return counts.skipped == 0 ? 0 : SOME_LINES_SKIPPED;
    }

    private void checkOptions() throws CliException {
        if (format == Format.DATA_RECORD && mappingFile == null) {
            throw new CliException("--format data-record needs --mapping FILE (how lines become DataRecords)");
        }
        if (loop && STDIN.equals(input)) {
            throw new CliException("--loop needs a file: standard input cannot be read twice");
        }
        if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
            throw new CliException("--rate must be a positive number of records per second");
        }
        if (maxRecords != null && maxRecords < 1) {
            throw new CliException("--max-records must be at least 1");
        }
        if (header && format == Format.JSON) {
            throw new CliException("--header is for CSV input");
        }
    }

    /** Counts of one run. */
    private static final class Counts {
        long sent;
        long skipped;
    }

    /**
     * Sends the input once.
     *
     * @return false when --max-records was reached (stop), true otherwise
     */
    private boolean sendInput(
            RecordMapper mapper,
            ProtoPublisher publisher,
            Deque<Future<RecordMetadata>> inFlight,
            Counts counts,
            long started,
            PrintWriter err)
            throws CliException {
        try (InputStream in = openInput();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            long lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && header) {
                    checkHeader(line, mapper);
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (maxRecords != null && counts.sent >= maxRecords) {
                    return false;
                }
                byte[] value;
                String key;
                if (format == Format.DATA_RECORD) {
                    DataRecord record;
                    try {
                        record = mapper.map(line);
                    } catch (RecordMappingException e) {
                        counts.skipped++;
                        err.printf("%s line %d: not sent: %s%n", inputName(), lineNumber, e.getMessage());
                        err.flush();
                        continue;
                    }
                    value = record.toByteArray();
                    key = record.getKey().isEmpty() ? null : record.getKey();
                } else {
                    value = line.getBytes(StandardCharsets.UTF_8);
                    key = mapper == null ? null : mapper.key(line).orElse(null);
                }
                pace(counts.sent, started);
                inFlight.add(publisher.sendAsync(topic, key, value));
                counts.sent++;
                if (inFlight.size() >= MAX_IN_FLIGHT) {
                    awaitAll(inFlight);
                }
            }
        } catch (IOException e) {
            throw IoMessages.failure("cannot read " + inputName(), e);
        }
        return maxRecords == null || counts.sent < maxRecords;
    }

    private void pace(long sent, long started) {
        if (rate == null) {
            return;
        }
        long due = started + (long) (sent * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pacing the records", e);
            }
        }
    }

    private static void awaitAll(Deque<Future<RecordMetadata>> inFlight) {
        while (!inFlight.isEmpty()) {
            Future<RecordMetadata> next = inFlight.poll();
            try {
                next.get(ProtoPublisher.SEND_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "a record was not written: " + e.getCause().getMessage(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "a record was not acknowledged within " + ProtoPublisher.SEND_TIMEOUT.toSeconds() + " s", e);
            }
        }
    }

    /** The mapping with --key-field/--id-field applied; a key-only mapping when only --key-field is given. */
    private RecordMapping mapping() throws CliException {
        RecordSyntax syntax = format == Format.JSON ? RecordSyntax.JSON : RecordSyntax.CSV;
        RecordMapping base;
        if (mappingFile != null) {
            try {
                base = RecordMapping.read(mappingFile);
            } catch (IOException e) {
                throw IoMessages.failure("cannot read --mapping " + mappingFile, e);
            } catch (IllegalArgumentException e) {
                throw new CliException(
                        "--mapping " + mappingFile + " is not a valid record mapping: " + e.getMessage(), e);
            }
            if (format != Format.DATA_RECORD && base.syntax() != syntax) {
                throw new CliException(
                        "--mapping " + mappingFile + " is for " + base.syntax() + " records, not " + syntax);
            }
        } else if (keyField != null) {
            List<String> columns = syntax == RecordSyntax.CSV ? headerColumns() : List.of();
            base = new RecordMapping(
                    syntax, columns, "records", "", "", "", "", List.of(), true, List.of(), null, MissingFields.OMIT);
        } else {
            return null;
        }
        try {
            return new RecordMapping(
                    base.syntax(),
                    base.columns(),
                    base.dataType(),
                    base.dataTypeField(),
                    keyField != null ? keyField : base.keyField(),
                    idField != null ? idField : base.idField(),
                    base.eventTimeField(),
                    base.features(),
                    base.remainingNumericFeatures(),
                    base.categoricalFeatures(),
                    base.vector(),
                    base.missing());
        } catch (IllegalArgumentException e) {
            throw new CliException("--key-field/--id-field: " + e.getMessage(), e);
        }
    }

    /** The columns of the header line (for --key-field without a mapping). */
    private List<String> headerColumns() throws CliException {
        if (!header) {
            throw new CliException("--key-field on CSV input needs --mapping (its columns) or --header");
        }
        if (STDIN.equals(input)) {
            throw new CliException("--key-field on standard input needs --mapping (its columns)");
        }
        try (InputStream in = openInput();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            if (first == null) {
                throw new CliException(inputName() + " is empty: no header line");
            }
            return parseHeader(first);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read " + inputName(), e);
        }
    }

    private void checkHeader(String line, RecordMapper mapper) throws CliException {
        if (mapper == null || mapper.mapping().syntax() != RecordSyntax.CSV) {
            return;
        }
        List<String> columns = parseHeader(line);
        if (!columns.equals(mapper.mapping().columns())) {
            throw new CliException("the header of " + inputName() + " names the columns " + columns
                    + ", the mapping lists " + mapper.mapping().columns());
        }
    }

    private List<String> parseHeader(String line) throws CliException {
        try (CSVParser parser = CSVParser.parse(new StringReader(line), CSVFormat.RFC4180)) {
            List<CSVRecord> rows = parser.getRecords();
            if (rows.size() != 1) {
                throw new CliException("the header of " + inputName() + " is not one CSV line");
            }
            return rows.get(0).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CliException("the header of " + inputName() + " is not CSV: " + e.getMessage(), e);
        }
    }

    private InputStream openInput() throws CliException {
        if (STDIN.equals(input)) {
            return new NonClosingInputStream(cli.stdin());
        }
        Path path = Path.of(input);
        if (Files.isDirectory(path)) {
            throw new CliException("input " + input + " is a directory, not a file");
        }
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read input", e);
        }
    }

    private String inputName() {
        return STDIN.equals(input) ? "standard input" : input;
    }

    /** {@code json|csv|data-record} on the command line. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return switch (value) {
                case "json" -> Format.JSON;
                case "csv" -> Format.CSV;
                case "data-record" -> Format.DATA_RECORD;
                default ->
                    throw new picocli.CommandLine.TypeConversionException(
                            "'" + value + "' is not json|csv|data-record");
            };
        }
    }
}
