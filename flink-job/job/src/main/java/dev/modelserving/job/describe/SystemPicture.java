package dev.modelserving.job.describe;

import java.util.List;
import java.util.Optional;

/**
 * The system as a graph of streams, contexts and operators, derived from the job's own stream graph by
 * {@link StreamGraphReader} (never drawn by hand).
 *
 * @param title what it shows, e.g. {@code model-serving (keyed)}
 * @param nodes topics and operators, topics first in {@code JobTopic} order, then operators in the order the job
 *     adds them
 * @param edges data flowing between them, each with its message type
 * @param undeclared sources and sinks of the job that are not declared in {@code JobTopic} (drawn as operators); a
 *     test keeps this empty
 */
public record SystemPicture(String title, List<PictureNode> nodes, List<PictureEdge> edges, List<String> undeclared) {

    public SystemPicture {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        undeclared = List.copyOf(undeclared);
    }

    /** The node with this id. */
    public Optional<PictureNode> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }
}
