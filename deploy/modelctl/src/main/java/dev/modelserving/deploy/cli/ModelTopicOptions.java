package dev.modelserving.deploy.cli;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Option;

/**
 * Where descriptors go ({@code --bootstrap-server}, {@code --topic}, with the client settings of
 * {@code --command-config}), shared by the commands that write to the model topic ({@code publish}, {@code rollback},
 * {@code remove}), and the sending itself: keyed by data type so that one data type's descriptors stay in order, one
 * line per descriptor sent.
 */
final class ModelTopicOptions {

    @Option(
            names = "--bootstrap-server",
            required = true,
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to connect to.")
    private String bootstrapServer;

    @Option(
            names = "--topic",
            defaultValue = "models",
            paramLabel = "TOPIC",
            description = "The serving job's model topic (default ${DEFAULT-VALUE}).")
    private String topic;

    @Option(
            names = CommandConfig.FLAG,
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), a properties file as for"
                    + " Kafka's own tools.")
    private Path commandConfig;

    /**
     * Sends the descriptors in order, waiting for each; prints where each one was written.
     *
     * @throws CliException the brokers could not be reached or refused a descriptor (within
     *     {@link ProtoPublisher#SEND_TIMEOUT})
     */
    void send(List<ModelDescriptor> descriptors, PrintWriter out) throws CliException {
        Map<String, String> clientProperties = CommandConfig.load(commandConfig);
        try (ProtoPublisher publisher = new ProtoPublisher(bootstrapServer, "modelctl", clientProperties)) {
            for (ModelDescriptor d : descriptors) {
                RecordMetadata written = publisher.sendAndWait(topic, d.getDataType(), d);
                out.printf(
                        "%s to %s-%d at offset %d%n",
                        describe(d), written.topic(), written.partition(), written.offset());
                out.flush();
            }
        } catch (IllegalStateException | KafkaException e) {
            Optional<CliException> refused = CommandConfig.refusal(bootstrapServer, e);
            if (refused.isPresent()) {
                throw refused.get();
            }
            // Kafka's timeout (metadata, delivery) or the publisher's own wait for the acknowledgement.
            boolean silent =
                    hasCause(e, TimeoutException.class) || hasCause(e, java.util.concurrent.TimeoutException.class);
            String hint = silent ? " (" + CommandConfig.silenceHint(commandConfig != null) + ")" : "";
            throw new CliException("cannot publish to " + bootstrapServer + ": " + e.getMessage() + hint, e);
        }
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    /** A reader of these brokers with the {@code --command-config} client properties (e.g. for the model events). */
    TopicReader openReader(Duration brokerTimeout) throws CliException {
        return TopicReader.open(
                bootstrapServer, brokerTimeout, CommandConfig.load(commandConfig), commandConfig != null);
    }

    /** What was sent, in words: a model version, a rollback or a removal. */
    static String describe(ModelDescriptor d) {
        return switch (d.getAction()) {
            case ROLLBACK ->
                "sent rollback of " + d.getName() + " to v" + d.getRollbackToVersion() + " as v" + d.getVersion()
                        + " (data type " + d.getDataType() + reasonSuffix(d) + signedSuffix(d) + ")";
            case REMOVE ->
                "sent removal of " + d.getName() + " as v" + d.getVersion() + " (data type " + d.getDataType()
                        + reasonSuffix(d) + signedSuffix(d) + ")";
            default ->
                "published " + d.getName() + " v" + d.getVersion() + " ("
                        + (d.getAction() == ModelAction.DEPLOY ? d.getModelType() : d.getAction()) + ", data type "
                        + d.getDataType() + signedSuffix(d) + ")";
        };
    }

    private static String signedSuffix(ModelDescriptor d) {
        return d.getSignature().isEmpty() ? "" : ", signed by " + d.getPublisherId();
    }

    private static String reasonSuffix(ModelDescriptor d) {
        return d.getDescription().isBlank() ? "" : ", reason: " + d.getDescription();
    }
}
