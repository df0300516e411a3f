package dev.modelserving.job.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The job's program arguments, split into options: {@code --name value}, {@code --name} alone (a boolean flag),
 * with {@code --model-serving.name} the same as {@code --name}. A value may be negative ({@code --x -1}); another
 * token starting with a dash is the next option. The last occurrence of an option wins, except for a
 * {@link OptionKind#REPEATABLE} one, whose every occurrence counts. Names are not checked here.
 */
final class ProgramArguments {

    private static final Pattern NEGATIVE_NUMBER = Pattern.compile("-\\d.*");

    /** The value of an option given without one. */
    static final Optional<String> ALONE = Optional.empty();

    private final Map<String, Optional<String>> values;
    private final Map<String, List<Optional<String>>> repeated;

    private ProgramArguments(Map<String, Optional<String>> values, Map<String, List<Optional<String>>> repeated) {
        this.values = values;
        this.repeated = repeated;
    }

    /**
     * Splits {@code args} into options.
     *
     * @throws IllegalArgumentException for a token that is neither an option nor its value (message without hint)
     */
    static ProgramArguments parse(String... args) {
        Map<String, Optional<String>> values = new LinkedHashMap<>();
        Map<String, List<Optional<String>>> repeated = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String token = args[i];
            if (!isOptionName(token)) {
                throw new IllegalArgumentException(
                        "'" + token + "' is not an option (options are written --name value)");
            }
            String name = token.startsWith("--") ? token.substring(2) : token.substring(1);
            if (name.startsWith(JobOptions.PREFIX)) {
                name = name.substring(JobOptions.PREFIX.length());
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'" + token + "' names no option");
            }
            Optional<String> value = ALONE;
            if (i + 1 < args.length && !isOptionName(args[i + 1])) {
                value = Optional.of(args[++i]);
            }
            boolean repeatable = JobOptions.byFlagName(name)
                    .map(o -> o.kind() == OptionKind.REPEATABLE)
                    .orElse(false);
            if (repeatable) {
                repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } else {
                values.put(name, value);
            }
        }
        return new ProgramArguments(values, repeated);
    }

    /** Whether the arguments ask for the option list ({@code --help} or {@code -h}). */
    static boolean asksForHelp(String... args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOptionName(String token) {
        return token.startsWith("-") && !NEGATIVE_NUMBER.matcher(token).matches();
    }

    /** Every option name given, repeatable ones included. */
    List<String> names() {
        List<String> names = new ArrayList<>(values.keySet());
        names.addAll(repeated.keySet());
        return names;
    }

    /** Whether the option was given. */
    boolean has(String name) {
        return values.containsKey(name) || repeated.containsKey(name);
    }

    /** The last value of a given non-repeatable option; empty when it was given alone. */
    Optional<String> value(String name) {
        Optional<String> value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("--" + name + " was not given");
        }
        return value;
    }

    /** Every value of a repeatable option, in order (empty entries: given alone). */
    List<Optional<String>> values(String name) {
        return repeated.getOrDefault(name, List.of());
    }
}
