package dev.modelserving.job.hostile;

/**
 * One payload the test wrote to an input topic, and where the broker put it: the origin a dead letter of it names.
 *
 * @param topic the input topic
 * @param partition its partition
 * @param offset its offset there
 * @param payload the bytes sent
 */
record Sent(String topic, int partition, long offset, byte[] payload) {

    /** {@code topic-partition@offset}, as {@link Received#origin} writes a dead letter's source. */
    String origin() {
        return topic + "-" + partition + "@" + offset;
    }

    /** The id the record parser gives a record without one ({@code topic-partition-offset}). */
    String idlessRecordId() {
        return topic + "-" + partition + "-" + offset;
    }
}
