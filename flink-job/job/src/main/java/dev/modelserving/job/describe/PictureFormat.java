package dev.modelserving.job.describe;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the system's picture is written: Mermaid (renders in GitHub Markdown) or Graphviz DOT. */
public enum PictureFormat {
    MERMAID("mermaid"),
    DOT("dot");

    private final String flagValue;

    PictureFormat(String flagValue) {
        this.flagValue = flagValue;
    }

    /** As written on the command line: {@code mermaid} or {@code dot}. */
    public String flagValue() {
        return flagValue;
    }

    /** The picture in this format. */
    public String render(SystemPicture picture) {
        return switch (this) {
            case MERMAID -> MermaidWriter.write(picture);
            case DOT -> DotWriter.write(picture);
        };
    }

    /**
     * The format written as {@code value}.
     *
     * @throws IllegalArgumentException for anything else, listing the valid values
     */
    public static PictureFormat fromFlag(String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(f -> f.flagValue.equals(normalized))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + value + "' is not "
                        + Arrays.stream(values()).map(PictureFormat::flagValue).collect(Collectors.joining("|"))));
    }
}
