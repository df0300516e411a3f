package dev.modelserving.model.tensorflow;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;

/**
 * A graph tensor: an operation's output, written {@code "op"} (output 0) or {@code "op:index"}.
 *
 * @param operation the operation's name
 * @param index which of its outputs
 */
public record TensorName(String operation, int index) {

    /** Parses {@code "x"} or {@code "x:0"}. */
    public static TensorName parse(String name) throws ModelLoadException {
        String trimmed = name.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon < 0) {
            return checked(trimmed, 0, name);
        }
        String suffix = trimmed.substring(colon + 1);
        if (suffix.isEmpty() || !suffix.chars().allMatch(Character::isDigit) || suffix.length() > 9) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH, "tensor name '" + name + "' must be 'operation' or 'operation:index'");
        }
        return checked(trimmed.substring(0, colon), Integer.parseInt(suffix), name);
    }

    private static TensorName checked(String operation, int index, String original) throws ModelLoadException {
        if (operation.isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH, "tensor name '" + original + "' has no operation name");
        }
        return new TensorName(operation, index);
    }

    /** The canonical form {@code op:index}. */
    @Override
    public String toString() {
        return operation + ":" + index;
    }
}
