package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl machine set|show|remove}: the sensor system's {@code machine_properties} context, a compacted topic
 * keyed by machine id. {@code set} publishes a machine's properties (name, fan curve, alert temperature), checked as
 * the job checks them; {@code remove} publishes a tombstone; {@code show} prints the current properties.
 */
@Command(
        name = "machine",
        sortOptions = false,
        description = "Sets, shows and removes machine properties (the machine_properties context of the sensor"
                + " system: name, fan curve, alert temperature).",
        subcommands = {MachineCommand.Set.class, MachineCommand.Show.class, MachineCommand.Remove.class})
final class MachineCommand implements Runnable {

    /** Default topic of the context, as the job's {@code --machine-properties-topic}. */
    static final String DEFAULT_TOPIC = "machine-properties";

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: set, show or remove");
    }

    /** {@code machine set}. */
    @Command(
            name = "set",
            sortOptions = false,
            description = "Publishes a machine's properties; the job uses them from then on.",
            footer = {
                "",
                "Example:",
                "  modelctl machine set --bootstrap-server localhost:9092 --id m-1 --name 'Press 1' \\",
                "      --curve 30:800,60:1600,90:2600 --alert-temperature 85"
            })
    static final class Set extends ContextTopicCommand {

        Set() {
            super(DEFAULT_TOPIC);
        }

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The machine id (the Kafka key).")
        private String id;

        @Option(names = "--name", defaultValue = "", paramLabel = "NAME", description = "A human-readable name.")
        private String name;

        @Option(
                names = "--curve",
                required = true,
                paramLabel = "C:RPM[,C:RPM...]",
                description = "The fan curve: temperature:rpm points by increasing temperature (1 to 64).")
        private String curve;

        @Option(
                names = "--alert-temperature",
                required = true,
                paramLabel = "C",
                description = "The temperature above which the machine is too hot.")
        private double alertTemperature;

        @Override
        public Integer call() throws CliException {
            MachineProperties machine = build(commandLine());
            write(id, machine.toByteArray(), "set machine " + describe(machine));
            return 0;
        }

        private MachineProperties build(CommandLine commandLine) {
            MachineProperties.Builder machine = MachineProperties.newBuilder()
                    .setMachineId(id)
                    .setName(name)
                    .setAlertTemperatureC(alertTemperature);
            for (String point : curve.split(",", -1)) {
                String[] parts = point.trim().split(":", -1);
                if (parts.length != 2) {
                    throw new ParameterException(
                            commandLine, "--curve point '" + point + "' is not TEMPERATURE:RPM (e.g. 30:800)");
                }
                try {
                    machine.addFanCurve(FanCurvePoint.newBuilder()
                            .setTemperatureC(Double.parseDouble(parts[0].trim()))
                            .setRpm(Double.parseDouble(parts[1].trim())));
                } catch (NumberFormatException e) {
                    throw new ParameterException(commandLine, "--curve point '" + point + "' is not two numbers", e);
                }
            }
            String problem = problem(machine.build());
            if (problem != null) {
                throw new ParameterException(commandLine, problem);
            }
            return machine.build();
        }
    }

    /** {@code machine show}. */
    @Command(name = "show", sortOptions = false, description = "Prints the current machine properties.")
    static final class Show extends ContextTopicCommand {

        Show() {
            super(DEFAULT_TOPIC);
        }

        @Option(names = "--id", paramLabel = "ID", description = "Only this machine.")
        private String id;

        @Override
        public Integer call() throws CliException {
            Map<String, byte[]> current = current();
            PrintWriter out = commandLine().getOut();
            int shown = 0;
            for (Map.Entry<String, byte[]> entry : current.entrySet()) {
                if (id != null && !id.equals(entry.getKey())) {
                    continue;
                }
                shown++;
                try {
                    out.println(describe(MachineProperties.parseFrom(entry.getValue())));
                } catch (InvalidProtocolBufferException e) {
                    out.println(entry.getKey() + ": not a MachineProperties (" + entry.getValue().length + " bytes)");
                }
            }
            if (shown == 0) {
                throw new CliException(
                        id == null ? "no machine properties on " + topic() : "no machine '" + id + "' on " + topic());
            }
            out.flush();
            return 0;
        }
    }

    /** {@code machine remove}. */
    @Command(
            name = "remove",
            sortOptions = false,
            description = "Removes a machine's properties (a tombstone); its readings are then not monitored.")
    static final class Remove extends ContextTopicCommand {

        Remove() {
            super(DEFAULT_TOPIC);
        }

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The machine id.")
        private String id;

        @Override
        public Integer call() throws CliException {
            if (id.isBlank()) {
                throw new ParameterException(commandLine(), "--id must not be blank");
            }
            write(id, null, "removed machine " + id);
            return 0;
        }
    }

    /** One line: {@code m-1 'Press 1' curve 30.0:800.0,60.0:1600.0 alert 85.0 C}. */
    static String describe(MachineProperties machine) {
        StringBuilder curve = new StringBuilder();
        for (FanCurvePoint point : machine.getFanCurveList()) {
            curve.append(curve.length() == 0 ? "" : ",")
                    .append(number(point.getTemperatureC()))
                    .append(':')
                    .append(number(point.getRpm()));
        }
        return machine.getMachineId() + " '" + machine.getName() + "' curve " + curve + " alert "
                + number(machine.getAlertTemperatureC()) + " C";
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }

    /** The problem the job would refuse the properties for, or null (the job's rules, checked before sending). */
    static String problem(MachineProperties machine) {
        if (machine.getMachineId().isBlank() || machine.getMachineId().length() > 512) {
            return "--id must be 1 to 512 characters";
        }
        for (char c : (machine.getMachineId() + machine.getName()).toCharArray()) {
            if (Character.isISOControl(c)) {
                return "--id and --name must not contain control characters";
            }
        }
        if (machine.getName().length() > 256) {
            return "--name must be at most 256 characters";
        }
        if (machine.getFanCurveCount() < 1 || machine.getFanCurveCount() > 64) {
            return "--curve must have 1 to 64 points";
        }
        for (int i = 0; i < machine.getFanCurveCount(); i++) {
            FanCurvePoint point = machine.getFanCurve(i);
            if (!Double.isFinite(point.getTemperatureC()) || !Double.isFinite(point.getRpm()) || point.getRpm() < 0) {
                return "--curve point " + (i + 1) + " must be finite with a non-negative rpm";
            }
            if (i > 0 && !(point.getTemperatureC() > machine.getFanCurve(i - 1).getTemperatureC())) {
                return "--curve temperatures must increase strictly";
            }
        }
        if (!Double.isFinite(machine.getAlertTemperatureC())) {
            return "--alert-temperature must be finite";
        }
        return null;
    }
}
