package dev.modelserving.job.describe;

import com.google.protobuf.Message;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.JobTopic;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.TopicKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.BroadcastPartitioner;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.apache.flink.streaming.runtime.partitioner.RebalancePartitioner;
import org.apache.flink.streaming.runtime.partitioner.StreamPartitioner;

/**
 * Derives the {@link SystemPicture} from the job's own {@link StreamGraph} (before chaining, so every operator is
 * there): each operator becomes a node (name and uid); a source or sink whose uid a {@link JobTopic} declares
 * becomes that topic (its name from the configuration, stream or context), together with the operators Flink adds
 * behind a sink writer (committers); each edge is labelled with the protobuf message it carries (the side output's
 * type for side outputs, else the producing operator's output type) and how it is distributed (by key, broadcast,
 * rebalanced). An edge leaving a topic carries the topic's declared message. A source or sink no {@code JobTopic}
 * declares stays an operator and is listed in {@link SystemPicture#undeclared()}.
 */
public final class StreamGraphReader {

    private StreamGraphReader() {}

    /** The picture of {@code graph}, a job built from {@code config}. */
    public static SystemPicture read(StreamGraph graph, ServingJobConfig config, String title) {
        List<StreamNode> nodes = new ArrayList<>(graph.getStreamNodes());
        nodes.sort(Comparator.comparingInt(StreamNode::getId));
        Set<Integer> sources = new HashSet<>(graph.getSourceIDs());

        Map<Integer, JobTopic> topicOf = new HashMap<>();
        for (StreamNode node : nodes) {
            declaredTopic(node).ifPresent(topic -> {
                boolean isSource = sources.contains(node.getId());
                if (isSource == (topic.direction() == JobTopic.Direction.IN)) {
                    topicOf.put(node.getId(), topic);
                }
            });
        }
        // Operators Flink adds behind a sink writer (committer, global committer) belong to that sink's topic.
        boolean grew = true;
        while (grew) {
            grew = false;
            for (StreamNode node : nodes) {
                if (topicOf.containsKey(node.getId()) || node.getInEdges().isEmpty()) {
                    continue;
                }
                Optional<JobTopic> upstream = onlyUpstreamSinkTopic(node, topicOf);
                if (upstream.isPresent()) {
                    topicOf.put(node.getId(), upstream.get());
                    grew = true;
                }
            }
        }

        Map<Integer, String> pictureId = new HashMap<>();
        Set<String> usedIds = new HashSet<>();
        List<PictureNode> topicNodes = new ArrayList<>();
        List<PictureNode> operatorNodes = new ArrayList<>();
        List<String> undeclared = new ArrayList<>();
        for (JobTopic topic : JobTopic.values()) {
            if (topicOf.containsValue(topic)) {
                String id = "topic_" + topic.name().toLowerCase(Locale.ROOT);
                usedIds.add(id);
                topicNodes.add(new PictureNode(
                        id,
                        topic.topicName(config),
                        kindName(topic.kind()) + ": " + topic.role(),
                        topic.kind() == TopicKind.STREAM ? NodeKind.STREAM : NodeKind.CONTEXT));
                topicOf.forEach((nodeId, t) -> {
                    if (t == topic) {
                        pictureId.put(nodeId, id);
                    }
                });
            }
        }
        for (StreamNode node : nodes) {
            if (topicOf.containsKey(node.getId())) {
                continue;
            }
            String uid = node.getTransformationUID();
            String id = uniqueId("op_" + sanitize(uid != null ? uid : node.getOperatorName()), usedIds);
            pictureId.put(node.getId(), id);
            operatorNodes.add(
                    new PictureNode(id, node.getOperatorName(), uid != null ? uid : "(no uid)", NodeKind.OPERATOR));
            if (sources.contains(node.getId()) || node.getOutEdges().isEmpty()) {
                undeclared.add((sources.contains(node.getId()) ? "source '" : "sink '") + node.getOperatorName()
                        + "' (uid " + uid + ")");
            }
        }

        Set<PictureEdge> edges = new LinkedHashSet<>();
        for (StreamNode node : nodes) {
            for (StreamEdge edge : node.getOutEdges()) {
                String from = pictureId.get(edge.getSourceId());
                String to = pictureId.get(edge.getTargetId());
                if (from.equals(to)) {
                    continue; // inside a sink: writer to committer
                }
                JobTopic sourceTopic = topicOf.get(edge.getSourceId());
                String message = sourceTopic != null
                        ? sourceTopic.messageName(config)
                        : messageName(edge, graph.getStreamNode(edge.getSourceId()));
                edges.add(new PictureEdge(from, to, message + distribution(edge.getPartitioner())));
            }
        }
        List<PictureNode> all = new ArrayList<>(topicNodes);
        all.addAll(operatorNodes);
        return new SystemPicture(title, all, new ArrayList<>(edges), undeclared);
    }

    /** The topic a source or sink operator is declared for, by its uid. */
    static Optional<JobTopic> declaredTopic(StreamNode node) {
        String uid = node.getTransformationUID();
        return uid == null ? Optional.empty() : JobTopic.byUid(uid);
    }

    private static Optional<JobTopic> onlyUpstreamSinkTopic(StreamNode node, Map<Integer, JobTopic> topicOf) {
        JobTopic found = null;
        for (StreamEdge in : node.getInEdges()) {
            JobTopic topic = topicOf.get(in.getSourceId());
            if (topic == null || topic.direction() != JobTopic.Direction.OUT || (found != null && found != topic)) {
                return Optional.empty();
            }
            found = topic;
        }
        return Optional.ofNullable(found);
    }

    /** The message type on an edge: the side output's type, else what its source operator emits. */
    static String messageName(StreamEdge edge, StreamNode source) {
        if (edge.getOutputTag() != null) {
            return typeName(edge.getOutputTag().getTypeInfo());
        }
        return serializerTypeName(source.getTypeSerializerOut());
    }

    private static String typeName(TypeInformation<?> type) {
        if (type instanceof ProtoTypeInfo<?> proto) {
            return messageName(proto.getTypeClass());
        }
        return type.getTypeClass().getSimpleName();
    }

    private static String serializerTypeName(TypeSerializer<?> serializer) {
        if (serializer == null) {
            return "?";
        }
        if (serializer instanceof ProtoSerializer<?> proto) {
            return messageName(proto.messageClass());
        }
        Object instance = serializer.createInstance();
        return instance == null
                ? serializer.getClass().getSimpleName()
                : instance.getClass().getSimpleName();
    }

    /** The protobuf name of a generated message class (as in the .proto file). */
    private static String messageName(Class<? extends Message> messageClass) {
        return messageClass.getSimpleName();
    }

    private static String distribution(StreamPartitioner<?> partitioner) {
        if (partitioner instanceof KeyGroupStreamPartitioner<?, ?>) {
            return " by key";
        }
        if (partitioner instanceof BroadcastPartitioner<?>) {
            return " broadcast";
        }
        if (partitioner instanceof RebalancePartitioner<?>) {
            return " rebalanced";
        }
        return "";
    }

    private static String kindName(TopicKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String sanitize(String text) {
        String cleaned = text.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
        return cleaned.isEmpty() ? "operator" : cleaned.toLowerCase(Locale.ROOT);
    }

    private static String uniqueId(String base, Set<String> used) {
        String id = base;
        for (int n = 2; !used.add(id); n++) {
            id = base + "_" + n;
        }
        return id;
    }
}
