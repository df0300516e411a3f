package dev.modelserving.model.tensor;

import dev.modelserving.proto.DataRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Records whose packed-vector shapes attack the tensor code: dimension products that overflow {@code long} (to 1, to
 * 0, to a small positive number equal to the vector's length), ranks far beyond any model, zero and negative
 * dimensions, and a length that does not match the shape. Each must be refused before any native tensor exists.
 */
public final class HostileShapes {

    /** 2^63 - 1. */
    private static final long MAX = Long.MAX_VALUE;

    private HostileShapes() {}

    /** A record that names the hostile case in its id. */
    public record Case(String name, DataRecord record) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every hostile case. */
    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("[2^63-1, 2^63-1]: product wraps to 1", vector(1, MAX, MAX)));
        cases.add(new Case("[2^63-1, 2^63-1, 2^63-1]: product wraps to 2^63-1", vector(3, MAX, MAX, MAX)));
        cases.add(new Case("[2^32, 2^32]: product wraps to 0", vector(1, 1L << 32, 1L << 32)));
        cases.add(new Case(
                "[3, 6148914691236517206]: product wraps to 2, the length", vector(2, 3, 6148914691236517206L)));
        cases.add(new Case(
                "[6148914691236517206, 3]: product wraps to 2, the length", vector(2, 6148914691236517206L, 3)));
        cases.add(new Case("rank 50", vector(1, ones(50))));
        cases.add(new Case("rank 9", vector(1, ones(9))));
        cases.add(new Case("[0, 5]: product 0", vector(1, 0, 5)));
        cases.add(new Case("[3, 0]: product 0", vector(3, 3, 0)));
        cases.add(new Case("[-1, -1]: negative dims, product 1", vector(1, -1, -1)));
        cases.add(new Case("[-1, 3]: negative dim, product -3", vector(3, -1, 3)));
        cases.add(new Case("[-3, -1]: negative dims, product 3", vector(3, -3, -1)));
        cases.add(new Case("[Long.MIN_VALUE, -1]", vector(1, Long.MIN_VALUE, -1)));
        cases.add(new Case("[2, 3] with 4 values", vector(4, 2, 3)));
        cases.add(new Case("[4096, 4096]: 16M elements, over the cap", vector(3, 4096, 4096)));
        return cases;
    }

    private static long[] ones(int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        return shape;
    }

    /** A packed vector 1, 2, ..., values with the given vector_shape. */
    public static DataRecord vector(int values, long... shape) {
        DataRecord.Builder record =
                DataRecord.newBuilder().setDataType("sensor").setId("hostile");
        for (int i = 0; i < values; i++) {
            record.addVector(i + 1);
        }
        for (long d : shape) {
            record.addVectorShape(d);
        }
        return record.build();
    }
}
