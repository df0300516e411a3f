package dev.modelserving.model.serving;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only model type "PROBE": the artifact is the number every record is answered. Records every call of
 * {@link Model#close()} when it returns or throws (which instance, which thread; a second close of an instance is
 * recorded too), and runs a hook before the close or the build of a given version, so a test can make a close block
 * or fail, or look at what was closed when a build starts.
 */
final class RetirementProbeFactory implements ModelFactory {

    static final String TYPE = "PROBE";

    /** One call of {@code close()}: the model's version, its instance number, the thread that closed it. */
    record Close(long version, int instance, String thread) {}

    /** A hook that may throw, to fail the close or the build it runs before. */
    @FunctionalInterface
    interface Hook {
        void run() throws Exception;
    }

    private final AtomicInteger instances = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final List<Close> closes = new CopyOnWriteArrayList<>();
    private final Map<Long, Hook> beforeClose = new ConcurrentHashMap<>();
    private final Map<Long, Hook> beforeBuild = new ConcurrentHashMap<>();

    /** A PROBE descriptor of data type {@code dataType}, model "probe", answering {@code answer}. */
    static ModelDescriptor.Builder descriptor(String dataType, long version, double answer) {
        return TestDescriptors.custom(TYPE, dataType, "probe", version, Double.toString(answer));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Runs {@code hook} in every close of a model of {@code version}, before the close is recorded. */
    void beforeClose(long version, Hook hook) {
        beforeClose.put(version, hook);
    }

    /** Runs {@code hook} on the loading thread before a model of {@code version} is built. */
    void beforeBuild(long version, Hook hook) {
        beforeBuild.put(version, hook);
    }

    /** Every close so far, in order. */
    List<Close> closes() {
        return List.copyOf(closes);
    }

    /** The closes of models of {@code version}. */
    List<Close> closesOf(long version) {
        return closes.stream().filter(c -> c.version() == version).toList();
    }

    /** Models built and not closed yet. */
    int openModels() {
        return open.get();
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        long version = descriptor.getVersion();
        run(beforeBuild.get(version));
        double answer;
        try {
            answer = Double.parseDouble(new String(artifact.bytes(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not a number", e);
        }
        ModelId id = ModelId.of(descriptor, artifact);
        int instance = instances.incrementAndGet();
        open.incrementAndGet();
        return new Model() {
            @Override
            public ModelId id() {
                return id;
            }

            @Override
            public Prediction score(DataRecord record) {
                return Prediction.score(answer);
            }

            @Override
            public void close() {
                try {
                    run(beforeClose.get(version));
                } finally {
                    // Recorded when the close returns or throws (a failed close freed what it could).
                    if (closes.stream().noneMatch(c -> c.instance() == instance)) {
                        open.decrementAndGet();
                    }
                    closes.add(
                            new Close(version, instance, Thread.currentThread().getName()));
                }
            }
        };
    }

    private static void run(Hook hook) {
        if (hook == null) {
            return;
        }
        try {
            hook.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a probe hook", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
