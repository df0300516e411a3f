package dev.modelserving.speculative;

import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.SpeculativeRequest;

/**
 * The key of an executor: a data type and a model name, joined by a separator that cannot appear in either (the unit
 * separator, U+001F), so ("a/b", "c") and ("a", "b/c") never share an executor.
 */
public final class ExecutorKey {

    /** Separator between data type and model name. */
    public static final char SEPARATOR = '\u001f';

    private ExecutorKey() {}

    public static String of(String dataType, String modelName) {
        return dataType + SEPARATOR + modelName;
    }

    public static String of(SpeculativeRequest request) {
        return of(request.getRecord().getDataType(), request.getModelName());
    }

    public static String of(ModelDescriptor descriptor) {
        return of(descriptor.getDataType(), descriptor.getName());
    }

    /** The model name part of a key. */
    public static String modelName(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? "" : key.substring(at + 1);
    }

    /** The data type part of a key. */
    public static String dataType(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? key : key.substring(0, at);
    }
}
