package dev.modelserving.job.sensor.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.PayloadParser;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MachinePropertiesParserTest {

    private ContextParserHarness harness;

    @BeforeEach
    void open() throws Exception {
        harness = new ContextParserHarness(new MachinePropertiesParser());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aValidMachineBecomesAnUpdate() throws Exception {
        MachineProperties press = Machines.press("m-1");
        harness.process("m-1", press.toByteArray());
        assertThat(harness.output())
                .containsExactly(
                        ContextUpdate.newBuilder().setMachineProperties(press).build());
        assertThat(harness.deadLetters()).isEmpty();
        assertThat(harness.counter(MachinePropertiesParser.PARSED_METRIC)).isEqualTo(1);
    }

    @Test
    void aMachineWithoutKafkaKeyIsAccepted() throws Exception {
        harness.process(null, Machines.press("m-1").toByteArray());
        assertThat(harness.output()).hasSize(1);
    }

    @Test
    void aTombstoneRemovesTheMachineOfItsKey() throws Exception {
        harness.process("m-1", null);
        assertThat(harness.output())
                .containsExactly(
                        ContextUpdate.newBuilder().setRemovedMachineId("m-1").build());
        assertThat(harness.counter(MachinePropertiesParser.PARSED_METRIC)).isEqualTo(1);
    }

    @Test
    void aTombstoneWithoutKeyIsADeadLetter() throws Exception {
        harness.process(null, null);
        assertRefused("without a key");
    }

    @Test
    void aTombstoneWithAControlCharacterKeyIsADeadLetter() throws Exception {
        harness.process("m\u0000", null);
        assertRefused("control character");
    }

    @Test
    void garbageIsADeadLetter() throws Exception {
        harness.process("m-1", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertRefused("not a MachineProperties");
    }

    @Test
    void anotherMessageTypeIsADeadLetter() throws Exception {
        byte[] record = DataRecord.newBuilder()
                .setDataType("t")
                .putFeatures("x", 1)
                .setEventTimeMillis(5)
                .build()
                .toByteArray();
        harness.process("m-1", record);
        assertRefused("not a MachineProperties");
    }

    @Test
    void aKeyOtherThanTheMachineIdIsADeadLetter() throws Exception {
        harness.process("m-2", Machines.press("m-1").toByteArray());
        assertRefused("Kafka key is not the machine id");
    }

    @Test
    void aBlankMachineIdIsADeadLetter() throws Exception {
        harness.process(null, Machines.press(" ").toByteArray());
        assertRefused("machine_id is blank");
    }

    @Test
    void anOverlongMachineIdIsADeadLetter() throws Exception {
        harness.process(null, Machines.press("m".repeat(513)).toByteArray());
        assertRefused("the limit is 512");
    }

    @Test
    void aCurveWithoutPointIsADeadLetter() throws Exception {
        harness.process("m-1", Machines.machine("m-1", 80).toByteArray());
        assertRefused("fan_curve has no point");
    }

    @Test
    void aCurveOfMoreThan64PointsIsADeadLetter() throws Exception {
        double[] curve = new double[130];
        for (int i = 0; i < 65; i++) {
            curve[2 * i] = i;
            curve[2 * i + 1] = 100 * i;
        }
        harness.process("m-1", Machines.machine("m-1", 80, curve).toByteArray());
        assertRefused("fan_curve has 65 points, the limit is 64");
        harness.process(
                "m-1", Machines.machine("m-1", 80, Arrays.copyOf(curve, 128)).toByteArray());
        assertThat(harness.output()).hasSize(1);
    }

    @Test
    void unsortedOrRepeatedTemperaturesAreDeadLetters() throws Exception {
        harness.process("m-1", Machines.machine("m-1", 80, 60, 1600, 30, 800).toByteArray());
        harness.process("m-1", Machines.machine("m-1", 80, 30, 800, 30, 900).toByteArray());
        assertThat(harness.output()).isEmpty();
        assertThat(harness.deadLetters())
                .extracting(d -> d.getReason())
                .allSatisfy(reason -> assertThat(reason).contains("must increase strictly"))
                .hasSize(2);
    }

    @Test
    void nonFiniteValuesAreDeadLetters() throws Exception {
        harness.process("m-1", Machines.machine("m-1", 80, Double.NaN, 800).toByteArray());
        harness.process(
                "m-1", Machines.machine("m-1", 80, 30, Double.POSITIVE_INFINITY).toByteArray());
        harness.process("m-1", Machines.machine("m-1", Double.NaN, 30, 800).toByteArray());
        assertThat(harness.output()).isEmpty();
        assertThat(harness.deadLetters())
                .extracting(d -> d.getReason())
                .satisfiesExactly(
                        r -> assertThat(r).contains("point 0").contains("not finite"),
                        r -> assertThat(r).contains("point 0").contains("not finite"),
                        r -> assertThat(r).contains("alert_temperature_c is not finite"));
        assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(3);
    }

    @Test
    void aNegativeRpmIsADeadLetter() throws Exception {
        harness.process("m-1", Machines.machine("m-1", 80, 30, -1).toByteArray());
        assertRefused("negative rpm");
    }

    @Test
    void aNameWithControlCharactersIsADeadLetter() throws Exception {
        harness.process(
                "m-1",
                Machines.press("m-1").toBuilder().setName("Press\n1").build().toByteArray());
        assertRefused("name contains control character");
    }

    @Test
    void foreignFieldsInAPointAreADeadLetter() throws Exception {
        MachineProperties machine = Machines.press("m-1").toBuilder()
                .setFanCurve(
                        0,
                        FanCurvePoint.newBuilder()
                                .setTemperatureC(30)
                                .setRpm(800)
                                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                                        .addField(
                                                9,
                                                com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                                        .addVarint(1)
                                                        .build())
                                        .build()))
                .build();
        harness.process("m-1", machine.toByteArray());
        assertRefused("not a MachineProperties");
    }

    private void assertRefused(String reasonPart) {
        assertThat(harness.output()).as("updates").isEmpty();
        assertThat(harness.deadLetters()).hasSize(1);
        assertThat(harness.deadLetters().get(0).getReason()).contains(reasonPart);
        assertThat(harness.deadLetters().get(0).getSourceTopic()).isEqualTo("ctx");
        assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(1);
    }
}
