package dev.modelserving.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.RepositoryRoot;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.ModelCache;
import dev.modelserving.model.serving.ModelLoads;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric {@link ServingMetrics} registers (per subtask, per data type, per model version) is a row of the
 * README's "Metrics reference" table with the same labels, so the documented names and labels cannot drift from the
 * code.
 */
class MetricsReferenceTest {

    private static final Path README = RepositoryRoot.resolve("README.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** A documented metric: name and the label keys of its key/value groups. */
    private record Documented(String name, Set<String> labels) {}

    @Test
    void everyRegisteredServingMetricIsInTheReadmeTableWithItsLabels() throws IOException {
        RecordingMetrics recording = new RecordingMetrics();
        try (ModelLoads loads = ModelLoads.threads("metrics-reference", 1, 1000)) {
            ServingMetrics metrics = new ServingMetrics(
                    recording.root(),
                    () -> 0,
                    () -> 0,
                    new ModelCache(2),
                    loads,
                    new UnpackedBytesBudget(1000),
                    4,
                    () -> 10_000L);
            metrics.record(ModelEvent.newBuilder()
                    .setType(ModelEventType.ACTIVATED)
                    .setDataType("wine")
                    .setModelName("forest")
                    .setModelVersion(1)
                    .setLoadMillis(5)
                    .build());
            metrics.record(ServingResult.newBuilder()
                    .setStatus(ServingStatus.SCORED)
                    .setDataType("wine")
                    .setModelName("forest")
                    .setModelVersion(1)
                    .setLatencyNanos(10)
                    .setEventTimeMillis(9_000)
                    .build());
            metrics.record(ServingResult.newBuilder()
                    .setStatus(ServingStatus.NO_MODEL)
                    .setDataType("sensor")
                    .build());
        }
        Set<Documented> documented = readTable();
        Set<String> flinkVariables = Set.of("operator");
        List<Documented> registered = new java.util.ArrayList<>();
        for (RecordingMetrics.Registered metric : recording.everRegistered()) {
            Set<String> labels = new TreeSet<>(metric.labels().keySet());
            labels.removeAll(flinkVariables);
            registered.add(new Documented(metric.name(), labels));
        }
        assertThat(registered)
                .as("registered metrics")
                .hasSizeGreaterThan(20)
                .anySatisfy(m -> assertThat(m.labels()).containsExactly("data_type", "model", "version"))
                .anySatisfy(m -> assertThat(m.labels()).containsExactly("data_type"));
        assertThat(documented).as("README metrics reference").containsAll(registered);
    }

    private static Set<Documented> readTable() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf("## Metrics reference");
        assertThat(start).as("README section 'Metrics reference'").isNotNegative();
        Set<Documented> rows = new HashSet<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            // cells: "", name, type, unit, labels, meaning
            Set<String> labels = new TreeSet<>();
            Matcher label = CODE.matcher(cells[4]);
            while (label.find()) {
                labels.add(label.group(1));
            }
            Matcher name = CODE.matcher(cells[1]);
            assertThat(name.find()).as("metric name in row %s", line).isTrue();
            rows.add(new Documented(name.group(1), labels));
        }
        return rows;
    }
}
