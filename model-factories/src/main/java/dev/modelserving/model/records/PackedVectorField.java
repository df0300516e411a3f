package dev.modelserving.model.records;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The field of a {@link RecordMapping} that fills the record's packed vector: a JSON array of numbers, or a CSV cell
 * of numbers separated by spaces or semicolons.
 *
 * @param path the field (as in {@link MappedFeature#path()})
 * @param shape the vector's shape without the batch dimension; empty: one dimension of the vector's length. A record
 *     whose vector length is not the shape's product is refused.
 */
public record PackedVectorField(String path, List<Long> shape) implements Serializable {

    private static final long serialVersionUID = 1L;

    public PackedVectorField {
        Objects.requireNonNull(path, "path");
        shape = List.copyOf(shape);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("vector.field must name a field");
        }
        for (long dimension : shape) {
            if (dimension < 1) {
                throw new IllegalArgumentException("vector.shape " + shape + " has a dimension below 1");
            }
        }
    }

    /** The number of values the shape asks for, or -1 when it has no shape (any length). */
    public long expectedLength() {
        if (shape.isEmpty()) {
            return -1;
        }
        long product = 1;
        for (long dimension : shape) {
            product = Math.multiplyExact(product, dimension);
        }
        return product;
    }
}
