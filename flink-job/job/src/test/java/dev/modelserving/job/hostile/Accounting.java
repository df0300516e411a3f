package dev.modelserving.job.hostile;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.SpeculativeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Accounts for every input sent: each one must come out as exactly one thing the test can tie back to it, and
 * nothing may come out that no input explains.
 * <ul>
 *   <li>a record: a dead letter naming its origin (topic, partition, offset), or one result carrying its id (the id
 *       it was sent with, or {@code topic-partition-offset} when it had none);</li>
 *   <li>a descriptor: a dead letter naming its origin, or a model event about its data type and model name (a
 *       REJECTED one when it aimed at the good model's data type);</li>
 *   <li>a configuration that does not parse: a dead letter naming its origin.</li>
 * </ul>
 * The lists returned name what is missing or unexplained; empty lists mean balanced books.
 */
final class Accounting {

    private Accounting() {}

    /** What the books of one input family show. */
    record Books(List<String> unaccounted, List<String> unexplained) {
        boolean balanced() {
            return unaccounted.isEmpty() && unexplained.isEmpty();
        }

        @Override
        public String toString() {
            return unaccounted.size() + " input(s) unaccounted for " + head(unaccounted) + "; " + unexplained.size()
                    + " output(s) no input explains " + head(unexplained);
        }

        private static List<String> head(List<String> list) {
            return list.subList(0, Math.min(8, list.size()));
        }
    }

    /** The books of the records sent to {@code topic}: results + dead letters of that topic = records in. */
    static Books records(String topic, List<Sent> sent, List<ServingResult> results, List<DeadLetter> letters) {
        Map<String, Integer> letterOrigins = origins(topic, letters);
        Map<String, Integer> resultIds = new HashMap<>();
        for (ServingResult result : results) {
            resultIds.merge(result.getRecordId(), 1, Integer::sum);
        }
        List<String> unaccounted = new ArrayList<>();
        for (Sent record : sent) {
            if (take(letterOrigins, record.origin())) {
                continue;
            }
            if (!take(resultIds, expectedRecordId(record)) && !take(resultIds, record.idlessRecordId())) {
                unaccounted.add(record.origin() + " (id '" + expectedRecordId(record) + "')");
            }
        }
        List<String> unexplained = new ArrayList<>();
        resultIds.forEach((id, n) -> unexplained.add(n + " result(s) for id '" + id + "'"));
        letterOrigins.forEach((origin, n) -> unexplained.add(n + " extra dead letter(s) of " + origin));
        return new Books(unaccounted, unexplained);
    }

    /**
     * The books of the descriptors sent to {@code topic}: each has a dead letter, or events about its (data type,
     * name) at least as many as descriptors of that (data type, name) were sent; one aimed at {@code goodType} needs
     * REJECTED events.
     */
    static Books descriptors(
            String topic,
            List<Sent> sent,
            List<ModelEvent> events,
            List<DeadLetter> letters,
            Predicate<ModelDescriptor> mustBeRejected) {
        Map<String, Integer> letterOrigins = origins(topic, letters);
        Map<String, Integer> expected = new LinkedHashMap<>();
        Set<String> rejectedOnly = new HashSet<>();
        List<String> unaccounted = new ArrayList<>();
        for (Sent payload : sent) {
            if (take(letterOrigins, payload.origin())) {
                continue;
            }
            ModelDescriptor descriptor;
            try {
                descriptor = ModelDescriptor.parseFrom(payload.payload());
            } catch (InvalidProtocolBufferException e) {
                unaccounted.add(payload.origin() + " (does not parse, yet no dead letter)");
                continue;
            }
            String slot = slot(descriptor.getDataType(), descriptor.getName());
            expected.merge(slot, 1, Integer::sum);
            if (mustBeRejected.test(descriptor)) {
                rejectedOnly.add(slot);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> rejected = new HashMap<>();
        for (ModelEvent event : events) {
            String slot = slot(event.getDataType(), event.getModelName());
            seen.merge(slot, 1, Integer::sum);
            if (event.getType() == ModelEventType.REJECTED) {
                rejected.merge(slot, 1, Integer::sum);
            }
        }
        expected.forEach((slot, n) -> {
            int got = (rejectedOnly.contains(slot) ? rejected : seen).getOrDefault(slot, 0);
            if (got < n) {
                unaccounted.add(n + " descriptor(s) of " + slot + " but " + got
                        + (rejectedOnly.contains(slot) ? " REJECTED event(s)" : " event(s)"));
            }
        });
        List<String> unexplained = new ArrayList<>();
        letterOrigins.forEach((origin, n) -> unexplained.add(n + " extra dead letter(s) of " + origin));
        return new Books(unaccounted, unexplained);
    }

    /** The books of the configurations sent to {@code topic}: every payload that does not parse has a dead letter. */
    static Books configs(String topic, List<Sent> sent, List<DeadLetter> letters) {
        Map<String, Integer> letterOrigins = origins(topic, letters);
        List<String> unaccounted = new ArrayList<>();
        for (Sent payload : sent) {
            if (take(letterOrigins, payload.origin())) {
                continue;
            }
            try {
                SpeculativeConfig.parseFrom(payload.payload());
            } catch (InvalidProtocolBufferException e) {
                unaccounted.add(payload.origin() + " (does not parse, yet no dead letter)");
            }
        }
        List<String> unexplained = new ArrayList<>();
        letterOrigins.forEach((origin, n) -> unexplained.add(n + " extra dead letter(s) of " + origin));
        return new Books(unaccounted, unexplained);
    }

    /** The id the job gives a record payload, if it parses as a DataRecord with an id; else its origin id. */
    static String expectedRecordId(Sent record) {
        try {
            String id = DataRecord.parseFrom(record.payload()).getId();
            return id.isEmpty() ? record.idlessRecordId() : id;
        } catch (InvalidProtocolBufferException e) {
            return record.idlessRecordId();
        }
    }

    private static String slot(String dataType, String name) {
        return "'" + dataType + "'/'" + name + "'";
    }

    private static Map<String, Integer> origins(String topic, List<DeadLetter> letters) {
        Map<String, Integer> origins = new HashMap<>();
        for (DeadLetter letter : letters) {
            if (letter.getSourceTopic().equals(topic)) {
                origins.merge(Sent.originOf(letter), 1, Integer::sum);
            }
        }
        return origins;
    }

    private static boolean take(Map<String, Integer> counts, String key) {
        Integer n = counts.get(key);
        if (n == null) {
            return false;
        }
        if (n == 1) {
            counts.remove(key);
        } else {
            counts.put(key, n - 1);
        }
        return true;
    }
}
