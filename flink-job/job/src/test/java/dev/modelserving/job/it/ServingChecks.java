package dev.modelserving.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Conditions to wait for and assertions on what the serving job wrote to its topics. */
final class ServingChecks {

    private ServingChecks() {}

    /** Holds once {@code emitters} distinct operator instances emitted an event of this type about this version. */
    static Predicate<List<Consumed<ModelEvent>>> eventFromEach(ModelEventType type, long version, int emitters) {
        return events -> events.stream()
                        .map(Consumed::value)
                        .filter(e -> e.getType() == type && e.getModelVersion() == version)
                        .map(ModelEvent::getEmittedBy)
                        .distinct()
                        .count()
                >= emitters;
    }

    /** Holds once a result was read for every one of {@code ids}. */
    static Predicate<List<Consumed<ServingResult>>> resultsFor(Collection<String> ids) {
        Set<String> wanted = Set.copyOf(ids);
        return results -> {
            Set<String> seen = new HashSet<>();
            for (Consumed<ServingResult> result : results) {
                seen.add(result.value().getRecordId());
            }
            return seen.containsAll(wanted);
        };
    }

    /** The events of one type, in the order read. */
    static List<ModelEvent> events(List<Consumed<ModelEvent>> events, ModelEventType type) {
        return events.stream()
                .map(Consumed::value)
                .filter(e -> e.getType() == type)
                .toList();
    }

    /**
     * Asserts that the results are exactly one per id of {@code ids} (none missing, none duplicated, none for an id
     * never sent) and returns them by id.
     */
    static Map<String, ServingResult> exactlyOnePerId(List<Consumed<ServingResult>> results, Set<String> ids) {
        Map<String, List<ServingResult>> byId = results.stream()
                .map(Consumed::value)
                .collect(Collectors.groupingBy(ServingResult::getRecordId, LinkedHashMap::new, Collectors.toList()));
        assertThat(byId.keySet()).as("record ids of the results").containsExactlyInAnyOrderElementsOf(ids);
        Map<String, List<ServingResult>> duplicated = new TreeMap<>();
        byId.forEach((id, list) -> {
            if (list.size() > 1) {
                duplicated.put(id, list);
            }
        });
        assertThat(duplicated).as("record ids with more than one result").isEmpty();
        Map<String, ServingResult> one = new LinkedHashMap<>();
        byId.forEach((id, list) -> one.put(id, list.get(0)));
        return one;
    }

    /**
     * Asserts that {@code result} is {@code record} scored by version {@code version} of {@link RegressionModels}:
     * lineage (id, key, data type, name, version, sha256 of that version's artifact, a latency) and the output the
     * plain-Java computation of that version gives.
     */
    static void assertScoredBy(ServingResult result, long version, DataRecord record) {
        assertThat(result.getStatus())
                .as("status of %s (error: %s)", result.getRecordId(), result.getError())
                .isEqualTo(ServingStatus.SCORED);
        assertThat(result.getRecordId()).isEqualTo(record.getId());
        assertThat(result.getKey()).isEqualTo(record.getKey());
        assertThat(result.getDataType()).isEqualTo(record.getDataType());
        assertThat(result.getModelName()).isEqualTo(RegressionModels.NAME);
        assertThat(result.getModelVersion())
                .as("model version of %s", result.getRecordId())
                .isEqualTo(version);
        assertThat(result.getModelSha256())
                .as("model sha256 of %s", result.getRecordId())
                .isEqualTo(RegressionModels.sha256(version));
        assertThat(result.getLatencyNanos())
                .as("scoring latency of %s", result.getRecordId())
                .isPositive();
        double expected = RegressionModels.expected(version, record);
        assertThat(result.getOutputsList())
                .as("outputs of %s", result.getRecordId())
                .hasSize(1);
        assertThat(result.getOutputs(0))
                .as("output of %s by version %d", result.getRecordId(), version)
                .isCloseTo(expected, within(RegressionModels.tolerance(expected)));
    }

    /**
     * Asserts that, in every partition of the results topic, read in offset order, the model version never goes
     * back (a record with no model counts as version 0): one serving instance switched once, at one point.
     */
    static void assertVersionsNeverGoBackPerPartition(List<Consumed<ServingResult>> results) {
        Map<Integer, List<Consumed<ServingResult>>> byPartition =
                results.stream().collect(Collectors.groupingBy(Consumed::partition, TreeMap::new, Collectors.toList()));
        byPartition.forEach((partition, list) -> {
            List<Consumed<ServingResult>> ordered = new ArrayList<>(list);
            ordered.sort(Comparator.comparingLong(Consumed::offset));
            long highest = 0;
            for (Consumed<ServingResult> result : ordered) {
                long version = result.value().getModelVersion();
                assertThat(version)
                        .as(
                                "version of %s at offset %d of results partition %d, after version %d",
                                result.value().getRecordId(), result.offset(), partition, highest)
                        .isGreaterThanOrEqualTo(highest);
                highest = version;
            }
        });
    }

    /** The ids of several groups of records, in order. */
    @SafeVarargs
    static List<String> concat(List<String>... groups) {
        return Arrays.stream(groups).flatMap(List::stream).toList();
    }
}
