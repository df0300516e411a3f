package dev.modelserving.model.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the records of a batch that passed their own checks into groups a tensor model can score in one native
 * call each: records of one group share one shape (so they stack along a new batch dimension), and a group holds at
 * most {@code maxElements} values in all (so a batch never allocates more than one record of the largest size
 * allowed would; a single record larger than that still forms a group of its own, it was checked on its own).
 */
public final class BatchGroups {

    /**
     * One record of a batch, ready for a tensor.
     *
     * @param index its position in the batch (its outcome goes there)
     * @param vector its values and shape
     */
    public record Member(int index, InputVector vector) {}

    private BatchGroups() {}

    /** The groups, each in batch order; records of one shape that exceed the bound together go to several groups. */
    public static List<List<Member>> group(List<Member> members, long maxElements) {
        Map<List<Long>, List<List<Member>>> byShape = new LinkedHashMap<>();
        Map<List<Long>, Long> openElements = new LinkedHashMap<>();
        for (Member member : members) {
            List<Long> shape = Arrays.stream(member.vector().shape()).boxed().toList();
            long elements = member.vector().values().length;
            List<List<Member>> groups = byShape.computeIfAbsent(shape, s -> new ArrayList<>());
            long open = openElements.getOrDefault(shape, 0L);
            if (groups.isEmpty() || open + elements > maxElements) {
                groups.add(new ArrayList<>());
                open = 0;
            }
            groups.get(groups.size() - 1).add(member);
            openElements.put(shape, open + elements);
        }
        List<List<Member>> all = new ArrayList<>();
        byShape.values().forEach(all::addAll);
        return all;
    }

    /** The values of the group's records one after the other (row-major with the batch dimension first). */
    public static float[] stacked(List<Member> group) {
        int per = group.get(0).vector().values().length;
        float[] values = new float[Math.multiplyExact(per, group.size())];
        for (int i = 0; i < group.size(); i++) {
            System.arraycopy(group.get(i).vector().values(), 0, values, i * per, per);
        }
        return values;
    }

    /** The shape of a group's tensor: the batch dimension, then one record's shape. */
    public static long[] batchShape(int count, long[] recordShape) {
        long[] shape = new long[recordShape.length + 1];
        shape[0] = count;
        System.arraycopy(recordShape, 0, shape, 1, recordShape.length);
        return shape;
    }
}
