package dev.modelserving.job.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;

/**
 * A registered job option: the Flink {@link ConfigOption} and the kind of its value. The factory methods take the
 * option with its Java type, so an option cannot be registered with the wrong kind.
 *
 * @param option the Flink option; its key is {@link JobOptions#PREFIX} + the flag name
 * @param kind what its value is
 * @param choices the accepted values of a {@link OptionKind#CHOICE}, as written; empty for other kinds
 */
public record JobOption(ConfigOption<?> option, OptionKind kind, List<String> choices) {

    public JobOption {
        if (!option.key().startsWith(JobOptions.PREFIX) || option.key().length() == JobOptions.PREFIX.length()) {
            throw new IllegalArgumentException(
                    "job option key '" + option.key() + "' must be " + JobOptions.PREFIX + "<flag name>");
        }
        choices = List.copyOf(choices);
        if ((kind == OptionKind.CHOICE) == choices.isEmpty()) {
            throw new IllegalArgumentException(option.key() + ": choices go with (and only with) CHOICE");
        }
    }

    public static JobOption text(ConfigOption<String> option) {
        return new JobOption(option, OptionKind.TEXT, List.of());
    }

    public static JobOption integer(ConfigOption<Integer> option) {
        return new JobOption(option, OptionKind.INTEGER, List.of());
    }

    public static JobOption longInteger(ConfigOption<Long> option) {
        return new JobOption(option, OptionKind.INTEGER, List.of());
    }

    public static JobOption number(ConfigOption<Double> option) {
        return new JobOption(option, OptionKind.NUMBER, List.of());
    }

    public static JobOption bool(ConfigOption<Boolean> option) {
        return new JobOption(option, OptionKind.BOOLEAN, List.of());
    }

    public static JobOption duration(ConfigOption<Duration> option) {
        return new JobOption(option, OptionKind.DURATION, List.of());
    }

    public static JobOption size(ConfigOption<MemorySize> option) {
        return new JobOption(option, OptionKind.SIZE, List.of());
    }

    /** A comma-separated list of names (program argument {@code a,b}; Flink configuration {@code a;b} or YAML list). */
    public static JobOption list(ConfigOption<List<String>> option) {
        return new JobOption(option, OptionKind.LIST, List.of());
    }

    /** A program argument given once per entry ({@code --kafka-property a=1 --kafka-property b=2}). */
    public static JobOption repeatable(ConfigOption<List<String>> option) {
        return new JobOption(option, OptionKind.REPEATABLE, List.of());
    }

    /** A text option with a fixed set of values. */
    public static JobOption choice(ConfigOption<String> option, String... values) {
        return new JobOption(option, OptionKind.CHOICE, Arrays.asList(values));
    }

    /** An enum option accepting {@code allowed} (all constants when empty), written as their lower-case names. */
    @SafeVarargs
    public static <E extends Enum<E>> JobOption choice(ConfigOption<E> option, Class<E> type, E... allowed) {
        List<E> values = allowed.length == 0 ? Arrays.asList(type.getEnumConstants()) : Arrays.asList(allowed);
        return new JobOption(
                option,
                OptionKind.CHOICE,
                values.stream().map(JobOption::written).toList());
    }

    /** The program argument without its dashes, e.g. {@code data-topic}. */
    public String flagName() {
        return option.key().substring(JobOptions.PREFIX.length());
    }

    /** The program argument, e.g. {@code --data-topic}. */
    public String flag() {
        return "--" + flagName();
    }

    /** The key in Flink's configuration, e.g. {@code model-serving.data-topic}. */
    public String key() {
        return option.key();
    }

    /** The default as it would be written, or empty when the option has none. */
    public String defaultText() {
        if (!option.hasDefaultValue()) {
            return "";
        }
        return written(option.defaultValue());
    }

    /** A value as a program argument would write it. */
    static String written(Object value) {
        if (value instanceof Duration duration) {
            return duration.toMillis() + " ms";
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Enum<?>) {
            return value.toString().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return String.valueOf(value);
    }
}
