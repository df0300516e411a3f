package dev.modelserving.job.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Reads job options from their sources, in precedence order: program arguments ({@code --data-topic x}), then
 * Flink's configuration ({@code model-serving.data-topic}, from {@code flink run -D} or {@code config.yaml}), then
 * the option's default. Values are converted by Flink's own {@link ConfigOption} typing (durations, memory sizes,
 * enums, lists), then checked by the read method.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message is one line naming the option (its flag, and
 * its key when the value came from Flink's configuration) and the {@link JobOptions#HINT} line.
 */
public final class JobOptionReader {

    private final ProgramArguments arguments;
    /** The scalar program arguments, under their Flink keys, converted by Flink on reading. */
    private final Configuration fromArguments;

    private final ReadableConfig flinkConfiguration;
    private final Map<String, String> flinkValues;

    private JobOptionReader(ProgramArguments arguments, ReadableConfig flinkConfiguration) {
        this.arguments = arguments;
        this.flinkConfiguration = flinkConfiguration;
        this.flinkValues = flinkConfiguration.toMap();
        Set<String> unknown = new TreeSet<>();
        for (String name : arguments.names()) {
            if (JobOptions.byFlagName(name).isEmpty()) {
                unknown.add("--" + name);
            }
        }
        if (!unknown.isEmpty()) {
            throw usageError("unknown option(s) " + List.copyOf(unknown));
        }
        for (String key : flinkValues.keySet()) {
            if (key.startsWith(JobOptions.PREFIX) && JobOptions.byKey(key).isEmpty()) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw usageError("unknown option(s) " + List.copyOf(unknown) + " in Flink's configuration");
        }
        Map<String, String> scalars = new LinkedHashMap<>();
        for (String name : arguments.names()) {
            JobOption option = JobOptions.byFlagName(name).orElseThrow();
            if (option.kind() == OptionKind.LIST || option.kind() == OptionKind.REPEATABLE) {
                continue;
            }
            Optional<String> value = arguments.value(name);
            if (value.isEmpty() && option.kind() == OptionKind.BOOLEAN) {
                value = Optional.of("true"); // the flag alone
            }
            if (value.isEmpty() || value.get().isBlank()) {
                throw usageError(option.flag() + " needs a value");
            }
            scalars.put(option.key(), value.get().strip());
        }
        this.fromArguments = Configuration.fromMap(scalars);
    }

    /**
     * A reader of these program arguments over this Flink configuration.
     *
     * @throws IllegalArgumentException for a stray argument, an unknown option (as a program argument or a
     *     {@code model-serving.} key of Flink's configuration), or an option without its value
     */
    public static JobOptionReader of(ReadableConfig flinkConfiguration, String... args) {
        ProgramArguments arguments;
        try {
            arguments = ProgramArguments.parse(args);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage(), e);
        }
        return new JobOptionReader(arguments, flinkConfiguration);
    }

    /** Whether the program arguments ask for the option list ({@code --help} or {@code -h}). */
    public static boolean asksForHelp(String... args) {
        return ProgramArguments.asksForHelp(args);
    }

    /** A usage error: {@code reason} and the hint line. */
    public static IllegalArgumentException usageError(String reason) {
        return new IllegalArgumentException(reason + "\n" + JobOptions.HINT);
    }

    /** A usage error: {@code reason} and the hint line, caused by {@code cause}. */
    public static IllegalArgumentException usageError(String reason, Throwable cause) {
        return new IllegalArgumentException(reason + "\n" + JobOptions.HINT, cause);
    }

    /** A usage error about {@code option}: its {@link #name} then {@code problem}. */
    public IllegalArgumentException invalid(ConfigOption<?> option, String problem) {
        return usageError(name(option) + " " + problem);
    }

    /** A usage error about {@code option}, caused by {@code cause}. */
    public IllegalArgumentException invalid(ConfigOption<?> option, String problem, Throwable cause) {
        return usageError(name(option) + " " + problem, cause);
    }

    /**
     * How messages name an option: its flag, plus its key when its value came from Flink's configuration, e.g.
     * {@code --data-topic (model-serving.data-topic in Flink's configuration)}.
     */
    public String name(ConfigOption<?> option) {
        JobOption registered = JobOptions.of(option);
        return source(registered) == Source.FLINK_CONFIGURATION
                ? registered.flag() + " (" + registered.key() + " in Flink's configuration)"
                : registered.flag();
    }

    /** The option's value as it was written (for messages), or its default as it would be written. */
    public String written(ConfigOption<?> option) {
        JobOption registered = JobOptions.of(option);
        return switch (source(registered)) {
            case ARGUMENTS ->
                arguments.value(registered.flagName()).map(String::strip).orElse("true");
            case FLINK_CONFIGURATION -> flinkValues.get(registered.key());
            case DEFAULT -> registered.defaultText();
        };
    }

    /** The option's value from its first source; empty when no source sets it and it has no default. */
    public <T> Optional<T> optional(ConfigOption<T> option) {
        JobOption registered = JobOptions.of(option);
        if (registered.kind() == OptionKind.LIST || registered.kind() == OptionKind.REPEATABLE) {
            throw new IllegalStateException(registered.flag() + " is a list: read it with list() or repeatable()");
        }
        Optional<T> value;
        try {
            value = switch (source(registered)) {
                case ARGUMENTS -> fromArguments.getOptional(option);
                case FLINK_CONFIGURATION -> flinkConfiguration.getOptional(option);
                case DEFAULT -> Optional.empty();
            };
        } catch (IllegalArgumentException e) { // Flink could not convert the value to the option's type
            throw invalid(option, "'" + written(option) + "' is not " + expected(registered), e);
        }
        if (value.isEmpty() && option.hasDefaultValue()) {
            value = Optional.of(option.defaultValue());
        }
        if (value.isPresent() && registered.kind() == OptionKind.CHOICE) {
            String chosen = JobOption.written(value.get()).toLowerCase(Locale.ROOT);
            if (!registered.choices().contains(chosen)) {
                throw invalid(option, "'" + written(option) + "' is not " + expected(registered));
            }
        }
        return value;
    }

    private static String expected(JobOption option) {
        return option.kind() == OptionKind.CHOICE
                ? String.join("|", option.choices())
                : option.kind().expected();
    }

    /** The option's value, or its default. */
    public <T> T get(ConfigOption<T> option) {
        return optional(option)
                .orElseThrow(() -> new IllegalStateException(option.key() + " has no default: use optional()"));
    }

    /** A text value without surrounding blanks; a blank value is refused. */
    public Optional<String> text(ConfigOption<String> option) {
        Optional<String> value = optional(option).map(String::strip);
        if (value.isPresent() && value.get().isEmpty()) {
            throw invalid(option, "needs a value");
        }
        return value;
    }

    /** A Kafka topic name (letters, digits, '.', '_', '-'; at most 249; not . or ..). */
    public String topic(ConfigOption<String> option) {
        String topic = text(option).orElseThrow(() -> new IllegalStateException(option.key() + " has no default"));
        if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw invalid(
                    option, "'" + topic + "' is not a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
        return topic;
    }

    /** A positive integer. */
    public int positiveInt(ConfigOption<Integer> option) {
        int value = get(option);
        if (value < 1) {
            throw invalid(option, "'" + written(option) + "' must be positive");
        }
        return value;
    }

    /** A positive whole number. */
    public long positiveLong(ConfigOption<Long> option) {
        long value = get(option);
        if (value < 1) {
            throw invalid(option, "'" + written(option) + "' must be positive");
        }
        return value;
    }

    /** A positive, finite number. */
    public double positiveNumber(ConfigOption<Double> option) {
        double value = get(option);
        if (!(value > 0) || !Double.isFinite(value)) {
            throw invalid(option, "'" + written(option) + "' must be a positive number");
        }
        return value;
    }

    /** A duration in milliseconds, 0 or more. */
    public long nonNegativeMillis(ConfigOption<Duration> option) {
        Duration value = get(option);
        if (value.isNegative()) {
            throw invalid(option, "'" + written(option) + "' must be 0 or more");
        }
        try {
            return value.toMillis();
        } catch (ArithmeticException e) {
            throw invalid(option, "'" + written(option) + "' is too long", e);
        }
    }

    /** A duration in milliseconds, at least 1. */
    public long positiveMillis(ConfigOption<Duration> option) {
        long millis = nonNegativeMillis(option);
        if (millis < 1) {
            throw invalid(option, "'" + written(option) + "' must be positive");
        }
        return millis;
    }

    /** A positive size in bytes; empty when not set and without default. */
    public Optional<Long> optionalPositiveBytes(ConfigOption<MemorySize> option) {
        Optional<MemorySize> value = optional(option);
        if (value.isPresent() && value.get().getBytes() <= 0) {
            throw invalid(option, "'" + written(option) + "' must be positive");
        }
        return value.map(MemorySize::getBytes);
    }

    /** A positive size in bytes. */
    public long positiveBytes(ConfigOption<MemorySize> option) {
        return optionalPositiveBytes(option)
                .orElseThrow(() -> new IllegalStateException(option.key() + " has no default"));
    }

    /** A positive size in bytes that fits an {@code int}. */
    public int intBytes(ConfigOption<MemorySize> option) {
        long bytes = positiveBytes(option);
        if (bytes > Integer.MAX_VALUE) {
            throw invalid(option, bytes + " is above " + Integer.MAX_VALUE + " bytes");
        }
        return (int) bytes;
    }

    /** A boolean; a boolean flag given alone is {@code true}. */
    public boolean bool(ConfigOption<Boolean> option) {
        return get(option);
    }

    /**
     * A list: a program argument is one comma-separated value; in Flink's configuration a list ({@code a;b} or a
     * YAML list) whose entries may be comma-separated too. Entries are stripped; empty ones are dropped.
     */
    public List<String> list(ConfigOption<List<String>> option) {
        JobOption registered = JobOptions.of(option);
        List<String> entries;
        switch (source(registered)) {
            case ARGUMENTS -> {
                Optional<String> value = arguments.value(registered.flagName());
                if (value.isEmpty() || value.get().isBlank()) {
                    throw invalid(option, "needs a value");
                }
                entries = List.of(value.get());
            }
            case FLINK_CONFIGURATION -> {
                try {
                    entries = flinkConfiguration.get(option);
                } catch (IllegalArgumentException e) {
                    throw invalid(
                            option,
                            "'" + written(option) + "' is not "
                                    + registered.kind().expected(),
                            e);
                }
            }
            default -> entries = option.hasDefaultValue() ? option.defaultValue() : List.of();
        }
        List<String> names = new ArrayList<>();
        for (String entry : entries) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    names.add(part.strip());
                }
            }
        }
        return List.copyOf(names);
    }

    /** A list of names, each matching {@code pattern} (else refused as not {@code expected}). */
    public List<String> names(ConfigOption<List<String>> option, Pattern pattern, String expected) {
        List<String> names = list(option);
        for (String name : names) {
            if (!pattern.matcher(name).matches()) {
                throw invalid(option, "'" + name + "' is not " + expected);
            }
        }
        return names;
    }

    /**
     * A repeatable option: the entries of Flink's configuration, then one per program argument occurrence (so a
     * program argument comes later). An occurrence without a value is refused.
     */
    public List<String> repeatable(ConfigOption<List<String>> option) {
        JobOption registered = JobOptions.of(option);
        List<String> entries = new ArrayList<>();
        if (flinkValues.containsKey(registered.key())) {
            try {
                entries.addAll(flinkConfiguration.get(option));
            } catch (IllegalArgumentException e) {
                throw usageError(
                        registered.flag() + " (" + registered.key() + " in Flink's configuration) is not a list", e);
            }
        }
        for (Optional<String> value : arguments.values(registered.flagName())) {
            if (value.isEmpty() || value.get().isBlank()) {
                throw invalid(option, "needs a value (key=value)");
            }
            entries.add(value.get());
        }
        return List.copyOf(entries);
    }

    private Source source(JobOption option) {
        if (arguments.has(option.flagName())) {
            return Source.ARGUMENTS;
        }
        return flinkValues.containsKey(option.key()) ? Source.FLINK_CONFIGURATION : Source.DEFAULT;
    }

    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** Where an option's value comes from. */
    private enum Source {
        ARGUMENTS,
        FLINK_CONFIGURATION,
        DEFAULT
    }
}
