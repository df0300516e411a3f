package dev.modelserving.job.describe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.job.JobTopic;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.TopicKind;
import dev.modelserving.job.trust.TestPublishers;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The picture of the real job (built with its Kafka sources and sinks, not executed) holds every operator of the
 * job's stream graph and every topic {@link JobTopic} declares for the configuration, and nothing else; a source the
 * registry does not declare is reported.
 */
class SystemPictureTest {

    static Stream<List<String>> configurations() {
        return Stream.of(
                List.of("--mode", "keyed"),
                List.of("--mode", "partitioned", "--data-format", "sensor-reading"),
                List.of("--mode", "speculative"),
                List.of("--mode", "keyed", "--stats-interval-ms", "0"),
                List.of("--mode", "partitioned", "--stats-interval-ms", "0", "--delivery", "at-least-once"),
                List.of("--mode", "keyed", "--data-format", "sensor-reading", "--sensor-system", "true"),
                List.of("--mode", "partitioned", "--data-format", "sensor-reading", "--sensor-system", "true"));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void everyOperatorAndEveryDeclaredTopicIsInThePicture(List<String> flags) {
        ServingJobConfig config = config(flags);
        StreamGraph graph = streamGraph(config, new KafkaServingIo(config));
        SystemPicture picture = DescribeCommand.picture(graph, config);

        assertThat(picture.undeclared()).isEmpty();
        assertThat(picture.title()).isEqualTo(ServingJob.jobName(config));

        // Every topic the job uses, once, with its kind; no other topic.
        List<PictureNode> topics = picture.nodes().stream()
                .filter(n -> n.kind() != NodeKind.OPERATOR)
                .toList();
        assertThat(topics)
                .extracting(PictureNode::label)
                .containsExactlyElementsOf(JobTopic.all(config).stream()
                        .map(t -> t.topicName(config))
                        .toList());
        for (JobTopic topic : JobTopic.all(config)) {
            PictureNode node = topicNode(picture, config, topic);
            assertThat(node.kind()).isEqualTo(topic.kind() == TopicKind.STREAM ? NodeKind.STREAM : NodeKind.CONTEXT);
            assertThat(node.detail()).endsWith(topic.role());
        }

        // Every operator of the stream graph: a declared topic's source or sink (writer and committer), or a node.
        Map<Integer, String> pictureIdOf = new java.util.HashMap<>();
        int operators = 0;
        for (StreamNode node : graph.getStreamNodes()) {
            Optional<JobTopic> topic = topicOfEndpoint(node);
            if (topic.isPresent()) {
                pictureIdOf.put(
                        node.getId(), topicNode(picture, config, topic.get()).id());
            } else {
                operators++;
                List<PictureNode> matches = picture.nodes().stream()
                        .filter(n -> n.kind() == NodeKind.OPERATOR
                                && n.label().equals(node.getOperatorName())
                                && n.detail().equals(node.getTransformationUID()))
                        .toList();
                assertThat(matches)
                        .as("operator %s (uid %s)", node.getOperatorName(), node.getTransformationUID())
                        .hasSize(1);
                pictureIdOf.put(node.getId(), matches.get(0).id());
            }
        }
        assertThat(picture.nodes())
                .filteredOn(n -> n.kind() == NodeKind.OPERATOR)
                .hasSize(operators);

        // Every edge between different picture nodes, in both directions of the mapping.
        List<String> expectedEdges = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            for (StreamEdge edge : node.getOutEdges()) {
                String from = pictureIdOf.get(edge.getSourceId());
                String to = pictureIdOf.get(edge.getTargetId());
                if (!from.equals(to)) {
                    expectedEdges.add(from + "->" + to);
                }
            }
        }
        assertThat(picture.edges())
                .extracting(e -> e.from() + "->" + e.to())
                .containsExactlyInAnyOrderElementsOf(
                        expectedEdges.stream().distinct().toList());
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void edgesCarryTheMessageTypesTopicsDeclare(List<String> flags) {
        ServingJobConfig config = config(flags);
        SystemPicture picture = DescribeCommand.picture(config);
        for (JobTopic topic : JobTopic.all(config)) {
            String id = topicNode(picture, config, topic).id();
            List<PictureEdge> edges = picture.edges().stream()
                    .filter(e -> e.from().equals(id) || e.to().equals(id))
                    .toList();
            assertThat(edges).as("edges of %s", topic).isNotEmpty();
            // What the job writes to a topic is, by its type information, the message the topic declares.
            assertThat(edges)
                    .extracting(PictureEdge::label)
                    .allSatisfy(label -> assertThat(label).startsWith(topic.messageName(config)));
        }
    }

    @Test
    void labelsNameMessagesAndDistribution() {
        ServingJobConfig config = config(List.of("--mode", "keyed", "--data-format", "sensor-reading"));
        SystemPicture picture = DescribeCommand.picture(config);
        assertThat(picture.edges())
                .contains(
                        new PictureEdge("topic_records", "op_parse_records", "SensorReading"),
                        // The record reader passes the record's bytes with its data type (parsed once, after the
                        // keyBy).
                        new PictureEdge("op_parse_records", "op_keyed_model_serving", "EncodedRecord by key"),
                        new PictureEdge("op_parse_models", "op_keyed_model_serving", "ModelDescriptor by key"),
                        new PictureEdge("op_keyed_model_serving", "topic_results", "ServingResult"),
                        new PictureEdge("op_keyed_model_serving", "topic_model_events", "ModelEvent"),
                        new PictureEdge("op_parse_records", "topic_dead_letters", "DeadLetter"),
                        new PictureEdge("op_keyed_model_serving", "topic_dead_letters", "DeadLetter"));
        assertThat(picture.node("topic_models").orElseThrow())
                .isEqualTo(new PictureNode("topic_models", "models", "context: model artifacts", NodeKind.CONTEXT));
        assertThat(picture.node("op_keyed_model_serving").orElseThrow())
                .isEqualTo(new PictureNode(
                        "op_keyed_model_serving", "Keyed model serving", "keyed-model-serving", NodeKind.OPERATOR));

        ServingJobConfig partitioned = config(List.of("--mode", "partitioned"));
        assertThat(DescribeCommand.picture(partitioned).edges())
                .contains(
                        new PictureEdge("op_parse_records", "op_partitioned_model_serving", "EncodedRecord rebalanced"),
                        new PictureEdge("op_parse_models", "op_partitioned_model_serving", "ModelDescriptor broadcast"),
                        new PictureEdge("op_partitioned_model_serving", "op_split_serving_output", "ServingOutput"));
    }

    @Test
    void signatureCheckIsAnOperatorOfThePicture(@TempDir Path dir) throws Exception {
        Path policy = new TestPublishers("sensor", "model*").writePolicy(dir);
        ServingJobConfig config = config(List.of("--trust-policy", policy.toString()));
        SystemPicture picture = DescribeCommand.picture(config);
        assertThat(picture.edges())
                .contains(
                        new PictureEdge("op_parse_models", "op_verify_models", "ModelDescriptor"),
                        new PictureEdge("op_verify_models", "topic_model_events", "ModelEvent"));
    }

    @Test
    void aSourceTheRegistryDoesNotDeclareIsReported() {
        ServingJobConfig config = config(List.of("--mode", "keyed"));
        KafkaServingIo kafka = new KafkaServingIo(config);
        ServingIo withExtraSource = new ServingIo() {
            @Override
            public DataStream<RawRecord> records(StreamExecutionEnvironment env) {
                DataStream<RawRecord> extra = env.fromData(new RawRecord(new byte[0], null, "side-channel", 0, 0, 0))
                        .uid("source-side-channel")
                        .name("Side channel");
                return kafka.records(env).union(extra);
            }

            @Override
            public DataStream<RawRecord> models(StreamExecutionEnvironment env) {
                return kafka.models(env);
            }

            @Override
            public void results(DataStream<ServingResult> results) {
                kafka.results(results);
            }

            @Override
            public void deadLetters(DataStream<DeadLetter> deadLetters) {
                kafka.deadLetters(deadLetters);
            }

            @Override
            public void events(DataStream<ModelEvent> events) {
                kafka.events(events);
            }

            @Override
            public void stats(DataStream<ModelStats> stats) {
                kafka.stats(stats);
            }
        };
        SystemPicture picture = DescribeCommand.picture(streamGraph(config, withExtraSource), config);
        assertThat(picture.undeclared())
                .hasSize(1)
                .first()
                .asString()
                .contains("source '", "Side channel", "uid source-side-channel");
        assertThat(MermaidWriter.write(picture)).contains("%% not declared in JobTopic: source");
    }

    @Test
    void mermaidAndDotDrawThreeKindsInThreeColours() {
        ServingJobConfig config = config(List.of("--mode", "speculative"));
        SystemPicture picture = DescribeCommand.picture(config);
        String mermaid = PictureFormat.MERMAID.render(picture);
        String dot = PictureFormat.DOT.render(picture);
        assertThat(mermaid)
                .startsWith("---\ntitle: model-serving (speculative)\n---\nflowchart LR\n")
                .contains(
                        "classDef stream fill:#c8e6c9",
                        "classDef context fill:#e1bee7",
                        "classDef operator fill:#fff59d")
                .contains("  topic_records[(\"records<br/><small>stream: records</small>\")]:::stream\n")
                .contains("  topic_speculative_configs[(\"speculative-config<br/><small>context: model configuration"
                        + "</small>\")]:::context\n")
                .contains("  op_speculative_router[\"Speculative router<br/><small>speculative-router</small>\"]"
                        + ":::operator\n")
                .contains("  op_speculative_router -->|\"SpeculativeRequest by key\"| op_speculative_executors\n");
        assertThat(dot)
                .startsWith("digraph \"model-serving (speculative)\" {\n")
                .contains("  \"topic_records\" [label=\"records\\nstream: records\", shape=cylinder,"
                        + " fillcolor=\"#c8e6c9\"")
                .contains("  \"topic_models\" [label=\"models\\ncontext: model artifacts\", shape=cylinder,"
                        + " fillcolor=\"#e1bee7\"")
                .contains("  \"op_speculative_collector\" [label=\"Speculative collector\\nspeculative-collector\","
                        + " shape=box, fillcolor=\"#fff59d\"")
                .contains("  \"op_speculative_router\" -> \"op_speculative_executors\""
                        + " [label=\"SpeculativeRequest by key\"];\n")
                .endsWith("}\n");
        for (PictureNode node : picture.nodes()) {
            assertThat(mermaid).contains("  " + node.id() + "[");
            assertThat(dot).contains("  \"" + node.id() + "\" [label=");
        }
        assertThat(mermaid.lines().filter(l -> l.contains("-->|")))
                .hasSize(picture.edges().size());
        assertThat(dot.lines().filter(l -> l.contains(" -> ")))
                .hasSize(picture.edges().size());
    }

    @Test
    void theFlagPrintsThePictureWithoutBrokers() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DescribeCommand.run(
                new String[] {"--describe", "dot", "--mode", "partitioned", "--results-topic", "answers"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("digraph \"model-serving (partitioned)\"")
                .contains("\"topic_results\" [label=\"answers\\nstream: results\"");

        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        int badCode = DescribeCommand.run(
                new String[] {"--describe", "svg"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(bad, true, StandardCharsets.UTF_8));
        assertThat(badCode).isEqualTo(2);
        assertThat(bad.toString(StandardCharsets.UTF_8)).startsWith("--describe 'svg' is not mermaid|dot");
        assertThat(DescribeCommand.requested("--mode", "keyed")).isFalse();
        assertThat(DescribeCommand.requested("--mode", "keyed", "--describe", "dot"))
                .isTrue();
    }

    private static PictureNode topicNode(SystemPicture picture, ServingJobConfig config, JobTopic topic) {
        return picture.nodes().stream()
                .filter(n -> n.kind() != NodeKind.OPERATOR && n.label().equals(topic.topicName(config)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node for " + topic + " in the picture"));
    }

    /** The declared topic of a source, sink writer or sink committer (uid "Sink Committer: <sink uid>"). */
    private static Optional<JobTopic> topicOfEndpoint(StreamNode node) {
        String uid = node.getTransformationUID();
        if (uid == null) {
            return Optional.empty();
        }
        return JobTopic.byUid(uid.startsWith("Sink Committer: ") ? uid.substring("Sink Committer: ".length()) : uid);
    }

    private static StreamGraph streamGraph(ServingJobConfig config, ServingIo io) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new ServingJob(config, io).build(env);
        return env.getStreamGraph(false);
    }

    private static ServingJobConfig config(List<String> flags) {
        List<String> args = new ArrayList<>(flags);
        args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9092"));
        return ServingJobConfig.fromArgs(args.toArray(String[]::new));
    }
}
