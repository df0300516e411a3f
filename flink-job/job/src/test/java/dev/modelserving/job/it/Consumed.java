package dev.modelserving.job.it;

/**
 * A message read back from a topic, with where it was: order is only defined per partition, by offset.
 *
 * @param value the parsed message
 * @param partition its partition
 * @param offset its offset in that partition
 * @param <T> the message type
 */
public record Consumed<T>(T value, int partition, long offset) {}
