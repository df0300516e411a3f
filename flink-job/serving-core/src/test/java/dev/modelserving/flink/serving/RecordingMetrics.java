package dev.modelserving.flink.serving;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.GenericMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;

/**
 * Flink's real metric groups over a registry that records what is registered and unregistered, with the group
 * variables (what a reporter turns into labels) of each metric.
 */
final class RecordingMetrics {

    /** One registered metric: its name and its group's variables without the angle brackets. */
    record Registered(String name, Map<String, String> labels, Metric metric) {}

    private final Map<String, Registered> live = new LinkedHashMap<>();
    private final Map<String, Registered> everRegistered = new LinkedHashMap<>();
    private final MetricGroup root;

    RecordingMetrics() {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    Registered registered = new Registered(name, labels(group), metric);
                    live.put(id(registered), registered);
                    everRegistered.put(id(registered), registered);
                })
                .setUnregisterConsumer(
                        (metric, name, group) -> live.remove(id(new Registered(name, labels(group), metric))))
                .build();
        root = new GenericMetricGroup(registry, null, "operator");
    }

    MetricGroup root() {
        return root;
    }

    /** The metric registered now with this name and exactly these labels, or null. */
    Metric live(String name, Map<String, String> labels) {
        Registered registered = live.get(id(new Registered(name, labels, null)));
        return registered == null ? null : registered.metric();
    }

    Map<String, Registered> live() {
        return live;
    }

    /** Everything registered since the start, closed groups included. */
    Iterable<Registered> everRegistered() {
        return everRegistered.values();
    }

    private static Map<String, String> labels(AbstractMetricGroup<?> group) {
        Map<String, String> labels = new TreeMap<>();
        group.getAllVariables().forEach((key, value) -> labels.put(key.substring(1, key.length() - 1), value));
        return labels;
    }

    private static String id(Registered registered) {
        return new TreeMap<>(registered.labels()) + "/" + registered.name();
    }
}
