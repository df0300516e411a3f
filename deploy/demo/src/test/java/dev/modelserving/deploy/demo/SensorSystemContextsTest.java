package dev.modelserving.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.deploy.samples.FanFault;
import dev.modelserving.deploy.samples.GeneratedReading;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.MachineProfile;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's contexts match the simulated machines, and the injected fault and overload do what the demo says. */
class SensorSystemContextsTest {

    private static final MachineProfile PROFILE =
            new MachineProfile("machine-01", 25, 30, 1000, 3600, 45, 75, 0.25, 0.7, 0.2, 0.4, 0.05);

    @Test
    void theFanCurveIsTheControllersCurveFromStartToFullSpeed() {
        MachineProperties properties = SensorSystemContexts.machineProperties(PROFILE, 80);
        assertThat(properties.getMachineId()).isEqualTo("machine-01");
        assertThat(properties.getAlertTemperatureC()).isEqualTo(80);
        List<FanCurvePoint> curve = properties.getFanCurveList();
        // 45 .. 75 °C every 2.5 °C: 13 points, from idle to full speed, the smoothstep's middle at 60 °C.
        assertThat(curve).hasSize(13);
        assertThat(curve.get(0).getTemperatureC()).isEqualTo(45);
        assertThat(curve.get(0).getRpm()).isEqualTo(1000);
        assertThat(curve.get(6).getTemperatureC()).isEqualTo(60);
        assertThat(curve.get(6).getRpm()).isEqualTo(2300);
        assertThat(curve.get(12).getTemperatureC()).isEqualTo(75);
        assertThat(curve.get(12).getRpm()).isEqualTo(3600);
        for (int i = 1; i < curve.size(); i++) {
            assertThat(curve.get(i).getTemperatureC())
                    .isGreaterThan(curve.get(i - 1).getTemperatureC());
            assertThat(curve.get(i).getRpm())
                    .isGreaterThanOrEqualTo(curve.get(i - 1).getRpm());
        }
    }

    @Test
    void theHotMachinesAlertTemperatureLiesBetweenItsNormalAndItsOverloadedTemperature() {
        double normal = SensorSystemContexts.steadyTemperature(PROFILE, PROFILE.baseLoadPercent());
        double overloaded = SensorSystemContexts.steadyTemperature(PROFILE, 100);
        // The heat balance holds at the fixed point: heating equals cooling.
        assertThat(PROFILE.temperatureChange(overloaded, PROFILE.targetRpm(overloaded), 100))
                .isCloseTo(0, within(1e-6));
        assertThat(overloaded).isGreaterThan(normal + 5);
        assertThat(SensorSystemContexts.hotMachineAlertTemperature(PROFILE))
                .isCloseTo((normal + overloaded) / 2, within(0.01));
    }

    @Test
    void anInjectedFaultSlowsTheFanAndAForcedLoadHeatsTheMachine() {
        SensorGenerator generator =
                new SensorGenerator(GeneratorSettings.of(1, 2).withFaultProbability(0));
        generator.takeGenerated(200);
        generator.injectFault(0, FanFault.DEGRADED);
        generator.forceLoad(1, 100);
        double before = generator.takeGenerated(2).get(1).reading().getTemperatureC();
        List<GeneratedReading> after = generator.takeGenerated(400);
        GeneratedReading lastOfFaulty = after.get(after.size() - 2);
        GeneratedReading lastOfHot = after.get(after.size() - 1);
        assertThat(lastOfFaulty.fault()).isEqualTo(FanFault.DEGRADED);
        assertThat(lastOfFaulty.reading().getFanRpm() / lastOfFaulty.curveRpm()).isBetween(0.3, 0.5);
        assertThat(lastOfHot.reading().getLoadPercent()).isGreaterThan(85);
        assertThat(lastOfHot.reading().getTemperatureC()).isGreaterThan(before + 5);
    }
}
