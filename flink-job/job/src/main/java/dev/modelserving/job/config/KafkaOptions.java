package dev.modelserving.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;

/** How the job talks to Kafka: the cluster, the client properties, the consumer group and the sinks' guarantee. */
public final class KafkaOptions {

    /** {@code host:port,...} of the Kafka cluster; required by the job itself (not by tests that replace Kafka). */
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key(
                    JobOptions.PREFIX + "bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("host:port[,host:port...] of the Kafka cluster. Required.");

    /** Consumer group of the sources, also the prefix of the transactional ids. */
    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key(JobOptions.PREFIX + "group-id")
            .stringType()
            .defaultValue("model-serving")
            .withDescription("Kafka consumer group of the sources, also the prefix of the sinks' transactional ids:"
                    + " two jobs need two group ids.");

    /** A Kafka client properties file for every source, sink and admin client. */
    public static final ConfigOption<String> KAFKA_PROPERTIES = ConfigOptions.key(
                    JobOptions.PREFIX + "kafka-properties")
            .stringType()
            .noDefaultValue()
            .withDescription("A Kafka client properties file (TLS, SASL) for every source, sink and admin client,"
                    + " read at submission. Properties the job sets itself are refused.");

    /** Single Kafka client properties, after those of the file; a later value of a key wins. */
    public static final ConfigOption<List<String>> KAFKA_PROPERTY = ConfigOptions.key(
                    JobOptions.PREFIX + "kafka-property")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("A Kafka client property key=value, after those of --kafka-properties (a later value"
                    + " of a key wins). Repeatable as a program argument; in Flink's configuration a list, whose"
                    + " entries come before the program arguments'.");

    /** {@code max.request.size} of every Kafka producer of the job. */
    public static final ConfigOption<MemorySize> MAX_REQUEST_BYTES = ConfigOptions.key(
                    JobOptions.PREFIX + "max-request-bytes")
            .memoryType()
            .defaultValue(MemorySize.parse("1mb"))
            .withDescription("max.request.size of every Kafka producer; keep it at most the topics'"
                    + " max.message.bytes. A larger output record is shrunk by the sink instead of failing it.");

    /** The delivery guarantee of every Kafka sink. */
    public static final ConfigOption<DeliveryGuarantee> DELIVERY = ConfigOptions.key(JobOptions.PREFIX + "delivery")
            .enumType(DeliveryGuarantee.class)
            .noDefaultValue()
            .withDescription("Guarantee of every Kafka sink. Default: exactly-once with checkpointing (Kafka"
                    + " transactions; read the outputs with isolation.level=read_committed), else at-least-once.");

    private KafkaOptions() {}
}
