package dev.modelserving.job;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.DescriptorParser;
import dev.modelserving.flink.parse.EncodedRecord;
import dev.modelserving.flink.parse.EncodedRecordReader;
import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.parse.RecordParser;
import dev.modelserving.flink.parse.SpeculativeConfigParser;
import dev.modelserving.flink.serving.ServingOutputs;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.serving.StatsSchedule;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.config.JobOptionReader;
import dev.modelserving.job.config.JobOptions;
import dev.modelserving.job.describe.DescribeCommand;
import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.job.sensor.features.MachineFeatures;
import dev.modelserving.job.sensor.features.SensorReadings;
import dev.modelserving.job.sensor.monitoring.SystemMonitoring;
import dev.modelserving.job.sensor.predict.TemperaturePredictions;
import dev.modelserving.job.serve.BatchFlushingCoFlatMapOperator;
import dev.modelserving.job.serve.BatchFlushingKeyedCoProcessOperator;
import dev.modelserving.job.serve.KeyedModelServing;
import dev.modelserving.job.serve.PartitionedModelServing;
import dev.modelserving.job.serve.SplitServingOutput;
import dev.modelserving.job.trust.VerifyDescriptors;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.RouterControl;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.SpeculativeRequest;
import dev.modelserving.speculative.AnswerCollector;
import dev.modelserving.speculative.ExecutorKey;
import dev.modelserving.speculative.ModelExecutor;
import dev.modelserving.speculative.RequestRouter;
import dev.modelserving.speculative.SpeculativeOutputs;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The model-serving job: parses records and model descriptors (unusable input becomes dead letters), serves
 * records with the current model of their data type in keyed or partitioned mode (or with several models per data
 * type in the speculative mode), and writes results, dead letters
 * and model events. Sources and sinks come from a {@link ServingIo}, so tests can replace Kafka.
 *
 * <p>Run it with {@code flink run model-serving-job.jar --bootstrap-servers ...}; options: {@code --help}, README "Job
 * flags", {@link dev.modelserving.job.config.JobOptions}. {@code --describe mermaid|dot} prints the system's picture
 * of the job the other options define instead of running it ({@link DescribeCommand}).
 */
public final class ServingJob {

    private final ServingJobConfig config;
    private final ServingIo io;

    public ServingJob(ServingJobConfig config, ServingIo io) {
        this.config = config;
        this.io = io;
    }

    /**
     * Runs the job: options from the program arguments over Flink's configuration (the {@code config.yaml} and
     * {@code -D} properties of {@code flink run}); {@code --help} prints the option list.
     */
    public static void main(String[] args) throws Exception {
        if (JobOptionReader.asksForHelp(args)) {
            System.out.print(JobOptions.help());
            return;
        }
        if (DescribeCommand.requested(args)) {
            System.exit(DescribeCommand.run(args, System.out, System.err));
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ServingJobConfig config;
        try {
            config = ServingJobConfig.from(env.getConfiguration(), args);
            config.requireBootstrapServers();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        env.execute(jobName(config));
    }

    public static String jobName(ServingJobConfig config) {
        return "model-serving (" + config.mode().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Adds the job's operators to the environment (and configures parallelism and checkpointing). */
    public void build(StreamExecutionEnvironment env) {
        configure(env);
        ServingSettings settings = ServingSettings.of(
                        config.loadPolicy(), SlotSettings.DEFAULT_MAX_HISTORY, config.servingBounds())
                .withDrift(config.driftSettings())
                .withBatching(config.batchSettings())
                .withModelCache(config.modelCacheDir(), config.modelCacheMaxBytes());

        SingleOutputStreamOperator<ModelDescriptor> parsedModels = io.models(env)
                .process(new DescriptorParser(config.parseLimits()))
                .uid("parse-models")
                .name("Parse model descriptors");
        Optional<SingleOutputStreamOperator<ModelDescriptor>> verified = config.trustPolicy()
                .map(policy -> parsedModels
                        .process(new VerifyDescriptors(policy, config.requireSignatures()))
                        .uid("verify-models")
                        .name("Verify model signatures and publishers"));
        DataStream<ModelDescriptor> models =
                verified.<DataStream<ModelDescriptor>>map(v -> v).orElse(parsedModels);
        StatsSchedule stats = new StatsSchedule(config.statsIntervalMs());

        DataStream<DeadLetter> recordDeadLetters;
        Optional<DataStream<SensorReading>> sensorReadings = Optional.empty();
        Served served;
        if (config.sensorSystem()) {
            SingleOutputStreamOperator<SensorReading> parsed =
                    SensorReadings.parse(io.records(env), config.parseLimits());
            DataStream<SensorReading> readings =
                    SensorReadings.withEventTime(parsed, config.maxOutOfOrdernessMs(), config.watermarkIdlenessMs());
            SingleOutputStreamOperator<DataRecord> features =
                    MachineFeatures.of(readings, config.whiteningWarmUp(), config.dataTopic());
            recordDeadLetters = parsed.getSideOutput(DeadLetters.TAG).union(features.getSideOutput(DeadLetters.TAG));
            sensorReadings = Optional.of(readings);
            served = serveParsed(env, settings, stats, features, models);
        } else if (config.mode() == ServingJobConfig.Mode.SPECULATIVE) {
            SingleOutputStreamOperator<DataRecord> parsed = io.records(env)
                    .process(new RecordParser(
                            config.dataFormat(),
                            config.parseLimits(),
                            config.recordMapping().orElse(null)))
                    .uid("parse-records")
                    .name("Parse records (" + config.dataFormat().flagValue() + ")");
            recordDeadLetters = parsed.getSideOutput(DeadLetters.TAG);
            served = serveParsed(env, settings, stats, parsed, models);
        } else {
            // Keyed and partitioned serving parse each record once, after the exchange: here only its data type is
            // read (EncodedRecordReader), and the serving operator sends the dead letters of what does not parse.
            SingleOutputStreamOperator<EncodedRecord> encoded = io.records(env)
                    .process(new EncodedRecordReader(
                            config.dataFormat(),
                            config.parseLimits(),
                            config.recordMapping().orElse(null)))
                    .uid("parse-records")
                    .name("Read records (" + config.dataFormat().flagValue() + ")");
            recordDeadLetters = encoded.getSideOutput(DeadLetters.TAG);
            RecordInput<EncodedRecord> input = RecordInput.encoded(config.parseLimits());
            served = config.mode() == ServingJobConfig.Mode.KEYED
                    ? keyed(input, EncodedRecord::getDataType, settings, stats, encoded, models)
                    : partitioned(input, settings, stats, encoded, models);
        }
        DataStream<DeadLetter> deadLetters = recordDeadLetters.union(parsedModels.getSideOutput(DeadLetters.TAG));
        if (stats.enabled()) {
            io.stats(served.stats());
        }
        io.results(served.results());
        if (sensorReadings.isPresent()) {
            deadLetters = deadLetters.union(sensorSystem(env, sensorReadings.get(), served.results()));
        }
        io.deadLetters(served.deadLetters().map(deadLetters::union).orElse(deadLetters));
        io.events(verified.map(v -> served.events().union(v.getSideOutput(VerifyDescriptors.REJECTED)))
                .orElse(served.events()));
    }

    /**
     * What a serving mode produces: results, model events, dead letters of its own inputs if it has any, and
     * serving statistics.
     */
    private record Served(
            DataStream<ServingResult> results,
            DataStream<ModelEvent> events,
            Optional<DataStream<DeadLetter>> deadLetters,
            DataStream<ModelStats> stats) {}

    /** Serves records that are already parsed (the sensor system's features, the speculative mode's records). */
    private Served serveParsed(
            StreamExecutionEnvironment env,
            ServingSettings settings,
            StatsSchedule stats,
            DataStream<DataRecord> records,
            DataStream<ModelDescriptor> models) {
        RecordInput<DataRecord> input = RecordInput.parsed();
        return switch (config.mode()) {
            case KEYED -> keyed(input, DataRecord::getDataType, settings, stats, records, models);
            case PARTITIONED -> partitioned(input, settings, stats, records, models);
            case SPECULATIVE -> speculative(env, settings, stats, records, models);
        };
    }

    private static <IN> Served keyed(
            RecordInput<IN> input,
            KeySelector<IN, String> dataType,
            ServingSettings settings,
            StatsSchedule stats,
            DataStream<IN> records,
            DataStream<ModelDescriptor> models) {
        SingleOutputStreamOperator<ServingResult> results = records.keyBy(dataType, Types.STRING)
                .connect(models.keyBy(ModelDescriptor::getDataType, Types.STRING))
                .transform(
                        "Keyed model serving",
                        ProtoTypeInfo.of(ServingResult.class),
                        new BatchFlushingKeyedCoProcessOperator<>(new KeyedModelServing<>(input, settings, stats)))
                .uid("keyed-model-serving")
                .name("Keyed model serving");
        return new Served(
                results,
                results.getSideOutput(ServingOutputs.MODEL_EVENTS),
                Optional.of(results.getSideOutput(DeadLetters.TAG)),
                results.getSideOutput(ServingOutputs.MODEL_STATS));
    }

    private static <IN> Served partitioned(
            RecordInput<IN> input,
            ServingSettings settings,
            StatsSchedule stats,
            DataStream<IN> records,
            DataStream<ModelDescriptor> models) {
        SingleOutputStreamOperator<ServingResult> results = records.rebalance()
                .connect(models.broadcast())
                .transform(
                        "Partitioned model serving",
                        ProtoTypeInfo.of(ServingOutput.class),
                        new BatchFlushingCoFlatMapOperator<>(new PartitionedModelServing<>(input, settings, stats)))
                .uid("partitioned-model-serving")
                .name("Partitioned model serving")
                .process(new SplitServingOutput(), ProtoTypeInfo.of(ServingResult.class))
                .uid("split-serving-output")
                .name("Split results and model events");
        return new Served(
                results,
                results.getSideOutput(ServingOutputs.MODEL_EVENTS),
                Optional.of(results.getSideOutput(DeadLetters.TAG)),
                results.getSideOutput(ServingOutputs.MODEL_STATS));
    }

    /**
     * The speculative mode: records keyed by data type go to the {@link RequestRouter} (which also reads descriptors
     * for the model list and configurations from the config topic), routed requests keyed by (data type, model) to
     * the {@link ModelExecutor}s (which read descriptors keyed the same way), starts and answers keyed by request id
     * to the {@link AnswerCollector}. Results of the collector and the router's NO_MODEL results go to the results
     * sink; executors' and the router's model events (REJECTED configurations and models over the cap) to the
     * events sink.
     */
    private Served speculative(
            StreamExecutionEnvironment env,
            ServingSettings settings,
            StatsSchedule stats,
            DataStream<DataRecord> records,
            DataStream<ModelDescriptor> models) {
        SingleOutputStreamOperator<SpeculativeConfig> configs = io.configs(env)
                .process(new SpeculativeConfigParser(config.parseLimits()))
                .uid("parse-speculative-configs")
                .name("Parse speculative configs");
        DataStream<RouterControl> control = models.map(
                        m -> RouterControl.newBuilder().setModel(m).build(), ProtoTypeInfo.of(RouterControl.class))
                .uid("router-control-models")
                .name("Models for the router")
                .union(configs.map(
                                c -> RouterControl.newBuilder().setConfig(c).build(),
                                ProtoTypeInfo.of(RouterControl.class))
                        .uid("router-control-configs")
                        .name("Configs for the router"));
        SingleOutputStreamOperator<SpeculativeRequest> routed = records.keyBy(DataRecord::getDataType, Types.STRING)
                .connect(control.keyBy(ServingJob::dataTypeOf, Types.STRING))
                .process(
                        new RequestRouter(
                                config.defaultDeadlineMs(), config.maxDeadlineMs(), config.maxModelsPerDataType()),
                        ProtoTypeInfo.of(SpeculativeRequest.class))
                .uid("speculative-router")
                .name("Speculative router");
        SingleOutputStreamOperator<CollectorInput> answers = routed.keyBy(ExecutorKey::of, Types.STRING)
                .connect(models.keyBy(ExecutorKey::of, Types.STRING))
                .process(new ModelExecutor(settings, stats), ProtoTypeInfo.of(CollectorInput.class))
                .uid("speculative-executors")
                .name("Speculative model executors");
        SingleOutputStreamOperator<ServingResult> collected = answers.union(
                        routed.getSideOutput(SpeculativeOutputs.STARTS))
                .keyBy(ServingJob::requestIdOf, Types.STRING)
                .process(new AnswerCollector(), ProtoTypeInfo.of(ServingResult.class))
                .uid("speculative-collector")
                .name("Speculative collector");

        return new Served(
                collected.union(routed.getSideOutput(SpeculativeOutputs.RESULTS)),
                answers.getSideOutput(SpeculativeOutputs.MODEL_EVENTS)
                        .union(routed.getSideOutput(SpeculativeOutputs.MODEL_EVENTS)),
                Optional.of(configs.getSideOutput(DeadLetters.TAG)),
                answers.getSideOutput(SpeculativeOutputs.MODEL_STATS));
    }

    /**
     * The sensor system after the serving stage: the contexts (machine properties, rpm monitoring config) read once
     * and broadcast, the predicted temperatures made from the serving results, and the rpm and over-temperature
     * alerts made from the readings and the predictions. Returns the contexts' dead letters.
     */
    private DataStream<DeadLetter> sensorSystem(
            StreamExecutionEnvironment env, DataStream<SensorReading> readings, DataStream<ServingResult> results) {
        SensorContexts.Contexts contexts = SensorContexts.read(io, env, config.parseLimits());
        DataStream<PredictedTemperature> predictions =
                TemperaturePredictions.of(results, contexts.updates(), config.temperatureSigmaC());
        io.predictions(predictions);
        io.alerts(SystemMonitoring.attach(readings, Optional.of(predictions), contexts.updates()));
        return contexts.deadLetters();
    }

    private static String dataTypeOf(RouterControl control) {
        return control.hasModel()
                ? control.getModel().getDataType()
                : control.getConfig().getDataType();
    }

    private static String requestIdOf(CollectorInput input) {
        return input.hasStart()
                ? input.getStart().getRequestId()
                : input.getAnswer().getRequestId();
    }

    /**
     * Speculative mode: network buffers are flushed at least this often (ms). Flink's default (100 ms) lets a record
     * wait that long at each of the mode's three exchanges at low rates, which no deadline of that order survives.
     */
    public static final long SPECULATIVE_BUFFER_TIMEOUT_MS = 2;

    /** Upper bound of the default restart strategy's back-off, in seconds. */
    public static final long RESTART_MAX_BACKOFF_SECONDS = 2;

    /**
     * The job's restart strategy when the cluster configures none: exponential delay from 1 s, doubling, capped at
     * {@value #RESTART_MAX_BACKOFF_SECONDS} s, reset after a minute without failure, with 10 % jitter, never giving
     * up; set when checkpointing is on. Flink's own default (with checkpointing) caps the back-off at 1 min: after
     * a TaskManager loss the attempts that fail while no slot is there push the next one far past the replacement's
     * registration (54 s measured); with a 2 s cap the job restarts at most ~2.2 s after slots are back
     * (docs/benchmarks.md, "Recovery after a TaskManager loss").
     */
    public static Configuration defaultRestartStrategy() {
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        restart.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofSeconds(RESTART_MAX_BACKOFF_SECONDS));
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        restart.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofMinutes(1));
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        return restart;
    }

    private void configure(StreamExecutionEnvironment env) {
        config.parallelism().ifPresent(env::setParallelism);
        // Object reuse, as a default only (a pipeline.object-reuse the submitter or the cluster sets is left as it is):
        // chained operators then pass each element on instead of copying it with its serializer. Safe here: every
        // element type is an immutable protobuf message (its serializer's copy is the element itself already), except
        // the RawRecord a Kafka source builds per record and the EncodedRecord built from it, which no operator
        // changes or keeps after it has passed them on. It saves a reflective POJO copy of every Kafka record.
        if (env.getConfiguration().getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            env.getConfig().enableObjectReuse();
        }
        if (config.mode() == ServingJobConfig.Mode.SPECULATIVE) {
            env.setBufferTimeout(SPECULATIVE_BUFFER_TIMEOUT_MS);
        }
        if (config.checkpointingEnabled()) {
            env.enableCheckpointing(config.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
            // A default only: a restart strategy the submitter or the cluster configuration gives (visible here when
            // the job is submitted with `flink run`, through the REST API or in application mode) is left as it is;
            // a job's own setting would win over the cluster's (Flink reads the job configuration first). Without
            // checkpointing Flink's default (no restart) stays: a restart would replay the input from the start.
            if (env.getConfiguration()
                    .getOptional(RestartStrategyOptions.RESTART_STRATEGY)
                    .isEmpty()) {
                env.configure(defaultRestartStrategy());
            }
            env.getCheckpointConfig()
                    .setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            config.checkpointDir().ifPresent(dir -> {
                Configuration checkpoints = new Configuration();
                checkpoints.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
                env.configure(checkpoints);
            });
        }
    }
}
