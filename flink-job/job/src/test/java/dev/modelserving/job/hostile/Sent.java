package dev.modelserving.job.hostile;

import dev.modelserving.proto.DeadLetter;

/**
 * One payload the test wrote to an input topic, and where the broker put it: the origin a dead letter of it names.
 *
 * @param topic the input topic
 * @param partition its partition
 * @param offset its offset there
 * @param payload the bytes sent
 */
record Sent(String topic, int partition, long offset, byte[] payload) {

    /** {@code topic-partition@offset}, as {@link #originOf} writes a dead letter's source. */
    String origin() {
        return topic + "-" + partition + "@" + offset;
    }

    /** The source of a dead letter as {@code topic-partition@offset} (the format of {@link #origin()}). */
    static String originOf(DeadLetter letter) {
        return letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset();
    }

    /** The id the record parser gives a record without one ({@code topic-partition-offset}). */
    String idlessRecordId() {
        return topic + "-" + partition + "-" + offset;
    }
}
