package dev.modelserving.model.tensorflow;

/**
 * A tensor the descriptor refers to, with the words that name it in error messages (a graph tensor name, or a
 * SavedModel signature key and the tensor behind it).
 *
 * @param tensor the graph tensor
 * @param description how the descriptor names it, e.g. {@code "input tensor 'x:0'"}
 */
record NamedTensor(TensorName tensor, String description) {

    /** A tensor named directly by the descriptor. */
    static NamedTensor graphTensor(String role, TensorName tensor) {
        return new NamedTensor(tensor, role + " tensor '" + tensor + "'");
    }
}
