package dev.modelserving.flink.artifacts;

import dev.modelserving.model.serving.SharedModels;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the serving operators of one job share across the slots of a TaskManager: the live model instances
 * ({@link SharedModels}, one per model version, reference-counted) and the local artifact caches (one per
 * directory).
 *
 * <p>This is the one static holder of the serving code, and it has to be: Flink gives an operator instance no object
 * it shares with the other subtasks of the same TaskManager (operator state, broadcast state and the runtime context
 * are per subtask), yet one copy of a 300 MB model per TaskManager needs exactly that. The holder lives in the
 * job's user-code class loader (the job jar is loaded child-first), so it is per job and per TaskManager, never shared
 * with another job, and it goes away with the job's class loader. It holds no configuration: every entry is asked for
 * with its own key (descriptor and policy, cache directory), so two jobs or two operators with different settings
 * never see each other's entries; an instance lives only while a slot holds a lease on it.
 */
public final class TaskManagerModels {

    private static final SharedModels SHARED = new SharedModels();
    private static final Map<Path, ArtifactCache> CACHES = new HashMap<>();

    private TaskManagerModels() {}

    /** The live instances shared by every serving slot of this job on this TaskManager. */
    public static SharedModels shared() {
        return SHARED;
    }

    /** The cache of {@code directory}, made on first use with the bound {@code maxBytes}. */
    public static ArtifactCache cache(Path directory, long maxBytes) {
        Path key = directory.toAbsolutePath().normalize();
        synchronized (CACHES) {
            return CACHES.computeIfAbsent(key, d -> new ArtifactCache(d, maxBytes));
        }
    }
}
