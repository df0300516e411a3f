package dev.modelserving.deploy.bench;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.SampleModel;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Serving throughput, end to end against the raw evaluator in the same run: for each sample model type (PMML
 * regression, ONNX logistic regression, TensorFlow frozen-graph MLP) it measures
 * <ol>
 *   <li>raw: {@code Model.score} in a loop on one thread (the library through our factory, nothing else);</li>
 *   <li>job: the serving job on a local MiniCluster reading DataRecords from an in-process Kafka broker and writing
 *       results back: records are produced after the model is active, and the time runs from the first record
 *       sent to the last result read.</li>
 * </ol>
 * Run: {@code java -cp "deploy/target/deploy.jar:deploy/target/lib/*" dev.modelserving.deploy.bench.ServingThroughputBench}
 */
@Command(
        name = "serving-throughput-bench",
        mixinStandardHelpOptions = true,
        description = "Serving throughput of the job vs the raw evaluator, per model type.")
public final class ServingThroughputBench implements Callable<Integer> {

    @Option(
            names = "--records",
            defaultValue = "100000",
            description = "Records per measured run (default ${DEFAULT-VALUE}).")
    private int records;

    @Option(
            names = "--raw-seconds",
            defaultValue = "3",
            description = "Seconds of raw scoring per model (default ${DEFAULT-VALUE}).")
    private int rawSeconds;

    @Option(names = "--mode", defaultValue = "keyed", description = "Serving mode (default ${DEFAULT-VALUE}).")
    private String mode;

    @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    private int parallelism;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServingThroughputBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<ModelDescriptor> models = SampleModels.build().stream()
                .map(SampleModel::descriptor)
                .filter(d -> d.getVersion() == 1
                        && List.of(
                                        SampleModels.TEMPERATURE_FORECAST,
                                        SampleModels.OVERHEAT_LOGISTIC,
                                        SampleModels.TEMPERATURE_MLP_GRAPH)
                                .contains(d.getName()))
                .toList();
        List<DataRecord> data = new SensorGenerator(GeneratorSettings.of(SampleModels.SEED, 10))
                .take(10_000).stream().map(SensorRecords::toRecord).toList();
        // One unmeasured job run first: the first job in a JVM pays for class loading and JIT warm-up.
        jobThroughput(models.get(0), data);
        System.out.printf(
                Locale.ROOT, "%-24s %-18s %14s %14s %8s%n", "model", "type", "raw rec/s", "job rec/s", "job/raw");
        for (ModelDescriptor model : models) {
            double raw = rawThroughput(model, data);
            double job = jobThroughput(model, data);
            System.out.printf(
                    Locale.ROOT,
                    "%-24s %-18s %,14.0f %,14.0f %7.1f%%%n",
                    model.getName(),
                    model.getModelType(),
                    raw,
                    job,
                    100 * job / raw);
        }
        System.out.printf(
                Locale.ROOT,
                "(%d records per job run, mode %s, parallelism %d, %d cores)%n",
                records,
                mode,
                parallelism,
                Runtime.getRuntime().availableProcessors());
        return 0;
    }

    private double rawThroughput(ModelDescriptor descriptor, List<DataRecord> data) throws Exception {
        try (Model model =
                ModelLoader.withDiscoveredFactories(LoadPolicy.defaults()).load(descriptor)) {
            for (int i = 0; i < 20_000; i++) {
                model.score(data.get(i % data.size()));
            }
            long end = System.nanoTime() + Duration.ofSeconds(rawSeconds).toNanos();
            long start = System.nanoTime();
            long n = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1000; i++) {
                    model.score(data.get((int) (n++ % data.size())));
                }
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double jobThroughput(ModelDescriptor model, List<DataRecord> data) throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start();
                ProtoPublisher publisher = new ProtoPublisher(broker.bootstrapServers(), "bench")) {
            ServingJobConfig config = ServingJobConfig.fromArgs(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--mode",
                    mode,
                    "--parallelism",
                    Integer.toString(parallelism),
                    "--checkpoint-interval-ms",
                    "0",
                    "--group-id",
                    "bench-" + UUID.randomUUID());
            broker.createTopics(
                    parallelism,
                    config.dataTopic(),
                    config.modelTopic(),
                    config.resultsTopic(),
                    config.deadLetterTopic(),
                    config.eventsTopic(),
                    config.statsTopic());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(localConfiguration());
            new ServingJob(config, new KafkaServingIo(config)).build(env);
            JobClient job = env.executeAsync("bench " + model.getName());
            try (KafkaConsumer<String, byte[]> results = consumer(broker.bootstrapServers(), config.resultsTopic())) {
                publisher.sendAndWait(config.modelTopic(), model.getDataType(), model);
                // Probe until the model serves (records before that are NO_MODEL and not measured).
                long probe = 0;
                boolean serving = false;
                while (!serving) {
                    publisher.sendAndWait(
                            config.dataTopic(),
                            "probe",
                            data.get(0).toBuilder().setId("probe-" + probe++).build());
                    for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(200))) {
                        serving |= ServingResult.parseFrom(r.value()).getStatus() == ServingStatus.SCORED;
                    }
                }
                drain(results);
                long start = System.nanoTime();
                for (int i = 0; i < records; i++) {
                    DataRecord record = data.get(i % data.size());
                    publisher.send(
                            config.dataTopic(),
                            record.getKey(),
                            record.toBuilder().setId("b-" + i).build());
                }
                publisher.flush();
                long seen = 0;
                while (seen < records) {
                    for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(500))) {
                        if (ServingResult.parseFrom(r.value()).getRecordId().startsWith("b-")) {
                            seen++;
                        }
                    }
                }
                return records / ((System.nanoTime() - start) / 1e9);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void drain(KafkaConsumer<String, byte[]> consumer) {
        while (!consumer.poll(Duration.ofMillis(500)).isEmpty()) {
            // skip probe results
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static Configuration localConfiguration() {
        Configuration conf = LoopbackFlink.configuration();
        return conf;
    }
}
