package dev.modelserving.model;

import dev.modelserving.proto.DataRecord;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test model that counts itself among its factory's open models: made, it adds one to {@code open}; its first
 * close takes one away (later closes do nothing). Lets tests check that every model built is closed exactly once.
 */
public abstract class CountedModel implements Model {

    private final ModelId id;
    private final AtomicInteger open;
    private boolean closed;

    protected CountedModel(ModelId id, AtomicInteger open) {
        this.id = id;
        this.open = open;
        open.incrementAndGet();
    }

    /** A counted model that answers {@code score} to every record. */
    public static CountedModel answering(ModelId id, AtomicInteger open, double score) {
        return new CountedModel(id, open) {
            @Override
            public Prediction score(DataRecord record) {
                return Prediction.score(score);
            }
        };
    }

    @Override
    public final ModelId id() {
        return id;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            open.decrementAndGet();
        }
    }
}
