package dev.modelserving.job.sensor;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job options of the sensor system (machine contexts, rpm monitoring, alerts). The sensor system runs only when
 * {@link #SENSOR_SYSTEM} is on, and then needs {@code --data-format sensor-reading}.
 */
public final class SensorSystemOptions {

    /** {@code --sensor-system}: run the sensor system's nodes next to the serving stage. */
    public static final ConfigOption<Boolean> SENSOR_SYSTEM = ConfigOptions.key("sensor-system")
            .booleanType()
            .defaultValue(false)
            .withDescription("Runs the sensor system (machine contexts, rpm monitoring, alerts) next to the serving"
                    + " stage; needs --data-format sensor-reading.");

    /** {@code --machine-properties-topic}: the compacted topic of the {@code MachineProperties} context. */
    public static final ConfigOption<String> MACHINE_PROPERTIES_TOPIC = ConfigOptions.key("machine-properties-topic")
            .stringType()
            .defaultValue("machine-properties")
            .withDescription("Compacted topic of MachineProperties, keyed by machine id; a tombstone removes the"
                    + " machine. Read from the earliest offset.");

    /** {@code --rpm-config-topic}: the compacted topic of the {@code RpmMonitoringConfig} context. */
    public static final ConfigOption<String> RPM_CONFIG_TOPIC = ConfigOptions.key("rpm-config-topic")
            .stringType()
            .defaultValue("rpm-monitoring-config")
            .withDescription(
                    "Compacted topic of the RpmMonitoringConfig, key \"default\". Read from the earliest" + " offset.");

    /** {@code --alerts-topic}: where {@code SystemAlert}s go. */
    public static final ConfigOption<String> ALERTS_TOPIC = ConfigOptions.key("alerts-topic")
            .stringType()
            .defaultValue("system-alerts")
            .withDescription("Topic of the SystemAlerts (rpm deviations, over-temperature), keyed by machine id.");

    private SensorSystemOptions() {}
}
