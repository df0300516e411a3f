package dev.modelserving.job;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.parse.DeadLetters;
import dev.modelserving.job.parse.DescriptorParser;
import dev.modelserving.job.parse.RecordParser;
import dev.modelserving.job.serve.KeyedModelServing;
import dev.modelserving.job.serve.PartitionedModelServing;
import dev.modelserving.job.serve.ServingOutputs;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.job.serve.SplitServingOutput;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The model-serving job: parses records and model descriptors (unusable input becomes dead letters), serves
 * records with the current model of their data type in keyed or partitioned mode, and writes results, dead letters
 * and model events. Sources and sinks come from a {@link ServingIo}, so tests can replace Kafka.
 *
 * <p>Run it with {@code flink run model-serving-job.jar --bootstrap-servers ...}; flags: {@link ServingJobConfig#USAGE}.
 */
public final class ServingJob {

    private final ServingJobConfig config;
    private final ServingIo io;

    public ServingJob(ServingJobConfig config, ServingIo io) {
        this.config = config;
        this.io = io;
    }

    public static void main(String[] args) throws Exception {
        ServingJobConfig config;
        try {
            config = ServingJobConfig.fromArgs(args);
            config.requireBootstrapServers();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        env.execute(jobName(config));
    }

    public static String jobName(ServingJobConfig config) {
        return "model-serving (" + config.mode().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Adds the job's operators to the environment (and configures parallelism and checkpointing). */
    public void build(StreamExecutionEnvironment env) {
        configure(env);
        ServingSettings settings = ServingSettings.of(config.loadPolicy(), SlotSettings.DEFAULT_MAX_HISTORY, 1);

        SingleOutputStreamOperator<DataRecord> records = io.records(env)
                .process(new RecordParser(config.dataFormat()))
                .uid("parse-records").name("Parse records (" + config.dataFormat().flagValue() + ")");
        SingleOutputStreamOperator<ModelDescriptor> models = io.models(env)
                .process(new DescriptorParser())
                .uid("parse-models").name("Parse model descriptors");
        DataStream<DeadLetter> deadLetters =
                records.getSideOutput(DeadLetters.TAG).union(models.getSideOutput(DeadLetters.TAG));

        SingleOutputStreamOperator<ServingResult> results = switch (config.mode()) {
            case KEYED -> records.keyBy(DataRecord::getDataType, Types.STRING)
                    .connect(models.keyBy(ModelDescriptor::getDataType, Types.STRING))
                    .process(new KeyedModelServing(settings), ProtoTypeInfo.of(ServingResult.class))
                    .uid("keyed-model-serving").name("Keyed model serving");
            case PARTITIONED -> records.rebalance()
                    .connect(models.broadcast())
                    .flatMap(new PartitionedModelServing(settings), ProtoTypeInfo.of(ServingOutput.class))
                    .uid("partitioned-model-serving").name("Partitioned model serving")
                    .process(new SplitServingOutput(), ProtoTypeInfo.of(ServingResult.class))
                    .uid("split-serving-output").name("Split results and model events");
        };
        DataStream<ModelEvent> events = results.getSideOutput(ServingOutputs.MODEL_EVENTS);

        io.results(results);
        io.deadLetters(deadLetters);
        io.events(events);
    }

    private void configure(StreamExecutionEnvironment env) {
        config.parallelism().ifPresent(env::setParallelism);
        if (config.checkpointingEnabled()) {
            env.enableCheckpointing(config.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
            env.getCheckpointConfig().setExternalizedCheckpointRetention(
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            config.checkpointDir().ifPresent(dir -> {
                Configuration checkpoints = new Configuration();
                checkpoints.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
                env.configure(checkpoints);
            });
        }
    }
}
