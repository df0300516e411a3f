package dev.modelserving.model.pmml;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmg.pmml.Apply;
import org.dmg.pmml.DefineFunction;
import org.dmg.pmml.DerivedField;
import org.dmg.pmml.HasFieldReference;
import org.dmg.pmml.OutputField;
import org.dmg.pmml.PMML;
import org.dmg.pmml.PMMLObject;
import org.dmg.pmml.VisitorAction;
import org.jpmml.model.visitors.AbstractVisitor;

/**
 * Refuses a PMML document whose definitions refer to themselves: a {@code DefineFunction} that applies itself
 * (directly or through other document functions), or a {@code DerivedField} / {@code OutputField} whose expression
 * refers back to itself through other fields.
 *
 * <p>JPMML builds such a document without complaint and evaluates it by recursion on the scoring thread, which is the
 * Flink task thread: the first record that reaches the cycle throws {@link StackOverflowError}, an error that escapes
 * the operator and is replayed after every restore. A cycle is never a valid model, so it is refused at load.
 *
 * <p>Built-in function names are not edges (JPMML resolves a built-in before a document function of the same name).
 * Fields are matched by name across scopes, which can only over-report, never miss a cycle. The walk of the graph is
 * iterative: a hostile document may chain thousands of definitions.
 */
final class PmmlCycleCheck {

    private PmmlCycleCheck() {}

    /**
     * @throws ModelLoadException {@link ModelProblem#INVALID_ARTIFACT} naming one cycle
     */
    static void check(PMML pmml) throws ModelLoadException {
        Map<String, Set<String>> calls = new LinkedHashMap<>();
        Map<String, Set<String>> uses = new LinkedHashMap<>();
        pmml.accept(new AbstractVisitor() {
            @Override
            public VisitorAction visit(PMMLObject object) {
                String defined = name(object);
                if (defined != null) {
                    (object instanceof DefineFunction ? calls : uses)
                            .computeIfAbsent(defined, k -> new LinkedHashSet<>());
                }
                PMMLObject owner = owner(getParents());
                String ownerName = owner == null ? null : name(owner);
                if (ownerName == null) {
                    return super.visit(object);
                }
                if (owner instanceof DefineFunction && object instanceof Apply apply) {
                    String called = apply.requireFunction();
                    if (!PmmlFunctionCheck.builtIns().contains(called)) {
                        calls.computeIfAbsent(ownerName, k -> new LinkedHashSet<>())
                                .add(called);
                    }
                } else if (!(owner instanceof DefineFunction)
                        && object instanceof HasFieldReference<?> reference
                        && reference.getField() != null) {
                    uses.computeIfAbsent(ownerName, k -> new LinkedHashSet<>()).add(reference.getField());
                }
                return super.visit(object);
            }
        });
        List<String> cycle = cycle(calls);
        if (!cycle.isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "the PMML document's functions call" + " themselves: " + describe(cycle)
                            + "; JPMML would recurse without end on the scoring thread");
        }
        cycle = cycle(uses);
        if (!cycle.isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "the PMML document's fields are defined in a" + " cycle: " + describe(cycle)
                            + "; JPMML would recurse without end on the scoring thread");
        }
    }

    /**
     * The name a definition gives (a function, a derived or output field), or null: not a definition, or an unnamed
     * one (a neural network's inputs hold DerivedFields without a name, which nothing can refer to).
     */
    private static String name(PMMLObject object) {
        if (object instanceof DefineFunction function) {
            return function.getName();
        }
        if (object instanceof DerivedField field) {
            return field.getName();
        }
        return object instanceof OutputField field ? field.getName() : null;
    }

    /** The nearest enclosing definition (function, derived or output field) among the visitor's parents. */
    private static PMMLObject owner(Deque<PMMLObject> parents) {
        for (PMMLObject parent : parents) {
            if (parent instanceof DefineFunction || parent instanceof DerivedField || parent instanceof OutputField) {
                return parent;
            }
        }
        return null;
    }

    /** One cycle of the graph (first node repeated at the end), or empty; edges to unknown names are ignored. */
    static List<String> cycle(Map<String, Set<String>> edges) {
        Map<String, Integer> state = new HashMap<>(); // absent: unseen, 1: on the current path, 2: done
        for (String start : edges.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<Iterator<String>> next = new ArrayDeque<>();
            path.push(start);
            next.push(edges.get(start).iterator());
            state.put(start, 1);
            while (!path.isEmpty()) {
                Iterator<String> targets = next.peek();
                if (!targets.hasNext()) {
                    state.put(path.pop(), 2);
                    next.pop();
                    continue;
                }
                String target = targets.next();
                if (!edges.containsKey(target)) {
                    continue;
                }
                Integer seen = state.get(target);
                if (seen == null) {
                    state.put(target, 1);
                    path.push(target);
                    next.push(edges.get(target).iterator());
                } else if (seen == 1) {
                    List<String> cycle = new ArrayList<>();
                    cycle.add(target);
                    for (Iterator<String> it = path.iterator(); it.hasNext(); ) {
                        String node = it.next();
                        cycle.add(0, node);
                        if (node.equals(target)) {
                            break;
                        }
                    }
                    return cycle;
                }
            }
        }
        return List.of();
    }

    private static String describe(List<String> cycle) {
        List<String> shown = cycle.size() <= 10 ? cycle : cycle.subList(0, 10);
        return String.join(
                        " -> ",
                        shown.stream()
                                .map(n -> "'" + PmmlEvaluatorLoader.clip(n) + "'")
                                .toList())
                + (cycle.size() > 10 ? " -> ... (" + (cycle.size() - 1) + " definitions)" : "");
    }
}
