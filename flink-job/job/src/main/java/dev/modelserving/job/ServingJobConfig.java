package dev.modelserving.job;

import dev.modelserving.flink.artifacts.ModelDistributionOptions;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.RecordFormat;
import dev.modelserving.flink.serving.BatchSettings;
import dev.modelserving.flink.serving.BatchingOptions;
import dev.modelserving.job.config.InputLimitOptions;
import dev.modelserving.job.config.JobOptionReader;
import dev.modelserving.job.config.JobOptions;
import dev.modelserving.job.config.KafkaOptions;
import dev.modelserving.job.config.ModelPolicyOptions;
import dev.modelserving.job.config.ResourceOptions;
import dev.modelserving.job.config.ServingOptions;
import dev.modelserving.job.config.TopicOptions;
import dev.modelserving.job.config.TrustOptions;
import dev.modelserving.job.describe.DescribeOptions;
import dev.modelserving.job.describe.PictureFormat;
import dev.modelserving.job.io.DataFormatOptions;
import dev.modelserving.job.io.KafkaClientProperties;
import dev.modelserving.job.io.ResultsFormat;
import dev.modelserving.job.sensor.SensorSystemOptions;
import dev.modelserving.job.sensor.features.FeatureOptions;
import dev.modelserving.job.sensor.predict.PredictionOptions;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ReferenceUris;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.records.RecordMapper;
import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.model.records.RecordSyntax;
import dev.modelserving.model.serving.ServingBounds;
import dev.modelserving.model.trust.TrustPolicy;
import dev.modelserving.model.warmup.WarmUpSettings;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The serving job's configuration; immutable and serializable, so functions may carry it and build their
 * {@link #loadPolicy()} in {@code open()}.
 *
 * <p>Every option is a Flink {@code ConfigOption} listed in {@link JobOptions#ALL} (README "Job flags" is generated
 * from it; {@code ServingJob --help} prints it). Each is read from, in precedence order: the program arguments
 * ({@code --data-topic x}, or {@code --model-serving.data-topic x}), Flink's configuration
 * ({@code model-serving.data-topic}: {@code flink run -D model-serving.data-topic=x} or {@code config.yaml}), its
 * default. Any invalid value, unknown option or inconsistent combination is an {@link IllegalArgumentException}
 * whose first line names the flag and whose second line is {@link #USAGE_HINT}.
 *
 * <p>Adding an option takes four steps: (1) declare it in the {@code *Options} class of its concern (package
 * {@code dev.modelserving.job.config}), e.g.
 * {@code public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key(JobOptions.PREFIX + "batch-size")
 * .intType().defaultValue(64).withDescription("...");}; (2) add it to {@link JobOptions#ALL} with the factory of its
 * kind ({@code JobOption.integer(BatchingOptions.BATCH_SIZE)}); (3) read it here in one line in the constructor
 * ({@code batchSize = options.positiveInt(BatchingOptions.BATCH_SIZE);}) plus a field, a getter and a
 * {@link #toString()} entry; (4) regenerate the README table ({@code dev.modelserving.job.config.JobOptionsReference},
 * see README "Job flags"; {@code JobOptionsReadmeTest} fails until then).
 */
public final class ServingJobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How models and records meet: keyed by data type, or every model on every subtask. */
    public enum Mode {
        /** Records and models keyed by data type; each data type is served on one subtask. */
        KEYED,
        /** Models broadcast to every subtask; records spread over all subtasks. */
        PARTITIONED,
        /** Several models per data type: router, one executor per model, collector with deadline and strategy. */
        SPECULATIVE
    }

    /** The second line of every usage error: where the options are listed. */
    public static final String USAGE_HINT = JobOptions.HINT;

    /** Speculative mode: deadline of data types without a configuration (or with deadline_millis 0). */
    public static final long DEFAULT_SPECULATIVE_DEADLINE_MS = 1_000;
    /** Default checkpoint interval in milliseconds. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
    /** Flink's smallest checkpoint interval. */
    private static final long MIN_CHECKPOINT_INTERVAL_MS = 10;
    /** TensorFlow op type names (e.g. {@code MatMul}, {@code _FusedConv2D}). */
    private static final Pattern TF_OP_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_>.]{0,127}");
    /** PMML function names: printable, no control characters. */
    private static final Pattern PMML_FUNCTION_NAME = Pattern.compile("[^\\p{Cntrl}]{1,256}");

    private final String bootstrapServers;
    private final String dataTopic;
    private final RecordFormat dataFormat;
    private final String modelTopic;
    private final String resultsTopic;
    private final String deadLetterTopic;
    private final String eventsTopic;
    private final String groupId;
    private final Mode mode;
    private final int parallelism;
    private final long checkpointIntervalMs;
    private final String checkpointDir;
    private final DeliveryGuarantee delivery;
    private final List<String> allowedModelRoots;
    private final long maxArtifactBytes;
    private final long maxUnpackedBytes;
    private final boolean requireValidationSamples;
    private final String configTopic;
    private final long defaultDeadlineMs;
    private final String kafkaPropertiesFile;
    private final KafkaClientProperties kafkaClientProperties;
    private final int deadLetterMaxPayloadBytes;
    private final int maxRequestBytes;
    private final long maxDescriptorBytes;
    private final long maxDeadlineMs;
    private final int maxModelsPerDataType;
    private final ServingBounds servingBounds;
    /** Read from --trust-policy on the client, with key files inlined: TaskManagers need no policy file. */
    private final TrustPolicy trustPolicy;

    private final boolean requireSignatures;
    private final long maxInputElements;
    private final List<String> allowedTfOps;
    private final List<String> allowedPmmlFunctions;
    /** Default of {@code --stats-interval-ms}: how often each serving instance emits its ModelStats. */
    public static final long DEFAULT_STATS_INTERVAL_MS = 10_000;
    /** Smallest {@code --stats-interval-ms} other than 0 (a faster stream would cost more than it tells). */
    public static final long MIN_STATS_INTERVAL_MS = 100;

    private final long statsIntervalMs;
    private final String statsTopic;
    private final DriftSettings driftSettings;
    private final BatchSettings batchSettings;
    private final long warmUpMaxMs;
    private final String modelCacheDir;
    private final long modelCacheMaxBytes;
    private final PictureFormat describe;
    private final boolean sensorSystem;
    private final String machinePropertiesTopic;
    private final String rpmConfigTopic;
    private final String alertsTopic;
    private final long maxOutOfOrdernessMs;
    private final long watermarkIdlenessMs;
    private final int whiteningWarmUp;
    private final String predictionsTopic;
    private final double temperatureSigmaC;
    /** Read from --record-mapping on the client: TaskManagers need no mapping file. Null for protobuf formats. */
    private final RecordMapping recordMapping;

    private final ResultsFormat resultsFormat;

    private ServingJobConfig(JobOptionReader options) {
        bootstrapServers = options.text(KafkaOptions.BOOTSTRAP_SERVERS).orElse(null);
        dataTopic = options.topic(TopicOptions.DATA_TOPIC);
        dataFormat = RecordFormat.fromFlag(options.get(TopicOptions.DATA_FORMAT).toLowerCase(Locale.ROOT));
        modelTopic = options.topic(TopicOptions.MODEL_TOPIC);
        resultsTopic = options.topic(TopicOptions.RESULTS_TOPIC);
        deadLetterTopic = options.topic(TopicOptions.DEAD_LETTER_TOPIC);
        eventsTopic = options.topic(TopicOptions.EVENTS_TOPIC);
        groupId = options.text(KafkaOptions.GROUP_ID).orElseThrow();
        mode = options.get(ServingOptions.MODE);
        parallelism = parallelism(options);
        checkpointIntervalMs = options.nonNegativeMillis(ServingOptions.CHECKPOINT_INTERVAL_MS);
        if (checkpointIntervalMs != 0 && checkpointIntervalMs < MIN_CHECKPOINT_INTERVAL_MS) {
            throw options.invalid(
                    ServingOptions.CHECKPOINT_INTERVAL_MS,
                    "'" + options.written(ServingOptions.CHECKPOINT_INTERVAL_MS) + "' must be 0 (off) or at least "
                            + MIN_CHECKPOINT_INTERVAL_MS);
        }
        checkpointDir = options.text(ServingOptions.CHECKPOINT_DIR)
                .map(value -> checkpointUri(options, value))
                .orElse(null);
        delivery = delivery(options, checkpointIntervalMs > 0);
        allowedModelRoots = roots(options);
        maxArtifactBytes = options.positiveBytes(ModelPolicyOptions.MAX_ARTIFACT_BYTES);
        maxUnpackedBytes = options.positiveBytes(ModelPolicyOptions.MAX_UNPACKED_BYTES);
        requireValidationSamples = options.bool(ModelPolicyOptions.REQUIRE_VALIDATION_SAMPLES);
        configTopic = options.topic(TopicOptions.CONFIG_TOPIC);
        defaultDeadlineMs = options.positiveMillis(ServingOptions.DEFAULT_DEADLINE_MS);
        kafkaPropertiesFile = options.text(KafkaOptions.KAFKA_PROPERTIES).orElse(null);
        kafkaClientProperties = kafkaClientProperties(options, kafkaPropertiesFile);
        maxRequestBytes = options.intBytes(KafkaOptions.MAX_REQUEST_BYTES);
        deadLetterMaxPayloadBytes = options.intBytes(InputLimitOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES);
        maxDescriptorBytes = options.optionalPositiveBytes(InputLimitOptions.MAX_DESCRIPTOR_BYTES)
                .orElse(ParseLimits.defaultMaxDescriptorBytes(maxArtifactBytes));
        maxDeadlineMs = options.positiveMillis(InputLimitOptions.MAX_DEADLINE_MS);
        maxModelsPerDataType = options.positiveInt(ServingOptions.MAX_MODELS_PER_DATA_TYPE);
        if (defaultDeadlineMs > maxDeadlineMs) {
            throw options.invalid(
                    ServingOptions.DEFAULT_DEADLINE_MS,
                    defaultDeadlineMs + " is above --max-deadline-ms (" + maxDeadlineMs + ")");
        }
        if (deadLetterMaxPayloadBytes >= maxRequestBytes) {
            throw options.invalid(
                    InputLimitOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES,
                    deadLetterMaxPayloadBytes + " must be below --max-request-bytes (" + maxRequestBytes
                            + "): a dead letter must fit in a Kafka request");
        }
        servingBounds = new ServingBounds(
                options.positiveInt(ResourceOptions.MAX_LIVE_MODELS),
                options.positiveInt(ResourceOptions.MAX_DATA_TYPES),
                options.positiveInt(ResourceOptions.MAX_EXECUTOR_QUEUE),
                options.positiveBytes(ResourceOptions.MAX_UNPACKED_BYTES_PER_SUBTASK),
                options.positiveMillis(ResourceOptions.MODEL_LOAD_TIMEOUT_MS),
                options.positiveInt(ResourceOptions.MAX_CONCURRENT_LOADS),
                options.nonNegativeMillis(ResourceOptions.RESTORE_WAIT_MS));
        if (servingBounds.maxUnpackedBytesPerSubtask() < maxUnpackedBytes) {
            throw options.invalid(
                    ResourceOptions.MAX_UNPACKED_BYTES_PER_SUBTASK,
                    "(" + servingBounds.maxUnpackedBytesPerSubtask()
                            + " bytes) must be at least --max-unpacked-bytes (" + maxUnpackedBytes
                            + " bytes), or no archive as large as one model may be could ever unpack");
        }
        driftSettings = new DriftSettings(
                options.positiveNumber(ServingOptions.DRIFT_THRESHOLD),
                options.positiveInt(ServingOptions.DRIFT_WINDOW_RECORDS));
        trustPolicy = options.text(TrustOptions.TRUST_POLICY)
                .map(value -> readTrustPolicy(options, value))
                .orElse(null);
        requireSignatures = options.bool(TrustOptions.REQUIRE_SIGNATURES);
        if (requireSignatures && trustPolicy == null) {
            throw options.invalid(
                    TrustOptions.REQUIRE_SIGNATURES, "needs --trust-policy (the publishers and keys to trust)");
        }
        maxInputElements = options.positiveLong(ModelPolicyOptions.MAX_INPUT_ELEMENTS);
        if (maxInputElements > LoadPolicy.MAX_INPUT_ELEMENTS_LIMIT) {
            throw options.invalid(
                    ModelPolicyOptions.MAX_INPUT_ELEMENTS,
                    "'" + maxInputElements + "' must be at most " + LoadPolicy.MAX_INPUT_ELEMENTS_LIMIT);
        }
        allowedTfOps = options.names(ModelPolicyOptions.ALLOW_TF_OPS, TF_OP_NAME, "a TensorFlow op type name");
        allowedPmmlFunctions =
                options.names(ModelPolicyOptions.ALLOW_PMML_FUNCTIONS, PMML_FUNCTION_NAME, "a PMML function name");
        List<String> inputs =
                mode == Mode.SPECULATIVE ? List.of(dataTopic, modelTopic, configTopic) : List.of(dataTopic, modelTopic);
        for (String input : inputs) {
            for (String output : List.of(resultsTopic, deadLetterTopic, eventsTopic)) {
                if (input.equals(output)) {
                    throw options.invalid(
                            input.equals(dataTopic)
                                    ? TopicOptions.DATA_TOPIC
                                    : input.equals(modelTopic) ? TopicOptions.MODEL_TOPIC : TopicOptions.CONFIG_TOPIC,
                            "topic '" + input + "' is also an output topic; inputs and outputs must differ");
                }
            }
        }
        statsIntervalMs = options.nonNegativeMillis(ServingOptions.STATS_INTERVAL_MS);
        if (statsIntervalMs > 0 && statsIntervalMs < MIN_STATS_INTERVAL_MS) {
            throw options.invalid(
                    ServingOptions.STATS_INTERVAL_MS,
                    statsIntervalMs + " is below " + MIN_STATS_INTERVAL_MS + " ms (0 turns the stats stream off)");
        }
        statsTopic = options.topic(TopicOptions.STATS_TOPIC);
        sensorSystem = options.bool(SensorSystemOptions.SENSOR_SYSTEM);
        machinePropertiesTopic = options.topic(SensorSystemOptions.MACHINE_PROPERTIES_TOPIC);
        rpmConfigTopic = options.topic(SensorSystemOptions.RPM_CONFIG_TOPIC);
        alertsTopic = options.topic(SensorSystemOptions.ALERTS_TOPIC);
        maxOutOfOrdernessMs = nonNegative(options, FeatureOptions.MAX_OUT_OF_ORDERNESS_MS);
        watermarkIdlenessMs = nonNegative(options, FeatureOptions.WATERMARK_IDLENESS_MS);
        whiteningWarmUp = options.positiveInt(FeatureOptions.WHITENING_WARM_UP);
        if (whiteningWarmUp < 2) {
            throw options.invalid(FeatureOptions.WHITENING_WARM_UP, "must be at least 2, got " + whiteningWarmUp);
        }
        predictionsTopic = options.topic(PredictionOptions.PREDICTIONS_TOPIC);
        temperatureSigmaC = options.positiveNumber(PredictionOptions.TEMPERATURE_SIGMA_C);
        if (sensorSystem) {
            if (dataFormat != RecordFormat.SENSOR_READING) {
                throw options.invalid(SensorSystemOptions.SENSOR_SYSTEM, "needs --data-format sensor-reading");
            }
            List<String> sensorTopics = sensorTopics();
            List<String> others =
                    List.of(dataTopic, modelTopic, resultsTopic, deadLetterTopic, eventsTopic, statsTopic);
            if (new TreeSet<>(sensorTopics).size() < sensorTopics.size()
                    || sensorTopics.stream().anyMatch(others::contains)) {
                throw options.invalid(
                        SensorSystemOptions.SENSOR_SYSTEM,
                        "topics (" + sensorTopics + ") must differ from each other and from the job's other topics");
            }
        }
        describe = options.text(DescribeOptions.DESCRIBE)
                .map(value -> pictureFormat(options, value))
                .orElse(null);
        warmUpMaxMs = nonNegative(options, ModelDistributionOptions.WARM_UP_MAX_MS);
        modelCacheDir = options.text(ModelDistributionOptions.MODEL_CACHE_DIR).orElse("");
        modelCacheMaxBytes = options.positiveBytes(ModelDistributionOptions.MODEL_CACHE_MAX_BYTES);
        batchSettings = batchSettings(
                options,
                options.positiveInt(BatchingOptions.BATCH_SIZE),
                options.positiveLong(BatchingOptions.BATCH_TIMEOUT_US));
        recordMapping = options.text(DataFormatOptions.RECORD_MAPPING)
                .map(value -> readRecordMapping(options, value, dataFormat))
                .orElse(null);
        if (dataFormat.needsMapping() && recordMapping == null) {
            throw options.invalid(TopicOptions.DATA_FORMAT, dataFormat.flagValue() + " needs --record-mapping <file>");
        }
        resultsFormat = ResultsFormat.fromFlag(
                options.get(DataFormatOptions.RESULTS_FORMAT).toLowerCase(Locale.ROOT));
        for (String other : List.of(dataTopic, modelTopic, configTopic, resultsTopic, deadLetterTopic, eventsTopic)) {
            if (statsTopic.equals(other) && (mode == Mode.SPECULATIVE || !other.equals(configTopic))) {
                throw options.invalid(
                        TopicOptions.STATS_TOPIC,
                        "'" + statsTopic + "' is also another topic of the job; it must differ");
            }
        }
        if (dataTopic.equals(modelTopic)) {
            throw options.invalid(TopicOptions.MODEL_TOPIC, "must differ from --data-topic ('" + dataTopic + "')");
        }
        if (mode == Mode.SPECULATIVE && (configTopic.equals(dataTopic) || configTopic.equals(modelTopic))) {
            throw options.invalid(TopicOptions.CONFIG_TOPIC, "must differ from --data-topic and --model-topic");
        }
    }

    /**
     * The configuration given by program arguments alone ({@code --flag value ...}; every other option takes its
     * default).
     *
     * @throws IllegalArgumentException naming the flag, with {@link #USAGE_HINT} as second line
     */
    public static ServingJobConfig fromArgs(String... args) {
        return from(new Configuration(), args);
    }

    /**
     * The configuration given by program arguments over Flink's configuration: an option given as a program
     * argument wins over its {@code model-serving.} key in {@code flinkConfiguration}, which wins over its default.
     * In {@code main}, pass {@code StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration()}: under
     * {@code flink run} it holds the cluster's {@code config.yaml} and the {@code -D} dynamic properties.
     *
     * @throws IllegalArgumentException naming the flag, with {@link #USAGE_HINT} as second line
     */
    public static ServingJobConfig from(ReadableConfig flinkConfiguration, String... args) {
        return new ServingJobConfig(JobOptionReader.of(flinkConfiguration, args));
    }

    /** {@code host:port,...} of the Kafka cluster, when given. */
    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(bootstrapServers);
    }

    /**
     * The Kafka bootstrap servers, for a job that reads and writes Kafka itself.
     *
     * @throws IllegalArgumentException naming {@code --bootstrap-servers} when it was not given
     */
    public String requireBootstrapServers() {
        if (bootstrapServers == null) {
            throw JobOptionReader.usageError("--bootstrap-servers is required (or "
                    + KafkaOptions.BOOTSTRAP_SERVERS.key() + " in Flink's configuration)");
        }
        return bootstrapServers;
    }

    /** Topic of the data records. */
    public String dataTopic() {
        return dataTopic;
    }

    /** Encoding of the values on the data topic. */
    public RecordFormat dataFormat() {
        return dataFormat;
    }

    /** Topic of the model descriptors. */
    public String modelTopic() {
        return modelTopic;
    }

    /** Topic the serving results go to. */
    public String resultsTopic() {
        return resultsTopic;
    }

    /** Topic the dead letters go to. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Topic the model events go to. */
    public String eventsTopic() {
        return eventsTopic;
    }

    /** How often each serving instance emits a ModelStats per model version, in ms (0: no stats stream). */
    public long statsIntervalMs() {
        return statsIntervalMs;
    }

    /** The topic of the ModelStats stream. */
    public String statsTopic() {
        return statsTopic;
    }

    /** Kafka consumer group of the sources (also a natural prefix for transactional ids). */
    public String groupId() {
        return groupId;
    }

    public Mode mode() {
        return mode;
    }

    /** The job's parallelism; empty: the environment's default. */
    public OptionalInt parallelism() {
        return parallelism > 0 ? OptionalInt.of(parallelism) : OptionalInt.empty();
    }

    /** Checkpoint interval in milliseconds; 0 when checkpointing is off. */
    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    public boolean checkpointingEnabled() {
        return checkpointIntervalMs > 0;
    }

    /** Where checkpoints go, as a URI ({@code file:///...}, {@code s3://...}); empty: Flink's configuration decides. */
    public Optional<String> checkpointDir() {
        return Optional.ofNullable(checkpointDir);
    }

    /** EXACTLY_ONCE or AT_LEAST_ONCE, for every Kafka sink of the job. */
    public DeliveryGuarantee delivery() {
        return delivery;
    }

    /** Directories under which descriptors may reference artifacts by location (absolute); empty: none. */
    public List<Path> allowedModelRoots() {
        return allowedModelRoots.stream()
                .filter(root -> !ReferenceUris.isRemote(root))
                .map(Path::of)
                .toList();
    }

    /** URI roots ({@code s3://bucket/models/}) under which remote artifact locations may point; empty: none. */
    public List<URI> allowedModelUriRoots() {
        return allowedModelRoots.stream()
                .filter(ReferenceUris::isRemote)
                .map(URI::create)
                .toList();
    }

    /** {@code --warm-up-max-ms}: most milliseconds a candidate warms up before it becomes current (0: off). */
    public long warmUpMaxMs() {
        return warmUpMaxMs;
    }

    /** {@code --model-cache-dir}: the TaskManagers' local artifact cache (empty: under java.io.tmpdir). */
    public String modelCacheDir() {
        return modelCacheDir;
    }

    /** {@code --model-cache-max-bytes}: bound of each TaskManager's artifact cache. */
    public long modelCacheMaxBytes() {
        return modelCacheMaxBytes;
    }

    public long maxArtifactBytes() {
        return maxArtifactBytes;
    }

    public long maxUnpackedBytes() {
        return maxUnpackedBytes;
    }

    public boolean requireValidationSamples() {
        return requireValidationSamples;
    }

    /** Speculative mode: topic of the {@code SpeculativeConfig}s (keyed by data type). */
    public String configTopic() {
        return configTopic;
    }

    /** Speculative mode: deadline in ms of data types without a configuration (or one with deadline_millis 0). */
    public long defaultDeadlineMs() {
        return defaultDeadlineMs;
    }

    /**
     * Kafka client properties for every source, sink and admin client of the job: those of {@code --kafka-properties}
     * then each {@code --kafka-property} (a later value of a key wins). Values are secrets: never log them.
     */
    public KafkaClientProperties kafkaClientProperties() {
        return kafkaClientProperties;
    }

    /** The file given by {@code --kafka-properties}, when given (already read into {@link #kafkaClientProperties}). */
    public Optional<Path> kafkaPropertiesFile() {
        return Optional.ofNullable(kafkaPropertiesFile).map(Path::of);
    }

    /** How many payload bytes a dead letter copies at most ({@code --dead-letter-max-payload-bytes}). */
    public int deadLetterMaxPayloadBytes() {
        return deadLetterMaxPayloadBytes;
    }

    /** {@code max.request.size} of every Kafka producer of the job ({@code --max-request-bytes}). */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /** Largest model-topic payload parsed ({@code --max-descriptor-bytes}). */
    public long maxDescriptorBytes() {
        return maxDescriptorBytes;
    }

    /** Largest deadline a speculative configuration may set, ms ({@code --max-deadline-ms}). */
    public long maxDeadlineMs() {
        return maxDeadlineMs;
    }

    /** Speculative mode: most models routed to per data type ({@code --max-models-per-data-type}). */
    public int maxModelsPerDataType() {
        return maxModelsPerDataType;
    }

    /** The parsers' bounds these flags describe. */
    public ParseLimits parseLimits() {
        return new ParseLimits(deadLetterMaxPayloadBytes, maxDescriptorBytes, maxDeadlineMs);
    }

    /**
     * The resource bounds of each serving operator instance: {@code --max-live-models}, {@code --max-data-types},
     * {@code --max-executor-queue}, {@code --max-unpacked-bytes-per-subtask}, {@code --model-load-timeout-ms},
     * {@code --max-concurrent-loads}, {@code --restore-wait-ms}.
     */
    public ServingBounds servingBounds() {
        return servingBounds;
    }

    /**
     * How the serving operators watch drift: {@code --drift-threshold} (PSI; a descriptor's own threshold overrides
     * it) and {@code --drift-window-records}.
     */
    public DriftSettings driftSettings() {
        return driftSettings;
    }

    /** The record mapping of {@code --record-mapping} (for {@code --data-format json|csv}), read on the client. */
    public Optional<RecordMapping> recordMapping() {
        return Optional.ofNullable(recordMapping);
    }

    /** Whether the sensor system (contexts, features, predictions, rpm monitoring, alerts) runs. */
    public boolean sensorSystem() {
        return sensorSystem;
    }

    /** Compacted topic of the machine_properties context ({@code --machine-properties-topic}). */
    public String machinePropertiesTopic() {
        return machinePropertiesTopic;
    }

    /** Compacted topic of the rpm_monitoring_config context ({@code --rpm-config-topic}). */
    public String rpmConfigTopic() {
        return rpmConfigTopic;
    }

    /** Topic of the sensor system's alerts ({@code --alerts-topic}). */
    public String alertsTopic() {
        return alertsTopic;
    }

    /** Bounded out-of-orderness of sensor readings in ms ({@code --max-out-of-orderness-ms}). */
    public long maxOutOfOrdernessMs() {
        return maxOutOfOrdernessMs;
    }

    /** Idleness timeout of the sensor readings' watermarks in ms, 0: never idle ({@code --watermark-idleness-ms}). */
    public long watermarkIdlenessMs() {
        return watermarkIdlenessMs;
    }

    /** Feature vectors per machine before whitened records are emitted ({@code --whitening-warm-up}). */
    public int whiteningWarmUp() {
        return whiteningWarmUp;
    }

    /** Topic of the predicted temperatures ({@code --predictions-topic}). */
    public String predictionsTopic() {
        return predictionsTopic;
    }

    /** Standard deviation of a predicted temperature's error in °C ({@code --temperature-sigma-c}). */
    public double temperatureSigmaC() {
        return temperatureSigmaC;
    }

    private static long nonNegative(JobOptionReader options, ConfigOption<Long> option) {
        long value = options.get(option);
        if (value < 0) {
            throw options.invalid(option, "must be 0 or more, got " + value);
        }
        return value;
    }

    /** The sensor system's own topics, which must differ from each other and from the job's other topics. */
    private List<String> sensorTopics() {
        return List.of(machinePropertiesTopic, rpmConfigTopic, alertsTopic, predictionsTopic);
    }

    /** {@code --describe}: print the system's picture in this format instead of running. */
    public Optional<PictureFormat> describe() {
        return Optional.ofNullable(describe);
    }

    private static PictureFormat pictureFormat(JobOptionReader options, String value) {
        try {
            return PictureFormat.fromFlag(value);
        } catch (IllegalArgumentException e) {
            throw options.invalid(DescribeOptions.DESCRIBE, e.getMessage(), e);
        }
    }

    /** Micro-batching of the serving operators: {@code --batch-size}, {@code --batch-timeout-us}. */
    public BatchSettings batchSettings() {
        return batchSettings;
    }

    private static BatchSettings batchSettings(JobOptionReader options, int size, long timeoutMicros) {
        if (size > BatchSettings.MAX_SIZE) {
            throw options.invalid(
                    BatchingOptions.BATCH_SIZE, "'" + size + "' must be at most " + BatchSettings.MAX_SIZE);
        }
        if (timeoutMicros > BatchSettings.MAX_TIMEOUT_MICROS) {
            throw options.invalid(
                    BatchingOptions.BATCH_TIMEOUT_US,
                    "'" + timeoutMicros + "' must be at most " + BatchSettings.MAX_TIMEOUT_MICROS);
        }
        return new BatchSettings(size, timeoutMicros);
    }

    /** How results are written ({@code --results-format}). */
    public ResultsFormat resultsFormat() {
        return resultsFormat;
    }

    /**
     * The trust policy of {@code --trust-policy}, read when the configuration was parsed (on the client); empty:
     * descriptors are not verified.
     */
    public Optional<TrustPolicy> trustPolicy() {
        return Optional.ofNullable(trustPolicy);
    }

    /** Whether unsigned descriptors are rejected ({@code --require-signatures}; implies a trust policy). */
    public boolean requireSignatures() {
        return requireSignatures;
    }

    /** Most values one record may feed a TensorFlow or ONNX model. */
    public long maxInputElements() {
        return maxInputElements;
    }

    /** TensorFlow op types allowed on top of the built-in allowlist (e.g. a trusted custom op); empty: none. */
    public List<String> allowedTfOps() {
        return allowedTfOps;
    }

    /** PMML functions allowed besides the built-ins and a document's own DefineFunctions; empty: none. */
    public List<String> allowedPmmlFunctions() {
        return allowedPmmlFunctions;
    }

    /** The model load policy these flags describe (archive entry limit: the default). */
    public LoadPolicy loadPolicy() {
        return LoadPolicy.defaults()
                .withAllowedRoots(allowedModelRoots())
                .withMaxArtifactBytes(maxArtifactBytes)
                .withMaxUnpackedBytes(maxUnpackedBytes)
                .withRequireValidationSamples(requireValidationSamples)
                .withMaxInputElements(maxInputElements)
                .withExtraAllowedTfOps(allowedTfOps)
                .withAllowedPmmlFunctions(allowedPmmlFunctions)
                .withAllowedUriRoots(allowedModelUriRoots())
                .withWarmUp(WarmUpSettings.defaults().withMaxMillis(warmUpMaxMs));
    }

    @Override
    public String toString() {
        return "ServingJobConfig{bootstrap-servers=" + bootstrapServers + ", data-topic=" + dataTopic
                + ", data-format=" + dataFormat.flagValue() + ", model-topic=" + modelTopic
                + ", results-topic=" + resultsTopic + ", dead-letter-topic=" + deadLetterTopic
                + ", events-topic=" + eventsTopic + ", group-id=" + groupId + ", mode=" + flagValue(mode)
                + ", parallelism=" + (parallelism > 0 ? parallelism : "default")
                + ", checkpoint-interval-ms=" + checkpointIntervalMs + ", checkpoint-dir=" + checkpointDir
                + ", delivery=" + flagValue(delivery) + ", allowed-model-roots=" + allowedModelRoots
                + ", max-artifact-bytes=" + maxArtifactBytes + ", max-unpacked-bytes=" + maxUnpackedBytes
                + ", require-validation-samples=" + requireValidationSamples + ", config-topic=" + configTopic
                + ", default-deadline-ms=" + defaultDeadlineMs + ", kafka-properties=" + kafkaPropertiesFile
                + ", kafka-client-property-keys=" + kafkaClientProperties.keys()
                + ", dead-letter-max-payload-bytes=" + deadLetterMaxPayloadBytes
                + ", max-request-bytes=" + maxRequestBytes + ", max-descriptor-bytes=" + maxDescriptorBytes
                + ", max-deadline-ms=" + maxDeadlineMs + ", max-models-per-data-type=" + maxModelsPerDataType
                + ", max-live-models=" + servingBounds.maxLiveModels()
                + ", max-data-types=" + servingBounds.maxDataTypes()
                + ", max-executor-queue=" + servingBounds.maxExecutorQueue()
                + ", max-unpacked-bytes-per-subtask=" + servingBounds.maxUnpackedBytesPerSubtask()
                + ", model-load-timeout-ms=" + servingBounds.modelLoadTimeoutMillis()
                + ", max-concurrent-loads=" + servingBounds.maxConcurrentLoads()
                + ", restore-wait-ms=" + servingBounds.restoreWaitMillis()
                + ", trust-policy=" + (trustPolicy == null ? "none" : trustPolicy.publisherIds())
                + ", require-signatures=" + requireSignatures + ", max-input-elements=" + maxInputElements
                + ", allow-tf-ops=" + allowedTfOps + ", allow-pmml-functions=" + allowedPmmlFunctions
                + ", stats-interval-ms=" + statsIntervalMs + ", stats-topic=" + statsTopic
                + ", drift-threshold=" + driftSettings.threshold()
                + ", drift-window-records=" + driftSettings.windowRecords()
                + ", record-mapping=" + (recordMapping == null ? "none" : recordMapping.featureNames())
                + ", results-format=" + resultsFormat.flagValue()
                + ", sensor-system=" + sensorSystem + ", machine-properties-topic=" + machinePropertiesTopic
                + ", rpm-config-topic=" + rpmConfigTopic + ", alerts-topic=" + alertsTopic
                + ", max-out-of-orderness-ms=" + maxOutOfOrdernessMs + ", watermark-idleness-ms=" + watermarkIdlenessMs
                + ", whitening-warm-up=" + whiteningWarmUp + ", predictions-topic=" + predictionsTopic
                + ", temperature-sigma-c=" + temperatureSigmaC
                + ", describe=" + (describe == null ? "none" : describe.flagValue())
                + ", warm-up-max-ms=" + warmUpMaxMs + ", model-cache-dir=" + modelCacheDir
                + ", model-cache-max-bytes=" + modelCacheMaxBytes
                + ", batch-size=" + batchSettings.size() + ", batch-timeout-us=" + batchSettings.timeoutMicros() + "}";
    }

    private static String flagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static int parallelism(JobOptionReader options) {
        Optional<Integer> value = options.optional(ServingOptions.PARALLELISM);
        if (value.isEmpty()) {
            return 0;
        }
        if (value.get() < 1 || value.get() > Short.MAX_VALUE + 1) {
            throw options.invalid(
                    ServingOptions.PARALLELISM,
                    "'" + options.written(ServingOptions.PARALLELISM) + "' is not a positive integer up to 32768");
        }
        return value.get();
    }

    private static DeliveryGuarantee delivery(JobOptionReader options, boolean checkpointing) {
        Optional<DeliveryGuarantee> value = options.optional(KafkaOptions.DELIVERY);
        if (value.isEmpty()) {
            return checkpointing ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
        }
        if (value.get() == DeliveryGuarantee.EXACTLY_ONCE && !checkpointing) {
            throw options.invalid(
                    KafkaOptions.DELIVERY,
                    "exactly-once needs checkpointing (Kafka transactions commit on checkpoints), but"
                            + " --checkpoint-interval-ms is 0");
        }
        return value.get();
    }

    private static List<String> roots(JobOptionReader options) {
        List<String> roots = new ArrayList<>();
        for (String root : options.list(ModelPolicyOptions.ALLOWED_MODEL_ROOTS)) {
            if (ReferenceUris.isRemote(root)) {
                try {
                    roots.add(ReferenceUris.root(URI.create(root)).toString());
                } catch (IllegalArgumentException e) {
                    throw options.invalid(
                            ModelPolicyOptions.ALLOWED_MODEL_ROOTS, "'" + root + "' is not an allowed root URI", e);
                }
                continue;
            }
            try {
                roots.add(Path.of(root).toAbsolutePath().normalize().toString());
            } catch (InvalidPathException e) {
                throw options.invalid(ModelPolicyOptions.ALLOWED_MODEL_ROOTS, "'" + root + "' is not a path", e);
            }
        }
        return List.copyOf(roots);
    }

    /** The file's properties, then each {@code --kafka-property}; no value ever appears in a message. */
    private static KafkaClientProperties kafkaClientProperties(JobOptionReader options, String file) {
        KafkaClientProperties properties = KafkaClientProperties.none();
        if (file != null) {
            try {
                properties = KafkaClientProperties.load(Path.of(file));
            } catch (IOException | InvalidPathException e) {
                throw options.invalid(
                        KafkaOptions.KAFKA_PROPERTIES,
                        "cannot read '" + file + "': " + e.getClass().getSimpleName()
                                + (e.getMessage() == null || e.getMessage().equals(file) ? "" : " " + e.getMessage()),
                        e);
            } catch (IllegalArgumentException e) {
                throw options.invalid(KafkaOptions.KAFKA_PROPERTIES, file + ": " + e.getMessage(), e);
            }
        }
        for (String assignment : options.repeatable(KafkaOptions.KAFKA_PROPERTY)) {
            try {
                properties = properties.withAssignment(assignment);
            } catch (IllegalArgumentException e) {
                throw options.invalid(KafkaOptions.KAFKA_PROPERTY, e.getMessage(), e);
            }
        }
        return properties;
    }

    private static RecordMapping readRecordMapping(JobOptionReader options, String value, RecordFormat format) {
        if (!format.needsMapping()) {
            throw options.invalid(
                    DataFormatOptions.RECORD_MAPPING, "is for --data-format json|csv, not " + format.flagValue());
        }
        try {
            RecordMapping mapping = RecordMapping.read(Path.of(value));
            mapping.requireSyntax(format == RecordFormat.JSON ? RecordSyntax.JSON : RecordSyntax.CSV);
            new RecordMapper(mapping); // checks every field path now
            return mapping;
        } catch (IOException | InvalidPathException e) {
            throw options.invalid(DataFormatOptions.RECORD_MAPPING, "'" + value + "' cannot be read: " + e, e);
        } catch (IllegalArgumentException e) {
            throw options.invalid(
                    DataFormatOptions.RECORD_MAPPING,
                    "'" + value + "' is not a valid record mapping: " + e.getMessage(),
                    e);
        }
    }

    private static TrustPolicy readTrustPolicy(JobOptionReader options, String value) {
        try {
            return TrustPolicy.read(Path.of(value));
        } catch (IOException | InvalidPathException e) {
            throw options.invalid(TrustOptions.TRUST_POLICY, "'" + value + "' cannot be read: " + e, e);
        } catch (IllegalArgumentException e) {
            throw options.invalid(TrustOptions.TRUST_POLICY, "is not a valid trust policy: " + e.getMessage(), e);
        }
    }

    private static String checkpointUri(JobOptionReader options, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return uri.toString();
            }
            return Path.of(value).toAbsolutePath().normalize().toUri().toString();
        } catch (URISyntaxException | InvalidPathException e) {
            throw options.invalid(ServingOptions.CHECKPOINT_DIR, "'" + value + "' is neither a URI nor a path", e);
        }
    }
}
