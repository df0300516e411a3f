package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliEvents.event;
import static dev.modelserving.proto.ModelEventType.ACTIVATED;
import static dev.modelserving.proto.ModelEventType.REMOVED;
import static dev.modelserving.proto.ModelEventType.ROLLED_BACK;
import static dev.modelserving.proto.ModelEventType.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelEventLogTest {

    private final ModelEventLog log = new ModelEventLog(Duration.ofMinutes(1));

    @Test
    void reportsOfOneChangeByDifferentSubtasksAreOneChange() {
        log.add(event(ACTIVATED, "sensor", "t", 1, 0, "loaded", 0, "serve#0"));
        log.add(event(ACTIVATED, "sensor", "t", 1, 0, "loaded", 800, "serve#1"));
        log.add(event(ACTIVATED, "sensor", "t", 1, 0, "loaded", 1200, "serve#2"));

        List<ModelEventLog.Change> changes = log.history().get("sensor");
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).reports()).isEqualTo(3);
        assertThat(changes.get(0).event().getEmittedBy()).isEqualTo("serve#0");
    }

    @Test
    void theSameEmitterReportingAgainOrReportsFarApartAreSeparateChanges() {
        log.add(event(ROLLED_BACK, "sensor", "t", 1, 2, "rolled back", 0, "serve#0"));
        log.add(event(ROLLED_BACK, "sensor", "t", 1, 2, "rolled back", 5_000, "serve#0"));
        log.add(event(ROLLED_BACK, "sensor", "t", 1, 2, "rolled back", 3_600_000, "serve#1"));

        assertThat(log.history().get("sensor")).hasSize(3);
    }

    @Test
    void theActiveModelFollowsActivationsRollbacksSupersessionsAndRemovals() {
        // sensor: v1, then v2, then back to v1.
        log.add(event(ACTIVATED, "sensor", "t", 1, 0, "loaded", 0, "s#0"));
        log.add(event(SUPERSEDED, "sensor", "t", 1, 1, "superseded by t@2", 100_000, "s#0"));
        log.add(event(ACTIVATED, "sensor", "t", 2, 1, "loaded", 100_000, "s#0"));
        log.add(event(SUPERSEDED, "sensor", "t", 2, 2, "superseded by t@1", 200_000, "s#0"));
        log.add(event(ROLLED_BACK, "sensor", "t", 1, 2, "rolled back", 200_000, "s#0"));
        // images: model a replaced by model b (another name).
        log.add(event(ACTIVATED, "images", "a", 1, 0, "loaded", 0, "s#0"));
        log.add(event(SUPERSEDED, "images", "a", 1, 1, "superseded by b@1", 100_000, "s#0"));
        log.add(event(ACTIVATED, "images", "b", 1, 1, "loaded", 100_000, "s#0"));
        // audio: removed.
        log.add(event(ACTIVATED, "audio", "c", 4, 0, "loaded", 0, "s#0"));
        log.add(event(REMOVED, "audio", "c", 4, 4, "drifting", 100_000, "s#0"));

        assertThat(log.active().get("sensor"))
                .singleElement()
                .satisfies(c -> assertThat(c.event().getType()).isEqualTo(ROLLED_BACK))
                .satisfies(c -> assertThat(c.event().getModelVersion()).isEqualTo(1));
        assertThat(log.active().get("images"))
                .singleElement()
                .satisfies(c -> assertThat(c.event().getModelName()).isEqualTo("b"));
        assertThat(log.active().get("audio")).isEmpty();
    }
}
