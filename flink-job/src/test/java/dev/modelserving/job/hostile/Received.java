package dev.modelserving.job.hostile;

import dev.modelserving.proto.DeadLetter;

/**
 * A message the job wrote to an output topic, parsed, with where it was written.
 *
 * @param value the message
 * @param partition its partition
 * @param offset its offset there
 * @param <T> the message type
 */
record Received<T>(T value, int partition, long offset) {

    /** The source of a dead letter as {@code topic-partition@offset} (the format of {@link Sent#origin()}). */
    static String origin(DeadLetter letter) {
        return letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset();
    }
}
