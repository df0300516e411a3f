package dev.modelserving.deploy.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl tail}: prints the serving job's results, dead letters or model events as they arrive, one readable
 * line per message, like {@code kafka-console-consumer} but decoded. Bytes that are not such a message become a line
 * saying so.
 */
@Command(
        name = "tail",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Prints the serving job's results, dead letters or model events, one decoded line per message, from every"
                    + " partition of the topic. Runs until Ctrl-C, --max-messages or --timeout-ms.",
            "results: id, key, status, model@version, label, outputs, latency (error when FAILED).",
            "dead-letters: time, origin topic-partition@offset, reason, payload size.",
            "events: time, type, data type, model@version, previous version, reason, emitted_by."
        },
        footer = {
            "",
            "Example:",
            "  modelctl tail results --bootstrap-server localhost:9092 \\",
            "      --from-beginning --max-messages 10"
        })
final class TailCommand implements Callable<Integer> {

    /** How long one poll waits at most, so that --timeout-ms is honoured closely. */
    private static final Duration POLL = Duration.ofMillis(200);

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = TailKind.Converter.class,
            description = "What to read: results, dead-letters or events.")
    private TailKind kind;

    @Mixin
    private ConsumerOptions consumer;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "The topic to read. Default: the serving job's"
                    + " default for KIND: results, dead-letters, model-events.")
    private String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest message kept instead of the newest.")
    private boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", description = "Stop after N messages.")
    private Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Stop when no message arrived for this long.")
    private Long timeoutMs;

    @Override
    public Integer call() throws CliException {
        if (maxMessages != null && maxMessages < 1) {
            throw new ParameterException(spec.commandLine(), "--max-messages must be 1 or more, not " + maxMessages);
        }
        if (timeoutMs != null && timeoutMs < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be 1 or more, not " + timeoutMs);
        }
        String name = topic != null ? topic : kind.defaultTopic();
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        try (TopicReader reader = consumer.open(spec.commandLine())) {
            reader.assign(name, fromBeginning);
            long lastMessage = System.nanoTime();
            while (maxMessages == null || printed < maxMessages) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                    out.println(kind.line(
                            record.value(), record.topic() + "-" + record.partition() + "@" + record.offset()));
                    any = true;
                    printed++;
                    if (maxMessages != null && printed >= maxMessages) {
                        break;
                    }
                }
                out.flush();
                if (out.checkError()) {
                    throw new CliException("standard output was closed after " + printed + " messages");
                }
                if (any) {
                    lastMessage = System.nanoTime();
                } else if (timeoutMs != null
                        && System.nanoTime() - lastMessage
                                >= Duration.ofMillis(timeoutMs).toNanos()) {
                    break;
                }
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(ModelCli.PREFIX + "processed " + printed + " message" + (printed == 1 ? "" : "s"));
        err.flush();
        return 0;
    }
}
