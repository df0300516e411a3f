package dev.modelserving.job.config;

import dev.modelserving.flink.artifacts.ModelDistributionOptions;
import dev.modelserving.flink.serving.BatchingOptions;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.describe.DescribeOptions;
import dev.modelserving.job.io.DataFormatOptions;
import dev.modelserving.job.sensor.SensorSystemOptions;
import dev.modelserving.job.sensor.features.FeatureOptions;
import dev.modelserving.job.sensor.predict.PredictionOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every option of the serving job, in the order {@code --help} and the README "Job flags" table list them.
 *
 * <p>An option is a Flink {@code ConfigOption} whose key is {@link #PREFIX} + its flag name: {@code --data-topic}
 * as a program argument, {@code model-serving.data-topic} in Flink's configuration ({@code flink run -D ...} or
 * {@code config.yaml}). To add one: declare it in the {@code *Options} class of its concern, add it to {@link #ALL}
 * with the factory of its kind ({@code JobOption.integer(MyOptions.MY_OPTION)}), read it in
 * {@code ServingJobConfig} with one {@link JobOptionReader} call, and regenerate the README table
 * ({@link JobOptionsReference}).
 */
public final class JobOptions {

    /** The prefix of every job option key in Flink's configuration. */
    public static final String PREFIX = "model-serving.";

    /** The second line of every usage error. */
    public static final String HINT = "See --help or README \"Job flags\".";

    /** Every job option. */
    public static final List<JobOption> ALL = List.of(
            JobOption.text(KafkaOptions.BOOTSTRAP_SERVERS),
            JobOption.text(KafkaOptions.GROUP_ID),
            JobOption.text(KafkaOptions.KAFKA_PROPERTIES),
            JobOption.repeatable(KafkaOptions.KAFKA_PROPERTY),
            JobOption.size(KafkaOptions.MAX_REQUEST_BYTES),
            JobOption.choice(
                    KafkaOptions.DELIVERY,
                    DeliveryGuarantee.class,
                    DeliveryGuarantee.EXACTLY_ONCE,
                    DeliveryGuarantee.AT_LEAST_ONCE),
            JobOption.text(TopicOptions.DATA_TOPIC),
            JobOption.choice(TopicOptions.DATA_FORMAT, "data-record", "sensor-reading", "json", "csv"),
            JobOption.text(DataFormatOptions.RECORD_MAPPING),
            JobOption.choice(DataFormatOptions.RESULTS_FORMAT, "protobuf", "json"),
            JobOption.text(TopicOptions.MODEL_TOPIC),
            JobOption.text(TopicOptions.RESULTS_TOPIC),
            JobOption.text(TopicOptions.DEAD_LETTER_TOPIC),
            JobOption.text(TopicOptions.EVENTS_TOPIC),
            JobOption.text(TopicOptions.CONFIG_TOPIC),
            JobOption.text(TopicOptions.STATS_TOPIC),
            JobOption.choice(ServingOptions.MODE, ServingJobConfig.Mode.class),
            JobOption.integer(ServingOptions.PARALLELISM),
            JobOption.duration(ServingOptions.CHECKPOINT_INTERVAL_MS),
            JobOption.text(ServingOptions.CHECKPOINT_DIR),
            JobOption.duration(ServingOptions.DEFAULT_DEADLINE_MS),
            JobOption.integer(ServingOptions.MAX_MODELS_PER_DATA_TYPE),
            JobOption.duration(ServingOptions.STATS_INTERVAL_MS),
            JobOption.number(ServingOptions.DRIFT_THRESHOLD),
            JobOption.integer(ServingOptions.DRIFT_WINDOW_RECORDS),
            JobOption.integer(BatchingOptions.BATCH_SIZE),
            JobOption.longInteger(BatchingOptions.BATCH_TIMEOUT_US),
            JobOption.integer(ResourceOptions.MAX_LIVE_MODELS),
            JobOption.integer(ResourceOptions.MAX_DATA_TYPES),
            JobOption.integer(ResourceOptions.MAX_EXECUTOR_QUEUE),
            JobOption.size(ResourceOptions.MAX_UNPACKED_BYTES_PER_SUBTASK),
            JobOption.duration(ResourceOptions.MODEL_LOAD_TIMEOUT_MS),
            JobOption.integer(ResourceOptions.MAX_CONCURRENT_LOADS),
            JobOption.duration(ResourceOptions.RESTORE_WAIT_MS),
            JobOption.size(InputLimitOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES),
            JobOption.size(InputLimitOptions.MAX_DESCRIPTOR_BYTES),
            JobOption.duration(InputLimitOptions.MAX_DEADLINE_MS),
            JobOption.list(ModelPolicyOptions.ALLOWED_MODEL_ROOTS),
            JobOption.size(ModelPolicyOptions.MAX_ARTIFACT_BYTES),
            JobOption.size(ModelPolicyOptions.MAX_UNPACKED_BYTES),
            JobOption.bool(ModelPolicyOptions.REQUIRE_VALIDATION_SAMPLES),
            JobOption.longInteger(ModelPolicyOptions.MAX_INPUT_ELEMENTS),
            JobOption.list(ModelPolicyOptions.ALLOW_TF_OPS),
            JobOption.list(ModelPolicyOptions.ALLOW_PMML_FUNCTIONS),
            JobOption.bool(SensorSystemOptions.SENSOR_SYSTEM),
            JobOption.text(SensorSystemOptions.MACHINE_PROPERTIES_TOPIC),
            JobOption.text(SensorSystemOptions.RPM_CONFIG_TOPIC),
            JobOption.text(SensorSystemOptions.ALERTS_TOPIC),
            JobOption.longInteger(FeatureOptions.MAX_OUT_OF_ORDERNESS_MS),
            JobOption.longInteger(FeatureOptions.WATERMARK_IDLENESS_MS),
            JobOption.integer(FeatureOptions.WHITENING_WARM_UP),
            JobOption.text(PredictionOptions.PREDICTIONS_TOPIC),
            JobOption.number(PredictionOptions.TEMPERATURE_SIGMA_C),
            JobOption.choice(DescribeOptions.DESCRIBE, "mermaid", "dot"),
            JobOption.longInteger(ModelDistributionOptions.WARM_UP_MAX_MS),
            JobOption.text(ModelDistributionOptions.MODEL_CACHE_DIR),
            JobOption.size(ModelDistributionOptions.MODEL_CACHE_MAX_BYTES),
            JobOption.text(TrustOptions.TRUST_POLICY),
            JobOption.bool(TrustOptions.REQUIRE_SIGNATURES));

    private static final Map<String, JobOption> BY_FLAG_NAME = byFlagName();

    private JobOptions() {}

    /** The option of a flag name ({@code data-topic}), if there is one. */
    public static Optional<JobOption> byFlagName(String flagName) {
        return Optional.ofNullable(BY_FLAG_NAME.get(flagName));
    }

    /** The option of a Flink configuration key ({@code model-serving.data-topic}), if there is one. */
    public static Optional<JobOption> byKey(String key) {
        return key.startsWith(PREFIX) ? byFlagName(key.substring(PREFIX.length())) : Optional.empty();
    }

    /** The registered option of a {@code ConfigOption}. */
    static JobOption of(org.apache.flink.configuration.ConfigOption<?> option) {
        JobOption registered = BY_FLAG_NAME.get(option.key().substring(PREFIX.length()));
        if (registered == null || !registered.option().equals(option)) {
            throw new IllegalStateException(option.key() + " is not in JobOptions.ALL");
        }
        return registered;
    }

    /** The option list {@code ServingJob --help} prints. */
    public static String help() {
        StringBuilder help = new StringBuilder()
                .append("Usage: flink run [-D model-serving.<option>=<value> ...] model-serving-job.jar")
                .append(" --bootstrap-servers <host:port,...> [--<option> <value> ...]\n")
                .append("Each option is a program argument --<option>, or model-serving.<option> in Flink's")
                .append(" configuration (flink run -D, config.yaml);\n")
                .append("a program argument wins over Flink's configuration, which wins over the default.\n\n");
        for (JobOption option : ALL) {
            help.append("  ").append(option.flag()).append(' ').append(valueHint(option));
            String defaultText = option.defaultText();
            if (!defaultText.isEmpty()) {
                help.append("   (default: ").append(defaultText).append(')');
            }
            help.append("\n      ").append(description(option)).append('\n');
        }
        return help.toString();
    }

    /** The README "Job flags" table (Markdown), one row per option. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder()
                .append("| flag | Flink key | type | default | description |\n")
                .append("|---|---|---|---|---|\n");
        for (JobOption option : ALL) {
            String defaultText = option.defaultText();
            table.append("| `")
                    .append(option.flag())
                    .append("` | `")
                    .append(option.key())
                    .append("` | ")
                    .append(cell(typeText(option)))
                    .append(" | ")
                    .append(defaultText.isEmpty() ? "" : "`" + cell(defaultText) + "`")
                    .append(" | ")
                    .append(cell(description(option)))
                    .append(" |\n");
        }
        return table.toString();
    }

    /** The option's description as one line of plain text. */
    public static String description(JobOption option) {
        return new PlainTextFormatter().format(option.option().description()).strip();
    }

    private static String typeText(JobOption option) {
        return option.kind() == OptionKind.CHOICE
                ? String.join(" / ", option.choices())
                : option.kind().typeName();
    }

    private static String valueHint(JobOption option) {
        return switch (option.kind()) {
            case CHOICE -> String.join("|", option.choices());
            case BOOLEAN -> "[true|false]";
            case REPEATABLE -> "<key=value> (repeatable)";
            case LIST -> "<value>[,<value>...]";
            default -> "<" + option.kind().typeName().replace(' ', '-') + ">";
        };
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static Map<String, JobOption> byFlagName() {
        Map<String, JobOption> map = new LinkedHashMap<>();
        for (JobOption option : ALL) {
            if (map.put(option.flagName(), option) != null) {
                throw new IllegalStateException("two job options named " + option.flag());
            }
        }
        return map;
    }
}
