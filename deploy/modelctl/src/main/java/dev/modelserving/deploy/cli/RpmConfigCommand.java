package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.RpmMonitoringConfig;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl rpm-config set|show}: the sensor system's {@code rpm_monitoring_config} context, one value under
 * the key {@value #KEY} on a compacted topic. Unset fields mean the job's defaults (ratio 0.2, 2 deviations, 10 min).
 */
@Command(
        name = "rpm-config",
        sortOptions = false,
        description = "Sets and shows the rpm monitoring configuration (the rpm_monitoring_config context of the sensor"
                + " system: acceptable deviation ratio, deviations per window, window length).",
        subcommands = {RpmConfigCommand.Set.class, RpmConfigCommand.Show.class})
final class RpmConfigCommand implements Runnable {

    /** Default topic of the context, as the job's {@code --rpm-config-topic}. */
    static final String DEFAULT_TOPIC = "rpm-monitoring-config";
    /** The one key of the context. */
    static final String KEY = "default";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)?");

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: set or show");
    }

    /** {@code rpm-config set}. */
    @Command(
            name = "set",
            sortOptions = false,
            description = "Publishes the rpm monitoring configuration; the job applies it live (see the README).",
            footer = {
                "",
                "Example:",
                "  modelctl rpm-config set --bootstrap-server localhost:9092 --ratio 0.2 --deviations 2 --window 10m"
            })
    static final class Set extends ContextTopicCommand {

        Set() {
            super(DEFAULT_TOPIC);
        }

        @Option(
                names = "--ratio",
                paramLabel = "R",
                description = "A reading deviates when |rpm - curve(temperature)| / rpm exceeds this; (0, 10]."
                        + " Unset: the job's default 0.2.")
        private Double ratio;

        @Option(
                names = "--deviations",
                paramLabel = "N",
                description = "Alert when a window holds more deviating readings than this; >= 0. Unset: 2.")
        private Integer deviations;

        @Option(
                names = "--window",
                paramLabel = "DURATION",
                description = "Window length: 1s to 1d, e.g. 600000, 90s, 10m, 1h (plain numbers are ms). Unset: 10m.")
        private String window;

        @Override
        public Integer call() throws CliException {
            RpmMonitoringConfig.Builder config = RpmMonitoringConfig.newBuilder();
            if (ratio != null) {
                if (!(ratio > 0 && ratio <= 10)) {
                    throw new ParameterException(commandLine(), "--ratio must be in (0, 10], not " + ratio);
                }
                config.setAcceptableDeviationRatio(ratio);
            }
            if (deviations != null) {
                if (deviations < 0) {
                    throw new ParameterException(commandLine(), "--deviations must be >= 0, not " + deviations);
                }
                config.setAcceptableDeviationsPerWindow(deviations);
            }
            if (window != null) {
                config.setWindowMillis(windowMillis(window));
            }
            RpmMonitoringConfig built = config.build();
            write(KEY, built.toByteArray(), "set rpm config " + describe(built));
            return 0;
        }

        private long windowMillis(String text) {
            Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw new ParameterException(
                        commandLine(), "--window '" + text + "' is not a duration (e.g. 600000, 90s, 10m, 1h)");
            }
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
            long factor = switch (unit) {
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                default -> 1L;
            };
            long millis = amount > Long.MAX_VALUE / factor ? Long.MAX_VALUE : amount * factor;
            if (millis < 1_000 || millis > 86_400_000) {
                throw new ParameterException(commandLine(), "--window must be 1s to 1d, not " + text);
            }
            return millis;
        }
    }

    /** {@code rpm-config show}. */
    @Command(
            name = "show",
            sortOptions = false,
            description = "Prints the current rpm monitoring configuration (defaults where unset).")
    static final class Show extends ContextTopicCommand {

        Show() {
            super(DEFAULT_TOPIC);
        }

        @Override
        public Integer call() throws CliException {
            byte[] value = current().get(KEY);
            RpmMonitoringConfig config;
            try {
                config =
                        value == null ? RpmMonitoringConfig.getDefaultInstance() : RpmMonitoringConfig.parseFrom(value);
            } catch (InvalidProtocolBufferException e) {
                throw new CliException(
                        "the value under '" + KEY + "' on " + topic() + " is not an RpmMonitoringConfig", e);
            }
            commandLine().getOut().println(describe(config) + (value == null ? " (nothing published)" : ""));
            commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code ratio 0.2, deviations 2, window 600000 ms}, with "(default)" after unset values. */
    static String describe(RpmMonitoringConfig config) {
        return "ratio "
                + (config.hasAcceptableDeviationRatio() ? config.getAcceptableDeviationRatio() + "" : "0.2 (default)")
                + ", deviations "
                + (config.hasAcceptableDeviationsPerWindow()
                        ? config.getAcceptableDeviationsPerWindow() + ""
                        : "2 (default)")
                + ", window "
                + (config.hasWindowMillis() ? config.getWindowMillis() + " ms" : "600000 ms (default)");
    }
}
