package dev.modelserving.job.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metrics table of the README (section "Metrics reference"): its rows start with {@code | `name` |}; the first
 * column is the metric name.
 */
record MetricsTable(Set<String> names) {

    static final String SECTION = "## Metrics reference";

    static MetricsTable read(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int start = lines.indexOf(SECTION);
        if (start < 0) {
            throw new IllegalStateException(readme + " has no section '" + SECTION + "'");
        }
        Set<String> names = new TreeSet<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("| `")) {
                names.add(line.substring(3, line.indexOf('`', 3)));
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("the section '" + SECTION + "' of " + readme + " has no table rows");
        }
        return new MetricsTable(names);
    }
}
