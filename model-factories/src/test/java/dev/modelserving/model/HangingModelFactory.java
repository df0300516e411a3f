package dev.modelserving.model;

import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only model type "HANG" (registered through ServiceLoader in test resources): a model whose library hangs.
 * Artifact {@code "hang"}: building blocks until the thread is interrupted, then fails. Artifact
 * {@code "stubborn <millis>"}: building ignores interrupts for that long, then returns a model (answering 7) — a
 * load that comes back after it was abandoned. Counts open models and loads in progress to check that late models
 * are closed and hung threads end.
 */
public final class HangingModelFactory implements ModelFactory {

    public static final String TYPE = "HANG";

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger building = new AtomicInteger();

    @Override
    public String type() {
        return TYPE;
    }

    /** A descriptor of a HANG model; {@code behaviour} is the artifact text. */
    public static ModelDescriptor.Builder descriptor(String dataType, String name, long version, String behaviour) {
        return TestDescriptors.custom(TYPE, dataType, name, version, behaviour);
    }

    public int openModels() {
        return open.get();
    }

    /** Loads inside {@link #create} right now. */
    public int building() {
        return building.get();
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        String behaviour = new String(artifact.bytes(), StandardCharsets.UTF_8).trim();
        building.incrementAndGet();
        try {
            if (behaviour.equals("hang")) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "interrupted while hanging", e);
                }
            } else if (behaviour.startsWith("stubborn ")) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(behaviour.substring(9)));
                while (System.nanoTime() < until) {
                    try {
                        Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                    } catch (InterruptedException e) {
                        // Stubborn on purpose: a library that ignores interrupts.
                    }
                }
            } else {
                throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "expected 'hang' or 'stubborn <millis>'");
            }
        } finally {
            building.decrementAndGet();
        }
        return CountedModel.answering(ModelId.of(descriptor, artifact), open, 7);
    }
}
