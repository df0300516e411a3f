package dev.modelserving.job.describe;

/**
 * One node of the system's picture.
 *
 * @param id identifier in the picture, stable across builds (from the operator's uid or the topic's role)
 * @param label the first line: the operator's name or the topic's name
 * @param detail the second line: the operator's uid, or the topic's kind and role
 * @param kind stream, context or operator
 */
public record PictureNode(String id, String label, String detail, NodeKind kind) {}
