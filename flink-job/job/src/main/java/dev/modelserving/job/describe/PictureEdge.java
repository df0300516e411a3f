package dev.modelserving.job.describe;

/**
 * One edge of the system's picture: data of one message type flowing from one node to another.
 *
 * @param from id of the node it leaves
 * @param to id of the node it enters
 * @param label the message type, with how it is distributed when not forwarded as is (e.g. {@code DataRecord by key})
 */
public record PictureEdge(String from, String to, String label) {}
