package dev.modelserving.flink.serving;

import dev.modelserving.model.drift.DriftMonitor;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The drift metrics of every model version this operator instance serves with training statistics, under
 * {@code modelServing.data_type.<dt>.model.<name>.version.<v>}: the counter {@code driftEvents} (DRIFT_DETECTED
 * events), and per monitored feature ({@code .feature.<name>}, "output" / "output-label" for the model's outputs)
 * the gauge {@code driftPsi} (PSI of the last completed window) and the counter {@code inputsOutOfRange} (values
 * outside the training [min, max]). A version's metrics are registered once, at its first scored record, and kept
 * while the operator runs (a rolled-back version reuses them). Operator thread only.
 */
public final class DriftMetrics {

    private final MetricGroup root;
    private final Map<String, VersionMetrics> versions = new HashMap<>();

    public DriftMetrics(MetricGroup operatorGroup) {
        this.root = operatorGroup.addGroup("modelServing");
    }

    /** Brings the metrics of the slot's current version up to date (after it scored a record). */
    public void observe(ServingSlot slot) {
        Optional<DriftMonitor> monitor = slot.driftMonitor();
        Optional<ModelDescriptor> serving = slot.currentDescriptor();
        if (monitor.isEmpty() || serving.isEmpty()) {
            return;
        }
        ModelDescriptor d = serving.get();
        versions.computeIfAbsent(
                        key(d.getDataType(), d.getName(), d.getVersion()), k -> new VersionMetrics(d, monitor.get()))
                .update(monitor.get());
    }

    /** Counts a DRIFT_DETECTED event of a version whose metrics exist. */
    public void record(ModelEvent event) {
        if (event.getType() != ModelEventType.DRIFT_DETECTED) {
            return;
        }
        VersionMetrics metrics = versions.get(key(event.getDataType(), event.getModelName(), event.getModelVersion()));
        if (metrics != null) {
            metrics.driftEvents.inc();
        }
    }

    private static String key(String dataType, String model, long version) {
        return dataType + "\u0000" + model + "\u0000" + version;
    }

    /** The metrics of one version; they read the version's current monitor (a new one after a re-activation). */
    private final class VersionMetrics {
        final Counter driftEvents;
        final List<String> features;
        final Counter[] outOfRange;
        final long[] reported;
        DriftMonitor monitor;

        VersionMetrics(ModelDescriptor d, DriftMonitor first) {
            MetricGroup version = root.addGroup("data_type", d.getDataType())
                    .addGroup("model", d.getName())
                    .addGroup("version", Long.toString(d.getVersion()));
            driftEvents = version.counter("driftEvents");
            monitor = first;
            features = first.features();
            outOfRange = new Counter[features.size()];
            reported = new long[features.size()];
            for (int i = 0; i < features.size(); i++) {
                int index = i;
                MetricGroup feature = version.addGroup("feature", features.get(i));
                feature.gauge("driftPsi", (Gauge<Double>) () -> monitor.psi(index));
                outOfRange[i] = feature.counter("inputsOutOfRange");
            }
        }

        void update(DriftMonitor now) {
            if (now != monitor) {
                monitor = now;
                java.util.Arrays.fill(reported, 0);
            }
            for (int i = 0; i < reported.length; i++) {
                long total = monitor.outOfRange(i);
                if (total > reported[i]) {
                    outOfRange[i].inc(total - reported[i]);
                    reported[i] = total;
                }
            }
        }
    }
}
