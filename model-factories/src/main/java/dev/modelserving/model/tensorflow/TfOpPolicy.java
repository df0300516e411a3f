package dev.modelserving.model.tensorflow;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which TensorFlow operations a served graph may run: an allowlist of computational ops (the resource
 * {@value #ALLOWLIST_RESOURCE}, one op type per line, {@code #} comments), plus the extra op types a deployment allows
 * ({@code LoadPolicy.extraAllowedTfOps}, flag {@code --allow-tf-ops}). A TensorFlow graph is code that runs with the
 * TaskManager's rights: file ops ({@code ReadFile}, {@code WriteFile}, {@code MatchingFiles}), checkpoint I/O
 * ({@code Save*}, {@code Restore*}, {@code MergeV2Checkpoints}), printing, py_func, readers, queues, iterators and
 * datasets are not on the list, so a graph that uses one fails to load instead of running it.
 *
 * <p>The SavedModel loader's own variable restore runs the SaverDef's restore op; only that walk also accepts the
 * checkpoint-reading ops {@link #RESTORE_OPS}, which read the model's own variables files.
 */
final class TfOpPolicy {

    /** Classpath resource holding the built-in allowlist. */
    static final String ALLOWLIST_RESOURCE = "/dev/modelserving/model/tensorflow/allowed-tf-ops.txt";
    /** Ops the loader's variable restore needs in addition to the allowlist, and only there. */
    static final Set<String> RESTORE_OPS = Set.of("RestoreV2", "Restore", "RestoreSlice");
    /** How many offending nodes a refusal lists. */
    static final int MAX_LISTED = 30;

    private static final Set<String> BUILT_IN = readAllowlist();

    private final Set<String> allowed;

    /** The built-in allowlist plus {@code extraOps}. */
    TfOpPolicy(Collection<String> extraOps) {
        Set<String> all = new HashSet<>(BUILT_IN);
        for (String op : extraOps) {
            if (!op.isBlank()) {
                all.add(op.strip());
            }
        }
        this.allowed = Set.copyOf(all);
    }

    /** Whether the built-in allowlist (without extras) holds {@code op}. */
    static boolean builtIn(String op) {
        return BUILT_IN.contains(op);
    }

    /**
     * Refuses operations outside the policy.
     *
     * @param operations what may run
     * @param graph where they come from, to tell library function calls apart from kernels
     * @param purpose what would run them, for the message (e.g. "the served outputs")
     * @param restore whether this is the loader's variable restore (which may also use {@link #RESTORE_OPS})
     * @throws ModelLoadException {@link ModelProblem#DISALLOWED_OPERATION} listing the op types and up to
     *     {@value #MAX_LISTED} nodes
     */
    void check(
            List<ReachableOperations.Operation> operations, ReachableOperations graph, String purpose, boolean restore)
            throws ModelLoadException {
        Map<String, ReachableOperations.Operation> refused = new LinkedHashMap<>();
        Set<String> refusedTypes = new TreeSet<>();
        for (ReachableOperations.Operation operation : operations) {
            String op = operation.op();
            if (allowed.contains(op) || graph.isFunction(op) || restore && RESTORE_OPS.contains(op)) {
                continue;
            }
            refusedTypes.add(op);
            refused.putIfAbsent(operation.where() + "/" + operation.node(), operation);
        }
        if (refused.isEmpty()) {
            return;
        }
        List<ReachableOperations.Operation> listed =
                refused.values().stream().limit(MAX_LISTED).toList();
        throw new ModelLoadException(
                ModelProblem.DISALLOWED_OPERATION,
                purpose + " would run TensorFlow op types"
                        + " that are not allowed: " + refusedTypes + "; nodes: " + listed
                        + (refused.size() > MAX_LISTED ? " and " + (refused.size() - MAX_LISTED) + " more" : "")
                        + ". File, system and I/O ops are refused; a trusted custom op can be allowed with --allow-tf-ops");
    }

    private static Set<String> readAllowlist() {
        InputStream in = TfOpPolicy.class.getResourceAsStream(ALLOWLIST_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("the TensorFlow op allowlist " + ALLOWLIST_RESOURCE + " is missing");
        }
        Set<String> ops = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int comment = line.indexOf('#');
                String op = (comment < 0 ? line : line.substring(0, comment)).strip();
                if (!op.isEmpty()) {
                    ops.add(op);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TensorFlow op allowlist " + ALLOWLIST_RESOURCE, e);
        }
        return Set.copyOf(ops);
    }
}
