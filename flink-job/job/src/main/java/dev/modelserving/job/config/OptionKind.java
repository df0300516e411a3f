package dev.modelserving.job.config;

/** The kind of value a job option takes, as the README table and {@code --help} show it. */
public enum OptionKind {
    /** Free text (a name, a path, a URI). */
    TEXT("string", "a string"),
    /** A whole number. */
    INTEGER("integer", "an integer"),
    /** A decimal number. */
    NUMBER("number", "a number"),
    /** {@code true} or {@code false}; a boolean flag alone means {@code true}. */
    BOOLEAN("boolean", "true|false"),
    /** A duration: a plain number is milliseconds, or a number with a unit. */
    DURATION("duration", "a duration (milliseconds, or with a unit: 500 ms, 10 s, 2 min)"),
    /** A memory size: a plain number is bytes, or a number with a unit. */
    SIZE("memory size", "a size (bytes, or with a unit: 64kb, 256mb, 1gb)"),
    /** One of a fixed set of values. */
    CHOICE("enum", "one of the listed values"),
    /** A comma-separated list (in Flink's configuration also a YAML list). */
    LIST("list", "a comma-separated list"),
    /** A program argument that may be repeated, each occurrence one entry (in Flink's configuration a list). */
    REPEATABLE("list (repeatable)", "a list");

    private final String typeName;
    private final String expected;

    OptionKind(String typeName, String expected) {
        this.typeName = typeName;
        this.expected = expected;
    }

    /** The type as the README table shows it. */
    public String typeName() {
        return typeName;
    }

    /** What a value of this kind looks like, for error messages. */
    public String expected() {
        return expected;
    }
}
