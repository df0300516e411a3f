package dev.modelserving.model.warmup;

import dev.modelserving.model.Model;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ValidationSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a freshly validated model up on its loading thread, so the first records it serves do not pay for its cold
 * start (a 324 KB random-forest PMML answered its first records ~0.4 s late on a cluster).
 *
 * <p>The inputs are the descriptor's validation samples plus synthetic records built from its input contract: a
 * record with every named feature (and every PMML field mapping's record feature) at 0, and, for a tensor model
 * with a fully known input shape and no feature names, a packed vector of zeros of that size (at most
 * {@link #MAX_SYNTHETIC_ELEMENTS} values). An input the model refuses ({@link ScoringException}, e.g. a zero the
 * model deems invalid) is dropped after its first call. The model scores all inputs once per round, round after
 * round, for at least {@link WarmUpSettings#minCalls()} calls and then until the round latency is stable (see
 * {@link WarmUpSettings}), or until a bound stops it. Runtime failures of
 * the model are not caught here: a model that fails on its own validated samples is left to the caller.
 */
public final class ModelWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(ModelWarmUp.class);
    /** Largest synthetic packed vector (1 Mi values): a warm-up input never costs more than 8 MB. */
    public static final long MAX_SYNTHETIC_ELEMENTS = 1L << 20;

    private final WarmUpSettings settings;
    private final LongSupplier nanoClock;

    public ModelWarmUp(WarmUpSettings settings) {
        this(settings, System::nanoTime);
    }

    ModelWarmUp(WarmUpSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /** Warms {@code model} up with inputs from {@code descriptor}; returns what it did (never throws a scoring error). */
    public WarmUpReport warmUp(Model model, ModelDescriptor descriptor) {
        if (!settings.enabled()) {
            return WarmUpReport.none();
        }
        List<DataRecord> inputs = inputs(descriptor);
        if (inputs.isEmpty()) {
            return WarmUpReport.none();
        }
        long start = nanoClock.getAsLong();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(settings.maxMillis());
        long[] recent = new long[settings.window()];
        int rounds = 0;
        int calls = 0;
        long first = 0;
        long last = 0;
        boolean stable = false;
        while (!inputs.isEmpty()
                && calls < settings.maxCalls()
                && !Thread.currentThread().isInterrupted()) {
            long roundStart = nanoClock.getAsLong();
            for (Iterator<DataRecord> it = inputs.iterator(); it.hasNext() && calls < settings.maxCalls(); ) {
                DataRecord input = it.next();
                calls++;
                try {
                    model.score(input);
                } catch (ScoringException e) {
                    LOG.debug("warm-up input refused by {}, dropped: {}", model.id(), e.getMessage());
                    it.remove();
                }
            }
            long now = nanoClock.getAsLong();
            last = now - roundStart;
            if (rounds == 0) {
                first = last;
            }
            recent[rounds % recent.length] = last;
            rounds++;
            if (rounds >= recent.length && calls >= settings.minCalls() && stable(recent)) {
                stable = true;
                break;
            }
            if (now - deadline >= 0) {
                break;
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - start);
        WarmUpReport report = new WarmUpReport(millis, calls, stable, first, last);
        LOG.info(
                "warmed up {} in {} ms, {} calls ({}): first round {} µs, last round {} µs",
                model.id(),
                millis,
                calls,
                stable ? "stable" : "stopped by a bound",
                TimeUnit.NANOSECONDS.toMicros(first),
                TimeUnit.NANOSECONDS.toMicros(last));
        return report;
    }

    /** Whether every latency in {@code rounds} lies within the tolerance (or the absolute slack) of their median. */
    boolean stable(long[] rounds) {
        long[] sorted = rounds.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        double allowed = Math.max(settings.tolerance() * median, WarmUpSettings.ABSOLUTE_SLACK_NANOS);
        for (long round : rounds) {
            if (Math.abs(round - median) > allowed) {
                return false;
            }
        }
        return true;
    }

    /** The validation samples' inputs and the synthetic records of the input contract. */
    static List<DataRecord> inputs(ModelDescriptor descriptor) {
        List<DataRecord> inputs = new ArrayList<>();
        for (ValidationSample sample : descriptor.getValidationSamplesList()) {
            DataRecord input = sample.getInput();
            inputs.add(
                    input.getDataType().isEmpty()
                            ? input.toBuilder()
                                    .setDataType(descriptor.getDataType())
                                    .build()
                            : input);
        }
        Set<String> features = new LinkedHashSet<>(descriptor.getInput().getFeatureNamesList());
        for (FieldMapping mapping : descriptor.getInput().getFieldMappingList()) {
            features.add(mapping.getRecordFeature());
        }
        if (!features.isEmpty()) {
            DataRecord.Builder zeros = DataRecord.newBuilder()
                    .setDataType(descriptor.getDataType())
                    .setId("warm-up");
            features.forEach(f -> zeros.putFeatures(f, 0.0));
            inputs.add(zeros.build());
        } else {
            long elements = knownElements(descriptor.getInput().getShapeList());
            if (elements > 0 && elements <= MAX_SYNTHETIC_ELEMENTS) {
                DataRecord.Builder zeros = DataRecord.newBuilder()
                        .setDataType(descriptor.getDataType())
                        .setId("warm-up");
                for (long i = 0; i < elements; i++) {
                    zeros.addVector(0f);
                }
                inputs.add(zeros.build());
            }
        }
        return inputs;
    }

    /** The number of values of a fully known shape; 0 when a dimension is unknown, not positive or too large. */
    private static long knownElements(List<Long> shape) {
        if (shape.isEmpty()) {
            return 0;
        }
        long product = 1;
        for (long dim : shape) {
            if (dim <= 0 || dim > MAX_SYNTHETIC_ELEMENTS) {
                return 0;
            }
            product *= dim;
            if (product > MAX_SYNTHETIC_ELEMENTS) {
                return 0;
            }
        }
        return product;
    }
}
