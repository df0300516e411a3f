package dev.modelserving.model;

import dev.modelserving.model.warmup.WarmUpReport;
import java.util.Objects;

/**
 * A model ready to serve, as {@link ModelLoader#loadAndWarmUp} returns it.
 *
 * @param model the model (a lease on a shared instance when the loader shares instances)
 * @param warmUp what the warm-up of this instance did ({@link WarmUpReport#none()} when it came warm from another
 *     user of a shared instance)
 * @param shared whether the instance already served another user when this one got it (no load happened)
 */
public record LoadedModel(Model model, WarmUpReport warmUp, boolean shared) {

    public LoadedModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(warmUp, "warmUp");
    }
}
