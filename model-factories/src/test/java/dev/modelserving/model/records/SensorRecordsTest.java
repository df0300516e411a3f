package dev.modelserving.model.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorRecordsTest {

    private static final SensorReading READING = SensorReading.newBuilder()
            .setMachineId("machine-07")
            .setTimestampMillis(1_767_225_600_000L)
            .setTemperatureC(61.25)
            .setFanRpm(2140.0)
            .setLoadPercent(47.5)
            .build();

    @Test
    void readingBecomesSensorRecordKeyedByMachine() {
        DataRecord record = SensorRecords.toRecord(READING);

        assertThat(record.getDataType()).isEqualTo("sensor");
        assertThat(record.getKey()).isEqualTo("machine-07");
        assertThat(record.getId()).isEqualTo("machine-07-1767225600000");
        assertThat(record.getEventTimeMillis()).isEqualTo(1_767_225_600_000L);
        assertThat(record.getFeaturesMap())
                .containsExactlyInAnyOrderEntriesOf(
                        java.util.Map.of("temperature_c", 61.25, "fan_rpm", 2140.0, "load_percent", 47.5));
        assertThat(record.getVectorCount()).isZero();
    }

    @Test
    void featureNamesAreTheRecordFeaturesInModelOrder() {
        assertThat(SensorRecords.FEATURE_NAMES).containsExactly("temperature_c", "fan_rpm", "load_percent");
        assertThat(SensorRecords.toRecord(READING).getFeaturesMap().keySet())
                .containsExactlyInAnyOrderElementsOf(SensorRecords.FEATURE_NAMES);
    }

    @Test
    void idsDifferPerMachineAndPerTimestamp() {
        SensorReading later = READING.toBuilder()
                .setTimestampMillis(READING.getTimestampMillis() + 1000)
                .build();
        SensorReading otherMachine =
                READING.toBuilder().setMachineId("machine-08").build();

        assertThat(List.of(
                        SensorRecords.recordId(READING),
                        SensorRecords.recordId(later),
                        SensorRecords.recordId(otherMachine)))
                .doesNotHaveDuplicates();
    }

    @Test
    void nanValuesAreCarriedForScoringToRefuse() {
        DataRecord record = SensorRecords.toRecord(
                READING.toBuilder().setTemperatureC(Double.NaN).build());

        assertThat(record.getFeaturesOrThrow("temperature_c")).isNaN();
    }

    @Test
    void readingWithoutMachineIdIsRefused() {
        SensorReading anonymous = READING.toBuilder().clearMachineId().build();

        assertThatThrownBy(() -> SensorRecords.toRecord(anonymous))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine_id")
                .hasMessageContaining("1767225600000");
    }
}
