package dev.modelserving.model.records;

import java.io.Serializable;
import java.util.Objects;

/**
 * One feature of a {@link RecordMapping}: the field it is read from and the feature name it gets in the
 * {@code DataRecord} (names with spaces are fine: real exporters use them).
 *
 * @param path the field: a CSV column name, or for JSON a JSON Pointer ({@code /lab/ph}) or a dotted path
 *     ({@code lab.ph})
 * @param name the feature name in the record
 */
public record MappedFeature(String path, String name) implements Serializable {

    private static final long serialVersionUID = 1L;

    public MappedFeature {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        if (path.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException(
                    "a feature needs a field and a name, got '" + path + "' -> '" + name + "'");
        }
    }
}
