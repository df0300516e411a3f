package dev.modelserving.job;

import dev.modelserving.flink.artifacts.ModelDistributionOptions;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.RecordFormat;
import dev.modelserving.job.io.KafkaClientProperties;
import dev.modelserving.job.io.KafkaIo;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ReferenceUris;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.serving.ServingBounds;
import dev.modelserving.model.trust.TrustPolicy;
import dev.modelserving.model.warmup.WarmUpSettings;
import dev.modelserving.speculative.RequestRouter;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.MultipleParameterTool;
import org.apache.flink.util.ParameterTool;

/**
 * The serving job's configuration, read from command-line flags ({@link ParameterTool}); immutable and serializable,
 * so functions may carry it and build their {@link #loadPolicy()} in {@code open()}.
 *
 * <p>Every flag is in {@link #USAGE}. Any invalid value, unknown flag or inconsistent combination is an
 * {@link IllegalArgumentException} whose message names the flag and ends with the usage line.
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

    /** The one usage line listing every flag with its default. */
    public static final String USAGE = "Usage: ServingJob --bootstrap-servers <host:port[,host:port...]>"
            + " [--data-topic records] [--data-format data-record|sensor-reading] [--model-topic models]"
            + " [--results-topic results] [--dead-letter-topic dead-letters] [--events-topic model-events]"
            + " [--group-id model-serving] [--mode keyed|partitioned|speculative]"
            + " [--parallelism <n> (default: the environment's)]"
            + " [--config-topic speculative-config] [--default-deadline-ms 1000]"
            + " [--checkpoint-interval-ms 10000 (0: off)] [--checkpoint-dir <uri or path>]"
            + " [--delivery exactly-once|at-least-once (default: exactly-once if checkpointing, else at-least-once)]"
            + " [--allowed-model-roots <dir>[,<dir>...]] [--max-artifact-bytes 256mb] [--max-unpacked-bytes 1gb]"
            + " [--require-validation-samples [true|false]]"
            + " [--kafka-properties <file>] [--kafka-property <key>=<value> (repeatable)]"
            + " [--dead-letter-max-payload-bytes 64kb] [--max-request-bytes 1048576]"
            + " [--max-descriptor-bytes <max-artifact-bytes + 16mb>] [--max-deadline-ms 60000]"
            + " [--max-models-per-data-type 16]"
            + " [--max-live-models 32] [--max-data-types 1024] [--max-executor-queue 1000]"
            + " [--max-unpacked-bytes-per-subtask 4gb] [--model-load-timeout-ms 120000] [--max-concurrent-loads 2]"
            + " [--restore-wait-ms 30000]"
            + " [--trust-policy <file> (protobuf text format)]"
            + " [--require-signatures [true|false] (needs --trust-policy)]"
            + " [--max-input-elements 4194304] [--allow-tf-ops <Op>[,<Op>...]]"
            + " [--allow-pmml-functions <name>[,<name>...]]"
            + " [--stats-interval-ms 10000 (0: off)] [--stats-topic model-stats]"
            + " [--drift-threshold 0.2] [--drift-window-records 1000]"
            + " [--warm-up-max-ms 3000 (0: off)] [--model-cache-dir <dir> (default: <java.io.tmpdir>/"
            + ModelDistributionOptions.DEFAULT_MODEL_CACHE_DIR_NAME + ")] [--model-cache-max-bytes 10gb]";

    static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    static final String DATA_TOPIC = "data-topic";
    static final String DATA_FORMAT = "data-format";
    static final String MODEL_TOPIC = "model-topic";
    static final String RESULTS_TOPIC = "results-topic";
    static final String DEAD_LETTER_TOPIC = "dead-letter-topic";
    static final String EVENTS_TOPIC = "events-topic";
    static final String GROUP_ID = "group-id";
    static final String MODE = "mode";
    static final String PARALLELISM = "parallelism";
    static final String CHECKPOINT_INTERVAL_MS = "checkpoint-interval-ms";
    static final String CHECKPOINT_DIR = "checkpoint-dir";
    static final String DELIVERY = "delivery";
    static final String ALLOWED_MODEL_ROOTS = "allowed-model-roots";
    static final String MAX_ARTIFACT_BYTES = "max-artifact-bytes";
    static final String MAX_UNPACKED_BYTES = "max-unpacked-bytes";
    static final String REQUIRE_VALIDATION_SAMPLES = "require-validation-samples";
    static final String CONFIG_TOPIC = "config-topic";
    static final String DEFAULT_DEADLINE_MS = "default-deadline-ms";
    static final String KAFKA_PROPERTIES = "kafka-properties";
    static final String KAFKA_PROPERTY = "kafka-property";
    static final String DEAD_LETTER_MAX_PAYLOAD_BYTES = "dead-letter-max-payload-bytes";
    static final String MAX_REQUEST_BYTES = "max-request-bytes";
    static final String MAX_DESCRIPTOR_BYTES = "max-descriptor-bytes";
    static final String MAX_DEADLINE_MS = "max-deadline-ms";
    static final String MAX_MODELS_PER_DATA_TYPE = "max-models-per-data-type";
    static final String MAX_LIVE_MODELS = "max-live-models";
    static final String MAX_DATA_TYPES = "max-data-types";
    static final String MAX_EXECUTOR_QUEUE = "max-executor-queue";
    static final String MAX_UNPACKED_BYTES_PER_SUBTASK = "max-unpacked-bytes-per-subtask";
    static final String MODEL_LOAD_TIMEOUT_MS = "model-load-timeout-ms";
    static final String MAX_CONCURRENT_LOADS = "max-concurrent-loads";
    static final String RESTORE_WAIT_MS = "restore-wait-ms";
    static final String TRUST_POLICY = "trust-policy";
    static final String REQUIRE_SIGNATURES = "require-signatures";
    static final String MAX_INPUT_ELEMENTS = "max-input-elements";
    static final String ALLOW_TF_OPS = "allow-tf-ops";
    static final String ALLOW_PMML_FUNCTIONS = "allow-pmml-functions";
    static final String STATS_INTERVAL_MS = "stats-interval-ms";
    static final String STATS_TOPIC = "stats-topic";
    static final String DRIFT_THRESHOLD = "drift-threshold";
    static final String DRIFT_WINDOW_RECORDS = "drift-window-records";
    static final String WARM_UP_MAX_MS = ModelDistributionOptions.WARM_UP_MAX_MS.key();
    static final String MODEL_CACHE_DIR = ModelDistributionOptions.MODEL_CACHE_DIR.key();
    static final String MODEL_CACHE_MAX_BYTES = ModelDistributionOptions.MODEL_CACHE_MAX_BYTES.key();

    private static final Set<String> FLAGS = Set.of(
            BOOTSTRAP_SERVERS,
            DATA_TOPIC,
            DATA_FORMAT,
            MODEL_TOPIC,
            RESULTS_TOPIC,
            DEAD_LETTER_TOPIC,
            EVENTS_TOPIC,
            GROUP_ID,
            MODE,
            PARALLELISM,
            CHECKPOINT_INTERVAL_MS,
            CHECKPOINT_DIR,
            DELIVERY,
            ALLOWED_MODEL_ROOTS,
            MAX_ARTIFACT_BYTES,
            MAX_UNPACKED_BYTES,
            REQUIRE_VALIDATION_SAMPLES,
            CONFIG_TOPIC,
            DEFAULT_DEADLINE_MS,
            KAFKA_PROPERTIES,
            KAFKA_PROPERTY,
            DEAD_LETTER_MAX_PAYLOAD_BYTES,
            MAX_REQUEST_BYTES,
            MAX_DESCRIPTOR_BYTES,
            MAX_DEADLINE_MS,
            MAX_MODELS_PER_DATA_TYPE,
            MAX_LIVE_MODELS,
            MAX_DATA_TYPES,
            MAX_EXECUTOR_QUEUE,
            MAX_UNPACKED_BYTES_PER_SUBTASK,
            MODEL_LOAD_TIMEOUT_MS,
            MAX_CONCURRENT_LOADS,
            RESTORE_WAIT_MS,
            TRUST_POLICY,
            REQUIRE_SIGNATURES,
            MAX_INPUT_ELEMENTS,
            ALLOW_TF_OPS,
            ALLOW_PMML_FUNCTIONS,
            STATS_INTERVAL_MS,
            STATS_TOPIC,
            DRIFT_THRESHOLD,
            DRIFT_WINDOW_RECORDS,
            WARM_UP_MAX_MS,
            MODEL_CACHE_DIR,
            MODEL_CACHE_MAX_BYTES);

    /** Speculative mode: deadline of data types without a configuration (or with deadline_millis 0). */
    public static final long DEFAULT_SPECULATIVE_DEADLINE_MS = 1_000;
    /** Default checkpoint interval in milliseconds. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
    /** Flink's smallest checkpoint interval. */
    private static final long MIN_CHECKPOINT_INTERVAL_MS = 10;
    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** ParameterTool's value for a flag given without one. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";
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
    private final long warmUpMaxMs;
    private final String modelCacheDir;
    private final long modelCacheMaxBytes;

    private ServingJobConfig(Flags flags) {
        bootstrapServers = flags.optional(BOOTSTRAP_SERVERS).orElse(null);
        dataTopic = flags.topic(DATA_TOPIC, "records");
        dataFormat = flags.recordFormat();
        modelTopic = flags.topic(MODEL_TOPIC, "models");
        resultsTopic = flags.topic(RESULTS_TOPIC, "results");
        deadLetterTopic = flags.topic(DEAD_LETTER_TOPIC, "dead-letters");
        eventsTopic = flags.topic(EVENTS_TOPIC, "model-events");
        groupId = flags.optional(GROUP_ID).orElse("model-serving");
        mode = flags.mode();
        parallelism = flags.parallelism();
        checkpointIntervalMs = flags.checkpointInterval();
        checkpointDir = flags.optional(CHECKPOINT_DIR)
                .map(ServingJobConfig::checkpointUri)
                .orElse(null);
        delivery = flags.delivery(checkpointIntervalMs > 0);
        allowedModelRoots = flags.roots();
        maxArtifactBytes = flags.bytes(MAX_ARTIFACT_BYTES, LoadPolicy.DEFAULT_MAX_ARTIFACT_BYTES);
        maxUnpackedBytes = flags.bytes(MAX_UNPACKED_BYTES, LoadPolicy.DEFAULT_MAX_UNPACKED_BYTES);
        requireValidationSamples = flags.bool(REQUIRE_VALIDATION_SAMPLES);
        configTopic = flags.topic(CONFIG_TOPIC, "speculative-config");
        defaultDeadlineMs = flags.positiveLong(DEFAULT_DEADLINE_MS, DEFAULT_SPECULATIVE_DEADLINE_MS);
        kafkaPropertiesFile = flags.optional(KAFKA_PROPERTIES).orElse(null);
        kafkaClientProperties = flags.kafkaClientProperties(kafkaPropertiesFile);
        maxRequestBytes = flags.intBytes(MAX_REQUEST_BYTES, KafkaIo.DEFAULT_MAX_REQUEST_BYTES);
        deadLetterMaxPayloadBytes =
                flags.intBytes(DEAD_LETTER_MAX_PAYLOAD_BYTES, ParseLimits.DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES);
        maxDescriptorBytes = flags.bytes(MAX_DESCRIPTOR_BYTES, ParseLimits.defaultMaxDescriptorBytes(maxArtifactBytes));
        maxDeadlineMs = flags.positiveLong(MAX_DEADLINE_MS, ParseLimits.DEFAULT_MAX_DEADLINE_MILLIS);
        maxModelsPerDataType = (int) Math.min(
                Integer.MAX_VALUE,
                flags.positiveLong(MAX_MODELS_PER_DATA_TYPE, RequestRouter.DEFAULT_MAX_MODELS_PER_DATA_TYPE));
        if (defaultDeadlineMs > maxDeadlineMs) {
            throw invalid(
                    DEFAULT_DEADLINE_MS,
                    defaultDeadlineMs + " is above --" + MAX_DEADLINE_MS + " (" + maxDeadlineMs + ")");
        }
        if (deadLetterMaxPayloadBytes >= maxRequestBytes) {
            throw invalid(
                    DEAD_LETTER_MAX_PAYLOAD_BYTES,
                    deadLetterMaxPayloadBytes + " must be below --" + MAX_REQUEST_BYTES + " (" + maxRequestBytes
                            + "): a dead letter must fit in a Kafka request");
        }
        servingBounds = new ServingBounds(
                flags.positiveInt(MAX_LIVE_MODELS, ServingBounds.DEFAULT_MAX_LIVE_MODELS),
                flags.positiveInt(MAX_DATA_TYPES, ServingBounds.DEFAULT_MAX_DATA_TYPES),
                flags.positiveInt(MAX_EXECUTOR_QUEUE, ServingBounds.DEFAULT_MAX_EXECUTOR_QUEUE),
                flags.bytes(MAX_UNPACKED_BYTES_PER_SUBTASK, ServingBounds.DEFAULT_MAX_UNPACKED_BYTES_PER_SUBTASK),
                flags.positiveLong(MODEL_LOAD_TIMEOUT_MS, ServingBounds.DEFAULT_MODEL_LOAD_TIMEOUT_MILLIS),
                flags.positiveInt(MAX_CONCURRENT_LOADS, ServingBounds.DEFAULT_MAX_CONCURRENT_LOADS),
                flags.nonNegativeLong(RESTORE_WAIT_MS, ServingBounds.DEFAULT_RESTORE_WAIT_MILLIS));
        if (servingBounds.maxUnpackedBytesPerSubtask() < maxUnpackedBytes) {
            throw invalid(
                    MAX_UNPACKED_BYTES_PER_SUBTASK,
                    "(" + servingBounds.maxUnpackedBytesPerSubtask()
                            + " bytes) must be at least --" + MAX_UNPACKED_BYTES + " (" + maxUnpackedBytes
                            + " bytes), or no"
                            + " archive as large as one model may be could ever unpack");
        }
        driftSettings = new DriftSettings(
                flags.positiveDouble(DRIFT_THRESHOLD, DriftSettings.DEFAULT_THRESHOLD),
                flags.positiveInt(DRIFT_WINDOW_RECORDS, DriftSettings.DEFAULT_WINDOW_RECORDS));
        trustPolicy = flags.optional(TRUST_POLICY)
                .map(ServingJobConfig::readTrustPolicy)
                .orElse(null);
        requireSignatures = flags.bool(REQUIRE_SIGNATURES);
        if (requireSignatures && trustPolicy == null) {
            throw invalid(REQUIRE_SIGNATURES, "needs --" + TRUST_POLICY + " (the publishers and keys to trust)");
        }
        maxInputElements = flags.positiveLong(MAX_INPUT_ELEMENTS, LoadPolicy.DEFAULT_MAX_INPUT_ELEMENTS);
        if (maxInputElements > LoadPolicy.MAX_INPUT_ELEMENTS_LIMIT) {
            throw invalid(
                    MAX_INPUT_ELEMENTS,
                    "'" + maxInputElements + "' must be at most " + LoadPolicy.MAX_INPUT_ELEMENTS_LIMIT);
        }
        allowedTfOps = flags.names(ALLOW_TF_OPS, TF_OP_NAME, "a TensorFlow op type name");
        allowedPmmlFunctions = flags.names(ALLOW_PMML_FUNCTIONS, PMML_FUNCTION_NAME, "a PMML function name");
        List<String> inputs =
                mode == Mode.SPECULATIVE ? List.of(dataTopic, modelTopic, configTopic) : List.of(dataTopic, modelTopic);
        for (String input : inputs) {
            for (String output : List.of(resultsTopic, deadLetterTopic, eventsTopic)) {
                if (input.equals(output)) {
                    throw invalid(
                            input.equals(dataTopic)
                                    ? DATA_TOPIC
                                    : input.equals(modelTopic) ? MODEL_TOPIC : CONFIG_TOPIC,
                            "topic '" + input + "' is also an output topic; inputs and outputs must differ");
                }
            }
        }
        warmUpMaxMs = flags.nonNegativeLong(WARM_UP_MAX_MS, ModelDistributionOptions.WARM_UP_MAX_MS.defaultValue());
        modelCacheDir = flags.optional(MODEL_CACHE_DIR).orElse("");
        modelCacheMaxBytes = flags.bytes(
                MODEL_CACHE_MAX_BYTES,
                ModelDistributionOptions.MODEL_CACHE_MAX_BYTES.defaultValue().getBytes());
        statsIntervalMs = flags.nonNegativeLong(STATS_INTERVAL_MS, DEFAULT_STATS_INTERVAL_MS);
        if (statsIntervalMs > 0 && statsIntervalMs < MIN_STATS_INTERVAL_MS) {
            throw invalid(
                    STATS_INTERVAL_MS,
                    statsIntervalMs + " is below " + MIN_STATS_INTERVAL_MS + " ms (0 turns the stats stream off)");
        }
        statsTopic = flags.topic(STATS_TOPIC, "model-stats");
        for (String other : List.of(dataTopic, modelTopic, configTopic, resultsTopic, deadLetterTopic, eventsTopic)) {
            if (statsTopic.equals(other) && (mode == Mode.SPECULATIVE || !other.equals(configTopic))) {
                throw invalid(STATS_TOPIC, "'" + statsTopic + "' is also another topic of the job; it must differ");
            }
        }
        if (dataTopic.equals(modelTopic)) {
            throw invalid(MODEL_TOPIC, "must differ from --" + DATA_TOPIC + " ('" + dataTopic + "')");
        }
        if (mode == Mode.SPECULATIVE && (configTopic.equals(dataTopic) || configTopic.equals(modelTopic))) {
            throw invalid(CONFIG_TOPIC, "must differ from --" + DATA_TOPIC + " and --" + MODEL_TOPIC);
        }
    }

    /**
     * The configuration given by command-line arguments ({@code --flag value ...}).
     *
     * @throws IllegalArgumentException naming the flag and showing {@link #USAGE}
     */
    public static ServingJobConfig fromArgs(String... args) {
        MultipleParameterTool parameters;
        try {
            // ParameterTool's parsing, keeping every value of a repeated flag (the last one counts, except for
            // the repeatable --kafka-property).
            parameters = MultipleParameterTool.fromArgs(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ". " + USAGE, e);
        }
        List<String> assignments =
                parameters.has(KAFKA_PROPERTY) ? List.copyOf(parameters.getMultiParameter(KAFKA_PROPERTY)) : List.of();
        return new ServingJobConfig(new Flags(parameters.toMap(), assignments));
    }

    /**
     * The configuration given by parsed parameters.
     *
     * @throws IllegalArgumentException naming the flag and showing {@link #USAGE}
     */
    public static ServingJobConfig fromParameters(ParameterTool parameters) {
        Map<String, String> values = parameters.toMap();
        List<String> assignments = values.containsKey(KAFKA_PROPERTY) ? List.of(values.get(KAFKA_PROPERTY)) : List.of();
        return new ServingJobConfig(new Flags(values, assignments));
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
            throw invalid(BOOTSTRAP_SERVERS, "is required");
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
                + ", warm-up-max-ms=" + warmUpMaxMs + ", model-cache-dir=" + modelCacheDir
                + ", model-cache-max-bytes=" + modelCacheMaxBytes + "}";
    }

    private static String flagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static IllegalArgumentException invalid(String flag, String problem) {
        return new IllegalArgumentException("--" + flag + " " + problem + ". " + USAGE);
    }

    private static IllegalArgumentException invalid(String flag, String problem, Throwable cause) {
        return new IllegalArgumentException("--" + flag + " " + problem + ". " + USAGE, cause);
    }

    private static TrustPolicy readTrustPolicy(String value) {
        try {
            return TrustPolicy.read(Path.of(value));
        } catch (IOException | InvalidPathException e) {
            throw invalid(TRUST_POLICY, "'" + value + "' cannot be read: " + e, e);
        } catch (IllegalArgumentException e) {
            throw invalid(TRUST_POLICY, "is not a valid trust policy: " + e.getMessage(), e);
        }
    }

    private static String checkpointUri(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return uri.toString();
            }
            return Path.of(value).toAbsolutePath().normalize().toUri().toString();
        } catch (URISyntaxException | InvalidPathException e) {
            throw invalid(CHECKPOINT_DIR, "'" + value + "' is neither a URI nor a path", e);
        }
    }

    /** Typed access to the raw flag map, with the flag named in every error. */
    private static final class Flags {

        private final Map<String, String> values;
        private final List<String> kafkaAssignments;

        Flags(Map<String, String> values, List<String> kafkaAssignments) {
            this.values = values;
            this.kafkaAssignments = kafkaAssignments;
            Set<String> unknown = new TreeSet<>(values.keySet());
            unknown.removeAll(FLAGS);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(
                        "unknown flag(s) " + unknown.stream().map(f -> "--" + f).toList() + ". " + USAGE);
            }
        }

        Optional<String> optional(String flag) {
            String value = values.get(flag);
            if (value == null) {
                return Optional.empty();
            }
            if (value.equals(NO_VALUE) || value.isBlank()) {
                throw invalid(flag, "needs a value");
            }
            return Optional.of(value.trim());
        }

        String topic(String flag, String defaultTopic) {
            String topic = optional(flag).orElse(defaultTopic);
            if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw invalid(
                        flag,
                        "'" + topic + "' is not a Kafka topic name (letters, digits, '.', '_', '-';" + " at most 249)");
            }
            return topic;
        }

        RecordFormat recordFormat() {
            String value = optional(DATA_FORMAT).orElse(RecordFormat.DATA_RECORD.flagValue());
            try {
                return RecordFormat.fromFlag(value);
            } catch (IllegalArgumentException e) {
                throw invalid(DATA_FORMAT, "'" + value + "' is not data-record|sensor-reading", e);
            }
        }

        Mode mode() {
            String value = optional(MODE).orElse("keyed");
            return switch (value) {
                case "keyed" -> Mode.KEYED;
                case "partitioned" -> Mode.PARTITIONED;
                case "speculative" -> Mode.SPECULATIVE;
                default -> throw invalid(MODE, "'" + value + "' is not keyed|partitioned|speculative");
            };
        }

        int parallelism() {
            Optional<String> value = optional(PARALLELISM);
            if (value.isEmpty()) {
                return 0;
            }
            long parsed = parseLong(PARALLELISM, value.get(), "a positive integer");
            if (parsed < 1 || parsed > Short.MAX_VALUE + 1) {
                throw invalid(PARALLELISM, "'" + value.get() + "' is not a positive integer up to 32768");
            }
            return (int) parsed;
        }

        long positiveLong(String flag, long defaultValue) {
            Optional<String> value = optional(flag);
            if (value.isEmpty()) {
                return defaultValue;
            }
            long parsed = parseLong(flag, value.get(), "a positive number of milliseconds");
            if (parsed < 1) {
                throw invalid(flag, "'" + value.get() + "' must be positive");
            }
            return parsed;
        }

        int positiveInt(String flag, int defaultValue) {
            Optional<String> value = optional(flag);
            if (value.isEmpty()) {
                return defaultValue;
            }
            long parsed = parseLong(flag, value.get(), "a positive integer");
            if (parsed < 1 || parsed > Integer.MAX_VALUE) {
                throw invalid(flag, "'" + value.get() + "' is not a positive integer up to " + Integer.MAX_VALUE);
            }
            return (int) parsed;
        }

        double positiveDouble(String flag, double defaultValue) {
            Optional<String> value = optional(flag);
            if (value.isEmpty()) {
                return defaultValue;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value.get());
            } catch (NumberFormatException e) {
                throw invalid(flag, "'" + value.get() + "' is not a number", e);
            }
            if (!(parsed > 0) || !Double.isFinite(parsed)) {
                throw invalid(flag, "'" + value.get() + "' must be a positive number");
            }
            return parsed;
        }

        long nonNegativeLong(String flag, long defaultValue) {
            Optional<String> value = optional(flag);
            if (value.isEmpty()) {
                return defaultValue;
            }
            long parsed = parseLong(flag, value.get(), "a number of milliseconds");
            if (parsed < 0) {
                throw invalid(flag, "'" + value.get() + "' must be 0 or more");
            }
            return parsed;
        }

        long checkpointInterval() {
            Optional<String> value = optional(CHECKPOINT_INTERVAL_MS);
            if (value.isEmpty()) {
                return DEFAULT_CHECKPOINT_INTERVAL_MS;
            }
            long parsed = parseLong(CHECKPOINT_INTERVAL_MS, value.get(), "a number of milliseconds");
            if (parsed != 0 && parsed < MIN_CHECKPOINT_INTERVAL_MS) {
                throw invalid(
                        CHECKPOINT_INTERVAL_MS,
                        "'" + value.get() + "' must be 0 (off) or at least " + MIN_CHECKPOINT_INTERVAL_MS);
            }
            return parsed;
        }

        DeliveryGuarantee delivery(boolean checkpointing) {
            Optional<String> value = optional(DELIVERY);
            if (value.isEmpty()) {
                return checkpointing ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
            }
            return switch (value.get()) {
                case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
                case "exactly-once" -> {
                    if (!checkpointing) {
                        throw invalid(
                                DELIVERY,
                                "exactly-once needs checkpointing (Kafka transactions commit on"
                                        + " checkpoints), but --" + CHECKPOINT_INTERVAL_MS + " is 0");
                    }
                    yield DeliveryGuarantee.EXACTLY_ONCE;
                }
                default -> throw invalid(DELIVERY, "'" + value.get() + "' is not exactly-once|at-least-once");
            };
        }

        List<String> roots() {
            Optional<String> value = optional(ALLOWED_MODEL_ROOTS);
            List<String> roots = new ArrayList<>();
            if (value.isPresent()) {
                for (String part : value.get().split(",")) {
                    String trimmed = part.trim();
                    if (trimmed.isEmpty()) {
                        continue;
                    }
                    if (ReferenceUris.isRemote(trimmed)) {
                        try {
                            roots.add(ReferenceUris.root(URI.create(trimmed)).toString());
                        } catch (IllegalArgumentException e) {
                            throw invalid(ALLOWED_MODEL_ROOTS, "'" + trimmed + "' is not an allowed root URI", e);
                        }
                        continue;
                    }
                    try {
                        roots.add(Path.of(trimmed).toAbsolutePath().normalize().toString());
                    } catch (InvalidPathException e) {
                        throw invalid(ALLOWED_MODEL_ROOTS, "'" + trimmed + "' is not a path", e);
                    }
                }
            }
            return List.copyOf(roots);
        }

        /** A comma-separated list of names, each matching {@code pattern}; empty when the flag is absent. */
        List<String> names(String flag, Pattern pattern, String expected) {
            Optional<String> value = optional(flag);
            List<String> names = new ArrayList<>();
            if (value.isPresent()) {
                for (String part : value.get().split(",")) {
                    String name = part.trim();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!pattern.matcher(name).matches()) {
                        throw invalid(flag, "'" + name + "' is not " + expected);
                    }
                    names.add(name);
                }
            }
            return List.copyOf(names);
        }

        long bytes(String flag, long defaultBytes) {
            Optional<String> value = optional(flag);
            if (value.isEmpty()) {
                return defaultBytes;
            }
            long parsed;
            try {
                parsed = MemorySize.parseBytes(value.get());
            } catch (IllegalArgumentException e) {
                throw invalid(flag, "'" + value.get() + "' is not a size (bytes, or with a unit: 64kb, 256mb, 1gb)", e);
            }
            if (parsed <= 0) {
                throw invalid(flag, "'" + value.get() + "' must be positive");
            }
            return parsed;
        }

        int intBytes(String flag, int defaultBytes) {
            long parsed = bytes(flag, defaultBytes);
            if (parsed > Integer.MAX_VALUE) {
                throw invalid(flag, parsed + " is above " + Integer.MAX_VALUE + " bytes");
            }
            return (int) parsed;
        }

        boolean bool(String flag) {
            String value = values.get(flag);
            if (value == null) {
                return false;
            }
            if (value.equals(NO_VALUE)) {
                return true; // the flag alone
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(flag, "'" + value + "' is not true|false");
            };
        }

        /** The file's properties, then each {@code --kafka-property}; no value ever appears in a message. */
        KafkaClientProperties kafkaClientProperties(String file) {
            KafkaClientProperties properties = KafkaClientProperties.none();
            if (file != null) {
                try {
                    properties = KafkaClientProperties.load(Path.of(file));
                } catch (IOException | InvalidPathException e) {
                    throw invalid(
                            KAFKA_PROPERTIES,
                            "cannot read '" + file + "': " + e.getClass().getSimpleName()
                                    + (e.getMessage() == null || e.getMessage().equals(file)
                                            ? ""
                                            : " " + e.getMessage()),
                            e);
                } catch (IllegalArgumentException e) {
                    throw invalid(KAFKA_PROPERTIES, file + ": " + e.getMessage(), e);
                }
            }
            for (String assignment : kafkaAssignments) {
                if (assignment.equals(NO_VALUE) || assignment.isBlank()) {
                    throw invalid(KAFKA_PROPERTY, "needs a value (key=value)");
                }
                try {
                    properties = properties.withAssignment(assignment);
                } catch (IllegalArgumentException e) {
                    throw invalid(KAFKA_PROPERTY, e.getMessage(), e);
                }
            }
            return properties;
        }

        private static long parseLong(String flag, String value, String expected) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw invalid(flag, "'" + value + "' is not " + expected, e);
            }
        }
    }
}
